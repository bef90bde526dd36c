/** The "about me" document: free text about the user that missions can take as an input. */
import { useState } from 'react';
import { KONTEXT, KONTEXT_DOC_ID } from '../../../src-shared/tools/modules';
import { writeRecord } from '../../db/write';
import { useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { Markdown } from '../../ui/Markdown';
import { useKontext } from './data';

export function KontextEditor() {
  const content = useKontext();
  const [draft, setDraft] = useState<string | null>(null);
  const save = useAction(async () => {
    const now = new Date().toISOString();
    // Written as a full record every time: the first save creates it.
    await writeRecord(KONTEXT.app, KONTEXT.table, KONTEXT_DOC_ID, { content: draft ?? '', updatedAt: now }, content ? 'update' : 'insert');
    setDraft(null);
  });
  if (content === undefined) return <p className="muted">Loading…</p>;
  return (
    <article className="note-view" aria-label="About me">
      <h2>About me</h2>
      <p className="muted small">What your agents should know about you: role, routines, preferences. Add it to a mission’s inputs to use it.</p>
      {draft === null ? (
        <>
          {content ? <Markdown text={content} /> : <p className="muted">Nothing written yet.</p>}
          <div className="actions">
            <button type="button" onClick={() => setDraft(content)}>
              Edit
            </button>
          </div>
        </>
      ) : (
        <div className="stack">
          <label>
            About me (Markdown)
            <textarea value={draft} onChange={(e) => setDraft(e.target.value)} rows={12} maxLength={100_000} autoFocus />
          </label>
          <ErrorText error={save.error} />
          <div className="actions">
            <button type="button" className="primary" onClick={() => void save.run()} disabled={save.busy}>
              Save
            </button>
            <button type="button" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </article>
  );
}
