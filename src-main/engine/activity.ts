/**
 * The audit timeline: the change log read newest first, with who made each change. The renderer's
 * replica keeps only merged records, so "who changed what, when" has to come from the log itself.
 * Values are previews (long text cut), since the timeline shows what changed, not the whole record.
 */
import type { MethodOutput, ParsedInput } from '../../src-shared/api';
import { Actor } from '../../src-shared/domain/actor';
import type { ActivityRow } from './store/activity-queries';
import type { Store } from './store/store';

type ActivityPage = MethodOutput<'activity.list'>;
type ActivityEntry = ActivityPage['entries'][number];

const PREVIEW_CHARS = 240;

/** A value short enough for a timeline line: long strings and large objects are cut. */
export function previewValue(value: unknown): unknown {
  if (typeof value === 'string') return value.length > PREVIEW_CHARS ? `${value.slice(0, PREVIEW_CHARS - 1)}…` : value;
  if (value === null || typeof value !== 'object') return value;
  const json = JSON.stringify(value);
  return json.length > PREVIEW_CHARS ? `${json.slice(0, PREVIEW_CHARS - 1)}…` : value;
}

/** A row's values by field: a log row's data, or a compacted entry's names and values zipped. */
function valuesOf(row: ActivityRow): Record<string, unknown> {
  const data = JSON.parse(row.data) as Record<string, unknown> | unknown[];
  if (row.names === null || !Array.isArray(data)) return data as Record<string, unknown>;
  const names = JSON.parse(row.names) as string[];
  return Object.fromEntries(names.map((name, i) => [name, data[i]]));
}

function toEntry(row: ActivityRow): ActivityEntry {
  let fields: Record<string, unknown> = {};
  try {
    const data = valuesOf(row);
    fields = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, previewValue(v)]));
  } catch {
    // an unreadable row is still an entry in the timeline (sync.pull quarantines it)
  }
  let actor: Actor | null = null;
  if (row.actor) {
    try {
      const parsed = Actor.safeParse(JSON.parse(row.actor));
      actor = parsed.success ? parsed.data : null;
    } catch {
      actor = null;
    }
  }
  return {
    seq: row.seq,
    eventId: row.id,
    app: row.app_id,
    table: row.table_name,
    id: row.record_id,
    op: row.op === 'insert' || row.op === 'delete' ? row.op : 'update',
    fields,
    actor,
    origin: row.origin,
    createdAt: row.created_at,
  };
}

export function listActivity(store: Store, input: ParsedInput<'activity.list'>): ActivityPage {
  const rows = store.activity.page(input, input.limit + 1);
  const page = rows.slice(0, input.limit);
  return { entries: page.map(toEntry), nextBefore: rows.length > input.limit ? (page.at(-1)?.seq ?? null) : null };
}
