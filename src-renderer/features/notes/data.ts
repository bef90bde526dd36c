import { useMemo } from 'react';
import { z } from 'zod';
import { Attribution } from '../../../src-shared/domain/actor';
import { KONTEXT, KONTEXT_DOC_ID, NOTES } from '../../../src-shared/tools/modules';
import { parseRecords, useRecord, useRecords } from '../../db/hooks';

/** Notes as the notes tools write them (src-shared/tools/modules.ts); read leniently. */
export const Note = z.object({
  id: z.string(),
  title: z.string().nullish(),
  content: z.string().nullish().transform((v) => v ?? ''),
  tags: z
    .array(z.unknown())
    .nullish()
    .transform((v) => (v ?? []).map(String)),
  createdAt: z.string().nullish(),
  updatedAt: z.string().nullish(),
  createdBy: Attribution.nullish(),
});
export type Note = z.infer<typeof Note>;

export function useNotes(): Note[] | undefined {
  const records = useRecords(NOTES.app, NOTES.table);
  return useMemo(
    () => parseRecords(records, Note)?.sort((a, b) => (b.updatedAt ?? b.createdAt ?? '').localeCompare(a.updatedAt ?? a.createdAt ?? '')),
    [records],
  );
}

/** The "about me" document (kontext): undefined while loading, '' when never written. */
export function useKontext(): string | undefined {
  const record = useRecord(KONTEXT.app, KONTEXT.table, KONTEXT_DOC_ID);
  if (record === undefined) return undefined;
  return typeof record?.data.content === 'string' ? record.data.content : '';
}

/** "work, Home , #ideas" -> ["work", "Home", "ideas"]: one word each, no duplicates. */
export function parseTags(text: string): string[] {
  const tags: string[] = [];
  for (const raw of text.split(/[,\s]+/)) {
    const tag = raw.trim().replace(/^#/, '');
    if (tag && !tags.some((t) => t.toLowerCase() === tag.toLowerCase())) tags.push(tag);
  }
  return tags;
}
