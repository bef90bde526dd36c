import { useId, useState } from 'react';
import { NOTES } from '../../../src-shared/tools/modules';
import { writeRecord } from '../../db/write';
import { newId } from '../../lib/ids';
import { submitTo, useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { Markdown } from '../../ui/Markdown';
import { parseTags, type Note } from './data';

interface Props {
  /** absent: a new note */
  note?: Note;
  onDone: (id: string | null) => void;
}

export function NoteEditor({ note, onDone }: Props) {
  const [title, setTitle] = useState(note?.title ?? '');
  const [content, setContent] = useState(note?.content ?? '');
  const [tags, setTags] = useState((note?.tags ?? []).join(', '));
  const [preview, setPreview] = useState(false);
  const contentId = useId();
  const save = useAction(async () => {
    const now = new Date().toISOString();
    const fields = { title: title.trim() || null, content, tags: parseTags(tags), updatedAt: now };
    if (note) {
      const changed = Object.fromEntries(Object.entries(fields).filter(([k, v]) => k === 'updatedAt' || JSON.stringify(v) !== JSON.stringify((note as Record<string, unknown>)[k] ?? null)));
      if (Object.keys(changed).length > 1) await writeRecord(NOTES.app, NOTES.table, note.id, changed);
      onDone(note.id);
    } else {
      const id = newId();
      await writeRecord(NOTES.app, NOTES.table, id, { ...fields, createdAt: now }, 'insert');
      onDone(id);
    }
  });
  return (
    <form className="note-editor stack" onSubmit={submitTo(save)} aria-label={note ? 'Edit note' : 'New note'}>
      <label>
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={500} autoFocus placeholder="Untitled" />
      </label>
      <div className="field">
        <div className="field-head">
          <label htmlFor={contentId}>Content (Markdown)</label>
          <div className="segmented" role="group" aria-label="Content view">
            <button type="button" aria-pressed={!preview} onClick={() => setPreview(false)}>
              Write
            </button>
            <button type="button" aria-pressed={preview} onClick={() => setPreview(true)}>
              Preview
            </button>
          </div>
        </div>
        {preview ? (
          <div className="concept-preview">
            <Markdown text={content} />
          </div>
        ) : (
          <textarea id={contentId} value={content} onChange={(e) => setContent(e.target.value)} rows={14} maxLength={100_000} required />
        )}
      </div>
      <label>
        Tags
        <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="work, ideas" />
      </label>
      <ErrorText error={save.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.busy || !content.trim()}>
          Save note
        </button>
        <button type="button" onClick={() => onDone(note?.id ?? null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
