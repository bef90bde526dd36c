import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';

interface Props {
  busy: boolean;
  onReject: (reason: string) => void;
  onCancel: () => void;
  confirmLabel?: string;
}

/** The reason goes into the next plan's prompt, so the agent learns why. Ctrl+Enter confirms, Escape cancels. */
export function RejectForm({ busy, onReject, onCancel, confirmLabel = 'Confirm reject' }: Props) {
  const [reason, setReason] = useState('');
  const id = useId();
  function submit(e: FormEvent) {
    e.preventDefault();
    onReject(reason);
  }
  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
    } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      onReject(reason);
    }
  }
  return (
    <form className="reject-form" onSubmit={submit} onKeyDown={onKeyDown}>
      <label htmlFor={id}>Reason (optional)</label>
      <textarea id={id} value={reason} onChange={(e) => setReason(e.target.value)} rows={2} autoFocus placeholder="Tell the agent why, so the next plan does better" />
      <div className="actions">
        <button type="submit" className="danger" disabled={busy}>
          {confirmLabel}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <span className="muted small">Ctrl+Enter to confirm, Esc to cancel</span>
      </div>
    </form>
  );
}
