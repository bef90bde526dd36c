/**
 * Turns a mission's input references into text for the prompt. One resolver per module; a missing
 * or deleted record resolves to nothing rather than failing the run. The prompt fences each input
 * as data and truncates the total to a character budget.
 */
import type { InputRef } from '../../../src-shared/domain/ai';
import type { ResolvedInput } from '../../../src-shared/planner/prompt';
import {
  type CalendarEvent,
  EVENTS,
  GOALS,
  type Goal,
  KONTEXT,
  type KontextDoc,
  type ModuleLocation,
  NOTES,
  type Note,
  TASKS,
  type Task,
} from '../../../src-shared/tools/modules';
import type { Store } from '../store/store';

type Resolver = (store: Store, ref: InputRef) => ResolvedInput | null;

/** A resolver reading one record of `where` and formatting it; the record id is always shown so tools can use it. */
function recordResolver<T>(where: ModuleLocation, format: (r: T & { id: string }) => { title: string; content: string }): Resolver {
  return (store, ref) => {
    const record = store.getData<T>(where.app, where.table, ref.id);
    if (!record) return null;
    const { title, content } = format(record);
    return { module: where.module, table: where.table, id: record.id, title, content };
  };
}

const resolvers: Record<string, Resolver> = {
  [TASKS.module]: recordResolver<Task>(TASKS, (t) => {
    const head = [`[${t.done ? 'done' : 'open'}]`, t.dueDate ? `due ${t.dueDate}` : '', t.priority ? `${t.priority} priority` : '', `id ${t.id}`];
    const line = head.filter(Boolean).join(' · ');
    return { title: String(t.title ?? t.id), content: t.description ? `${line}\n${t.description}` : line };
  }),
  [NOTES.module]: recordResolver<Note>(NOTES, (n) => {
    const tags = n.tags?.length ? ` · tags ${n.tags.map((t) => `#${t}`).join(' ')}` : '';
    return { title: String(n.title || n.id), content: `id ${n.id}${tags}\n${String(n.content ?? '')}` };
  }),
  [EVENTS.module]: recordResolver<CalendarEvent>(EVENTS, (e) => {
    const where = e.location ? ` @ ${e.location}` : '';
    const line = `${e.startTime} – ${e.endTime}${where} · id ${e.id}`;
    return { title: String(e.title ?? e.id), content: e.description ? `${line}\n${e.description}` : line };
  }),
  [GOALS.module]: recordResolver<Goal>(GOALS, (g) => {
    const target = g.targetValue != null ? ` / ${g.targetValue}${g.period ? ` per ${g.period}` : ''}` : '';
    return { title: String(g.title ?? g.id), content: `progress ${Number(g.currentValue ?? 0)}${target} · id ${g.id}` };
  }),
  [KONTEXT.module]: recordResolver<KontextDoc>(KONTEXT, (k) => ({ title: 'About the user (kontext)', content: String(k.content ?? '') })),
};

export function resolveInputs(store: Store, refs: InputRef[]): ResolvedInput[] {
  return refs.flatMap((ref) => {
    const resolver = resolvers[ref.module];
    if (!resolver) return [];
    try {
      const resolved = resolver(store, ref);
      return resolved ? [resolved] : [];
    } catch {
      return [];
    }
  });
}

