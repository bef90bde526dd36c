import type { ReactNode } from 'react';

/** What an empty list means and what to do next, instead of a bare "nothing here". */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-title">{title}</p>
      {children && <div className="empty-body">{children}</div>}
    </div>
  );
}
