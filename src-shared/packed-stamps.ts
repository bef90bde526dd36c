/**
 * A record's or a change's field stamps, packed as the engine stores them (`records`,
 * `sync_changes`, `record_base`) and sends them in snapshot pages: the stamp most of the fields
 * share once, then the fields whose stamp differs: `[common, {field: stamp}]`. A change stamps
 * every field it writes with one stamp, so it keeps one 46-character stamp instead of one per
 * field. The fields are those of the data (the merge stamps exactly the fields it writes), so
 * unpacking takes the data. The plain form (`{field: stamp}`) is read as well: rows written before
 * stamps were packed keep it until they are rewritten.
 *
 * The packed text depends only on the data's field order and the stamps, never on the order the
 * stamps were noted in, so a rebuilt projection writes the same bytes as the incremental one.
 */
import type { FieldStamps, FieldValues } from './lww';
import { isPlainObject } from './domain/change';
import { stampSortKey } from './hlc';

/** The packed form: the common stamp ('' when there are no stamps), and the fields that differ (null: a field of the data without a stamp). */
export type PackedStamps = [common: string, others: Record<string, string | null>];

export function packStamps(meta: FieldStamps, data: FieldValues): string {
  return JSON.stringify(packedStamps(meta, data));
}

/** The packed form itself (for a JSON document that holds it, such as the replica's chunks). */
export function packedStamps(meta: FieldStamps, data: FieldValues): PackedStamps {
  const counts = new Map<string, number>();
  for (const field in meta) counts.set(meta[field]!, (counts.get(meta[field]!) ?? 0) + 1);
  let common = '';
  let most = 0;
  // ties go to the larger stamp: the choice never depends on the order of the fields
  for (const [stamp, count] of counts) if (count > most || (count === most && stamp > common)) [common, most] = [stamp, count];
  const others: Record<string, string | null> = {};
  for (const field in data) {
    const at = meta[field];
    if (at === undefined) others[field] = null;
    else if (at !== common) others[field] = at;
  }
  // stamps of fields the data does not hold (not made by the merge, but readable): by name
  for (const field of Object.keys(meta).filter((f) => !(f in data)).sort()) others[field] = meta[field]!;
  return [common, others];
}

/**
 * The stamps of parsed field stamps (either form), or why they cannot be read, naming them as
 * `name` (the column or property they came from). Only the stamps' shape is checked.
 */
export function unpackStamps(parsed: unknown, data: FieldValues, name = 'meta'): FieldStamps | string {
  if (isPlainObject(parsed)) return checked(parsed as Record<string, unknown>, name);
  if (!isPackedStamps(parsed)) return `${name} is neither {field: stamp} nor [stamp, {field: stamp}]`;
  const [common, others] = parsed;
  if (common !== '' && stampSortKey(common) === null) return `${name}[0] is not a stamp`;
  // in the data's field order, as the merge wrote them (a rebuild then writes the same JSON)
  const meta: FieldStamps = {};
  if (isEmpty(others)) {
    // the most common case by far (one change wrote every field): no lookups
    if (common !== '') for (const field in data) meta[field] = common;
    return meta;
  }
  for (const field in data) {
    const own = field in others ? (others[field] ?? null) : common;
    if (own === null || own === '') continue;
    if (own !== common && stampSortKey(own) === null) return `${name}.${field} is not a stamp`;
    meta[field] = own;
  }
  for (const field in others) {
    if (field in data || others[field] === null) continue;
    if (stampSortKey(others[field]!) === null) return `${name}.${field} is not a stamp`;
    meta[field] = others[field]!;
  }
  return meta;
}

function isEmpty(object: object): boolean {
  for (const _ in object) return false;
  return true;
}

function isPackedStamps(value: unknown): value is PackedStamps {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && isPlainObject(value[1]);
}

function checked(meta: Record<string, unknown>, name: string): FieldStamps | string {
  let previous = '';
  for (const field in meta) {
    const at = meta[field];
    if (at === previous) continue;
    if (typeof at !== 'string' || stampSortKey(at) === null) return `${name}.${field} is not a stamp`;
    previous = at;
  }
  return meta as FieldStamps;
}
