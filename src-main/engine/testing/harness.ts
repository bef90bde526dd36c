/**
 * Test helper: an engine on a real migrated database in a temp dir, talking to the scripted
 * OpenAI-compatible server (a real HTTP server on loopback). Time is the test's: the engine's clock
 * and timers move only when the test moves them (a timer fires when time passes it), the LLM
 * client's retry waits are recorded, not slept, and the server's `delayMs` replies answer when the
 * test advances the server's timers.
 */
import { startScriptedLlm, type ScriptedLlm, type ScriptedToolCall } from '../../testing/llm-server';
import type { LlmSettings, RunnerSettings } from '../../../src-shared/domain/settings';
import { createEngine, type Engine, type EngineLog } from '../index';
import type { LlmClientDeps } from '../llm/client';
import { MemorySecretStore, type SecretStore } from '../settings';
import { ManualTimers } from '../../testing/manual-timers';
import { TestClock } from './test-clock';
import { tempDataDir } from './temp-db';

export interface Harness {
  engine: Engine;
  llm: ScriptedLlm;
  /** the scripted server's timers: a reply with `delayMs` answers once the test advances them that far */
  llmTimers: ManualTimers;
  /** the engine's time and timers: `advance`/`set` move it and fire what comes due on the way */
  clock: TestClock;
  /** every wait the LLM client asked for between attempts (ms), in order; none is slept */
  llmWaits: number[];
  events: { event: string; payload: any }[];
  /** resolves with the payload of the next `event` the engine emits */
  nextEvent(event: string): Promise<any>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  llm?: Partial<LlmSettings>;
  runner?: Partial<RunnerSettings>;
  /** start time of the test clock (default 2026-11-20T09:00:00Z, a Friday) */
  start?: string;
  llmDeps?: LlmClientDeps;
  /** reuse a data dir (to simulate a restart) */
  dataDir?: string;
  scripted?: ScriptedLlm;
  /** the engine's log (default: none) */
  log?: EngineLog;
  /** where the API key is kept (default: a fresh one in memory); pass the same one across restarts */
  secrets?: SecretStore;
  /** `--llm-api-key-env`: the environment variable holding the API key */
  apiKeyEnv?: string;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const llmTimers = new ManualTimers();
  const llm = options.scripted ?? (await startScriptedLlm({ timers: llmTimers }));
  const tmp = options.dataDir ? { dir: options.dataDir, cleanup: () => undefined } : tempDataDir();
  const clock = new TestClock(options.start ?? '2026-11-20T09:00:00.000Z');
  const llmWaits: number[] = [];
  const engine = createEngine({
    dataDir: tmp.dir,
    secrets: options.secrets ?? new MemorySecretStore(),
    apiKeyEnv: options.apiKeyEnv ?? null,
    overrides: {
      llm: { baseUrl: llm.url, model: 'test-model', plannerMode: 'json', timeoutMs: 5_000, ...options.llm },
      runner: { timeZone: 'Europe/Berlin', ...options.runner },
    },
    llmDeps: {
      random: () => 0.001,
      sleep: async (ms) => {
        llmWaits.push(ms);
      },
      ...options.llmDeps,
    },
    now: () => clock.date(),
    timers: clock,
    autoStart: false,
    log: options.log,
  });
  const events: { event: string; payload: any }[] = [];
  engine.on((event, payload) => events.push({ event, payload }));
  const nextEvent = (name: string) =>
    new Promise<any>((resolve) => {
      const off = engine.on((event, payload) => {
        if (event !== name) return;
        off();
        resolve(payload);
      });
    });
  return {
    engine,
    llm,
    llmTimers,
    clock,
    llmWaits,
    events,
    nextEvent,
    async close() {
      await engine.close();
      if (!options.scripted) await llm.close();
      tmp.cleanup();
    },
  };
}

let eventCounter = 0;

/** Writes a record the way the renderer does: a sync.push of an insert. */
export async function putRecord(engine: Engine, app: string, table: string, id: string, data: Record<string, unknown>): Promise<void> {
  await engine.call('sync.push', { clientId: 'test-renderer', changes: [{ eventId: `put-${id}-${++eventCounter}`, app, table, id, op: 'insert', data }] });
}

export async function updateRecord(engine: Engine, app: string, table: string, id: string, data: Record<string, unknown>): Promise<void> {
  await engine.call('sync.push', { clientId: 'test-renderer', changes: [{ eventId: `upd-${id}-${++eventCounter}`, app, table, id, op: 'update', data }] });
}

export async function putMission(engine: Engine, id: string, fields: Record<string, unknown> = {}): Promise<void> {
  await putRecord(engine, 'ai', 'aiMissions', id, {
    title: `Mission ${id}`,
    objective: 'Keep the week planned',
    cadence: { kind: 'manual' },
    state: 'active',
    failureStreak: 0,
    ...fields,
  });
}

export async function getData(engine: Engine, app: string, table: string, id: string): Promise<Record<string, any> | null> {
  const { record } = await engine.call('records.get', { app, table, id });
  return record && !record.deleted ? record.data : null;
}

export async function listData(engine: Engine, app: string, table: string): Promise<Record<string, any>[]> {
  const { records } = await engine.call('records.list', { app, table });
  return records.map((r) => ({ ...r.data, id: r.id }));
}

/** A JSON plan reply, fenced (without steps, it says "Nothing to do", as a well-formed empty plan must). */
export function planReply(steps: unknown[], summary = steps.length ? 'plan' : 'Nothing to do'): { content: string } {
  return { content: '```json\n' + JSON.stringify({ summary, steps }) + '\n```' };
}

export function toolCalls(...calls: ScriptedToolCall[]): { toolCalls: ScriptedToolCall[] } {
  return { toolCalls: calls };
}

/** The messages of the n-th chat request the server received (0-based). */
export function sentMessages(llm: ScriptedLlm, n: number): { role: string; content: string | null; tool_calls?: unknown[] }[] {
  return llm.requests[n]!.body.messages;
}
