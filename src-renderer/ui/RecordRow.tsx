/** Pieces every module's record rows share: who made it (when an agent did) and Edit / Delete. */
import type { Attribution } from '../../src-shared/domain/actor';

/** "by <agent>" on a record an agent created; nothing for the user's own records. */
export function AgentBadge({ createdBy }: { createdBy?: Attribution | null }) {
  if (createdBy?.kind !== 'ai') return null;
  return <span className="badge agent">by {createdBy.displayName ?? 'an agent'}</span>;
}

export function RowActions({ onEdit, onDelete, deleting }: { onEdit: () => void; onDelete: () => void; deleting: boolean }) {
  return (
    <span className="row-actions">
      <button type="button" className="small" onClick={onEdit}>
        Edit
      </button>
      <button type="button" className="small danger-outline" onClick={onDelete} disabled={deleting}>
        Delete
      </button>
    </span>
  );
}
