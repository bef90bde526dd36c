/**
 * The collections a device follows on the server: those of the app's own records (missions,
 * iterations, proposals, agents) and of its modules, plus any collection it holds records of (so a
 * table only another version writes is followed once it arrives). The server has no list of them.
 */
import { AI_APP, TABLES } from '../../../src-shared/domain/ai';
import { MODULE_LOCATIONS } from '../../../src-shared/tools/modules';

export interface Collection {
  app: string;
  table: string;
}

export const KNOWN_COLLECTIONS: readonly Collection[] = [
  ...Object.values(TABLES).map((table) => ({ app: AI_APP, table })),
  ...MODULE_LOCATIONS.map(({ app, table }) => ({ app, table })),
];

/** The apps of these collections, in first-seen order. */
export function appsOf(collections: readonly Collection[]): string[] {
  return [...new Set(collections.map((c) => c.app))];
}
