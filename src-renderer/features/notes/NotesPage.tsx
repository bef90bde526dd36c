import { useMemo, useState } from 'react';
import { NOTES } from '../../../src-shared/tools/modules';
import { deleteRecord } from '../../db/write';
import { formatDateTime } from '../../lib/format';
import { useAction } from '../../lib/useAction';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorText } from '../../ui/ErrorText';
import { Markdown } from '../../ui/Markdown';
import { showToast } from '../../ui/toasts';
import { ModuleInbox } from '../inbox/ModuleInbox';
import { recordTitle } from '../modules/catalog';
import { useNotes, type Note } from './data';
import { KontextEditor } from './KontextEditor';
import { NoteEditor } from './NoteEditor';

type Selection = { kind: 'note'; id: string } | { kind: 'new' } | { kind: 'edit'; id: string } | { kind: 'kontext' } | null;

function NoteView({ note, onEdit, onDeleted }: { note: Note; onEdit: () => void; onDeleted: () => void }) {
  const remove = useAction(async () => {
    await deleteRecord(NOTES.app, NOTES.table, note.id);
    showToast({ kind: 'info', title: `Deleted note “${recordTitle(note, note.id)}”.` });
    onDeleted();
  });
  return (
    <article className="note-view" aria-label={`Note: ${recordTitle(note, note.id)}`}>
      <div className="title-row">
        <h2>{note.title || <span className="muted">Untitled</span>}</h2>
        <div className="actions">
          <button type="button" onClick={onEdit}>
            Edit
          </button>
          <button type="button" className="danger-outline" onClick={() => void remove.run()} disabled={remove.busy}>
            Delete
          </button>
        </div>
      </div>
      <p className="muted small">
        {note.tags.length > 0 && (
          <span className="tags">
            {note.tags.map((t) => (
              <span key={t} className="tag">
                #{t}
              </span>
            ))}
          </span>
        )}{' '}
        Updated {formatDateTime(note.updatedAt ?? note.createdAt)}
        {note.createdBy?.kind === 'ai' && ` · by ${note.createdBy.displayName ?? 'an agent'}`}
      </p>
      <ErrorText error={remove.error} />
      <Markdown text={note.content} className="note-body" />
    </article>
  );
}

function NoteList({ notes, selection, onSelect }: { notes: Note[]; selection: Selection; onSelect: (s: Selection) => void }) {
  const [query, setQuery] = useState('');
  const shown = useMemo(() => {
    const needle = query.trim().toLowerCase();
    return needle ? notes.filter((n) => [n.title ?? '', n.content, ...n.tags].some((t) => t.toLowerCase().includes(needle))) : notes;
  }, [notes, query]);
  const selectedId = selection && 'id' in selection ? selection.id : null;
  return (
    <div className="note-list">
      <div className="actions">
        <button type="button" className="primary" onClick={() => onSelect({ kind: 'new' })}>
          New note
        </button>
      </div>
      <label className="visually-hidden" htmlFor="note-search">
        Search notes
      </label>
      <input id="note-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Search notes and tags" />
      <ul aria-label="Notes">
        <li>
          <button type="button" className="note-item pinned" aria-current={selection?.kind === 'kontext' ? 'true' : undefined} onClick={() => onSelect({ kind: 'kontext' })}>
            <span className="note-item-title">About me</span>
            <span className="muted small">Context for your agents</span>
          </button>
        </li>
        {shown.map((n) => (
          <li key={n.id}>
            <button type="button" className="note-item" aria-current={selectedId === n.id ? 'true' : undefined} onClick={() => onSelect({ kind: 'note', id: n.id })}>
              <span className="note-item-title">{recordTitle(n, n.id)}</span>
              <span className="muted small">
                {n.tags.map((t) => `#${t}`).join(' ')} {formatDateTime(n.updatedAt ?? n.createdAt)}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {shown.length === 0 && query && <p className="muted small">No note matches “{query}”.</p>}
    </div>
  );
}

export function NotesPage() {
  const notes = useNotes();
  const [selection, setSelection] = useState<Selection>(null);
  const current = selection && 'id' in selection ? notes?.find((n) => n.id === selection.id) : undefined;
  // Without a choice yet, show the newest note.
  const effective: Selection = selection ?? (notes?.[0] ? { kind: 'note', id: notes[0].id } : null);
  const shownNote = current ?? (effective?.kind === 'note' ? notes?.find((n) => n.id === effective.id) : undefined);
  return (
    <>
      <h1>Notes</h1>
      <ModuleInbox module="notes" noun="note" />
      <section aria-label="Your notes" className="notes-layout">
        {!notes ? (
          <p className="muted">Loading…</p>
        ) : (
          <>
            <NoteList notes={notes} selection={effective} onSelect={setSelection} />
            <div className="note-pane">
              {effective?.kind === 'new' ? (
                <NoteEditor onDone={(id) => setSelection(id ? { kind: 'note', id } : null)} />
              ) : effective?.kind === 'edit' && current ? (
                <NoteEditor key={current.id} note={current} onDone={(id) => setSelection(id ? { kind: 'note', id } : null)} />
              ) : effective?.kind === 'kontext' ? (
                <KontextEditor />
              ) : shownNote ? (
                <NoteView note={shownNote} onEdit={() => setSelection({ kind: 'edit', id: shownNote.id })} onDeleted={() => setSelection(null)} />
              ) : (
                <EmptyState title="No notes yet.">Write one with “New note”: meeting notes, ideas, plans. Missions can read them and turn them into tasks.</EmptyState>
              )}
            </div>
          </>
        )}
      </section>
    </>
  );
}
