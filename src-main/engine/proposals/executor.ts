/**
 * Runs a tool against the store and records what it did, so it can be undone. Effect event ids are
 * derived from a caller-given prefix (the proposal id), so executing the same proposal twice is a no-op.
 * Call inside a store transaction: effects and the caller's status write land together.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Actor, Attribution } from '../../../src-shared/domain/actor';
import type { Execution } from '../../../src-shared/domain/ai';
import { getTool } from '../../../src-shared/tools/catalog';
import type { LocalChange, Store } from '../store/store';
import { toolImpl } from '../tools';
import { ToolError } from '../tools/types';

export interface ExecuteOptions {
  actor: Actor;
  /** deterministic ids: effect events `${prefix}/effect/${i}`, created records hashed from it */
  idPrefix?: string;
  now: Date;
  timeZone: string;
}

export function deterministicId(kind: string, seed: string): string {
  return `${kind}-${createHash('sha256').update(seed).digest('hex').slice(0, 24)}`;
}

export function runTool(store: Store, toolName: string, params: Record<string, unknown>, opts: ExecuteOptions): { result: unknown; effects: LocalChange[] } {
  const tool = getTool(toolName);
  const impl = toolImpl(toolName);
  if (!tool || !impl) throw new ToolError(`Unknown tool "${toolName}".`);
  let counter = 0;
  return impl.run(
    {
      store,
      now: opts.now,
      timeZone: opts.timeZone,
      newId: (kind) => (opts.idPrefix ? deterministicId(kind, `${opts.idPrefix}#${counter++}`) : `${kind}-${randomUUID()}`),
    },
    params,
  );
}

export function attribution(actor: Actor): Attribution {
  return { kind: actor.kind, principalId: actor.principalId, displayName: actor.displayName ?? null, missionId: actor.kind === 'ai' ? actor.missionId : null };
}

/** Runs a write tool and appends its effects; returns the execution record for the proposal. */
export function executeTool(store: Store, toolName: string, params: Record<string, unknown>, opts: ExecuteOptions): Execution {
  return store.tx(() => {
    const { result, effects } = runTool(store, toolName, params, opts);
    const before = effects.map((e) => {
      const current = store.get(e.app, e.table, e.id);
      if (!current || current.deleted || e.op === 'insert') return { app: e.app, table: e.table, id: e.id, fields: null };
      const fields: Record<string, unknown> = {};
      for (const f of Object.keys(e.fields)) fields[f] = current.data[f] ?? null;
      return { app: e.app, table: e.table, id: e.id, fields };
    });
    const eventIds = store.appendLocal(
      effects.map((e, i) => ({
        ...e,
        // Records say who made them, so lists can show "by <agent>" without reading the log.
        fields: e.op === 'insert' ? { ...e.fields, createdBy: attribution(opts.actor) } : e.fields,
        eventId: opts.idPrefix ? `${opts.idPrefix}/effect/${i}` : undefined,
      })),
      opts.actor,
    );
    return { at: opts.now.toISOString(), eventIds, before, result };
  });
}

/** Appends the inverse of an execution: created records are deleted, updated fields restored. */
export function revertExecution(store: Store, execution: Execution, opts: { actor: Actor; idPrefix: string }): string[] {
  const inverse: LocalChange[] = [...(execution.before ?? [])].reverse().map((b, i) =>
    b.fields === null
      ? { app: b.app, table: b.table, id: b.id, op: 'delete', fields: {}, eventId: `${opts.idPrefix}/revert/${i}` }
      : { app: b.app, table: b.table, id: b.id, op: 'update', fields: b.fields, eventId: `${opts.idPrefix}/revert/${i}` },
  );
  return store.appendLocal(inverse, opts.actor);
}
