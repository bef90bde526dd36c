/**
 * A message that may be long (an error from the LLM endpoint, from sync) shown on one line, cut
 * with an ellipsis; the whole text is in its tooltip and opens below/above it on click or Enter,
 * so a long error never wraps a bar over the page.
 */
import { useEffect, useId, useState } from 'react';

export function ClippedText({ text, className }: { text: string; className?: string }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  useEffect(() => {
    if (!open) return;
    const close = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', close);
    return () => window.removeEventListener('keydown', close);
  }, [open]);
  return (
    <span className={className ? `clipped ${className}` : 'clipped'}>
      <button type="button" className="clipped-text" title={text} aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
        {text}
      </button>
      {open && (
        <span id={id} className="clipped-full" role="note">
          {text}
          <button type="button" className="icon-button" aria-label="Close" onClick={() => setOpen(false)}>
            ×
          </button>
        </span>
      )}
    </span>
  );
}
