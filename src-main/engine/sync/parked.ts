/** The parked changes as Settings → Sync lists them: what each is about, in words, and the server's reason. */
import type { ParkedChange } from '../../../src-shared/api';
import type { Store } from '../store/store';

/** The record's title (or name) the change wrote, else the record's current one. */
function titleOf(store: Store, app: string, table: string, id: string, data: string): string | null {
  const pick = (fields: Record<string, unknown> | null | undefined) => {
    const t = fields?.title ?? fields?.name;
    return typeof t === 'string' && t.trim() ? t.trim().slice(0, 200) : null;
  };
  try {
    const written = pick(JSON.parse(data) as Record<string, unknown>);
    if (written) return written;
  } catch {
    // an unreadable row: the record may still have a title
  }
  return pick(store.get(app, table, id)?.data);
}

export function parkedChanges(store: Store, limit: number): { changes: ParkedChange[]; total: number } {
  const rows = store.syncState.parked(limit);
  return {
    changes: rows.map((r) => ({
      seq: r.seq,
      app: r.app_id,
      table: r.table_name,
      id: r.record_id,
      op: r.op as ParkedChange['op'],
      title: titleOf(store, r.app_id, r.table_name, r.record_id, r.data),
      reason: r.reason,
      parkedAt: r.parked_at,
    })),
    total: store.syncState.parkedCount(),
  };
}
