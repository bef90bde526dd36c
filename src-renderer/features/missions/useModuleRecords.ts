import { useMemo } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { InputRef } from '../../../src-shared/domain/ai';
import { tablesRecords } from '../../db/records';
import { formatDate, formatDateTime } from '../../lib/format';
import { recordTitle, UI_MODULES, type UiModule } from '../modules/catalog';

export interface PickableRecord extends InputRef {
  key: string;
  title: string;
  /** a short second line: due date, tags, start time… */
  detail: string;
  moduleLabel: string;
  /** "note", "task": for sentences */
  noun: string;
  updatedAt: string;
}

function detailOf(m: UiModule, data: Record<string, unknown>): string {
  const s = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (m.module) {
    case 'todo':
      return [data.done ? 'done' : 'open', s(data.dueDate) && `due ${formatDate(s(data.dueDate))}`].filter(Boolean).join(' · ');
    case 'notes':
      return Array.isArray(data.tags) ? data.tags.map((t) => `#${String(t)}`).join(' ') : '';
    case 'calendar':
      return s(data.startTime) ? formatDateTime(s(data.startTime)) : '';
    case 'goals':
      return data.targetValue != null ? `${Number(data.currentValue ?? 0)} / ${Number(data.targetValue)}` : '';
    default:
      return '';
  }
}

/** Every record a mission can use as an input, newest first, across the modules. */
export function usePickableRecords(): PickableRecord[] | undefined {
  const records = useLiveQuery(async () => (await tablesRecords(UI_MODULES)).filter((r) => r.deleted === 0), []);
  return useMemo(() => {
    if (!records) return undefined;
    return records
      .flatMap((r) => {
        const m = UI_MODULES.find((x) => x.app === r.app && x.table === r.table);
        if (!m) return [];
        const updatedAt = String(r.data.updatedAt ?? r.data.createdAt ?? '');
        const title = m.module === 'kontext' ? 'About me (context for agents)' : recordTitle(r.data, r.id);
        return [{ key: r.key, module: m.module, table: m.table, id: r.id, title, detail: detailOf(m, r.data), moduleLabel: m.label, noun: m.noun, updatedAt }];
      })
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }, [records]);
}
