/**
 * Turns a mission's input references into text for the prompt. One resolver per module; a missing
 * or deleted record resolves to nothing rather than failing the run.
 */
import type { InputRef } from '../../../src-shared/domain/ai';
import type { ResolvedInput } from '../../../src-shared/planner/prompt';
import type { Store } from '../store/store';
import type { Task } from '../tools/todo';

type Resolver = (store: Store, ref: InputRef) => ResolvedInput | null;

const resolvers: Record<string, Resolver> = {
  todo: (store, ref) => {
    const t = store.getData<Task>('todo', 'tasks', ref.id);
    if (!t) return null;
    const head = `[${t.done ? 'done' : 'open'}]${t.dueDate ? ` · due ${t.dueDate}` : ''}${t.priority ? ` · ${t.priority} priority` : ''} · id ${t.id}`;
    return { module: 'todo', table: 'tasks', id: t.id, title: t.title, content: t.description ? `${head}\n${t.description}` : head };
  },
};

export function registerResolver(module: string, resolver: Resolver): void {
  resolvers[module] = resolver;
}

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
