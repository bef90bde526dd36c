/**
 * A record's field stamps, packed for the tables only the Store reads back (record_base): the
 * stamp most of its fields share once, then the fields whose stamp differs. A record written by
 * one insert keeps one 46-character stamp instead of one per field. The fields are those of its
 * data (the LWW merge stamps exactly the fields it writes), so `unpackStamps` takes the data.
 * The packed form is a JSON array; the plain one (`{field: stamp}`) an object, which is also read.
 */
import type { FieldStamps, FieldValues } from '../../../src-shared/lww';

export function packStamps(meta: FieldStamps, data: FieldValues): string {
  const counts = new Map<string, number>();
  for (const field in meta) counts.set(meta[field]!, (counts.get(meta[field]!) ?? 0) + 1);
  let common = '';
  let most = 0;
  for (const [stamp, count] of counts) if (count > most) [common, most] = [stamp, count];
  const others: FieldStamps = {};
  for (const field in meta) if (meta[field] !== common || !(field in data)) others[field] = meta[field]!;
  // a field of the data without a stamp (never written by the merge) is listed as null
  for (const field in data) if (!(field in meta)) (others as Record<string, string | null>)[field] = null;
  return JSON.stringify([common, others]);
}

export function unpackStamps(text: string, data: FieldValues): FieldStamps {
  const parsed = JSON.parse(text) as FieldStamps | [string, Record<string, string | null>];
  if (!Array.isArray(parsed)) return parsed;
  const [common, others] = parsed;
  // in the data's field order, as the merge wrote them (a rebuild then writes the same JSON)
  const meta: FieldStamps = {};
  for (const field in data) {
    const own = field in others ? others[field] : common;
    if (own !== null && own !== undefined) meta[field] = own;
  }
  for (const field in others) if (!(field in data) && others[field] !== null) meta[field] = others[field]!;
  return meta;
}
