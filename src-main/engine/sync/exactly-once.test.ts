/**
 * One plan per due time, with real parts: two devices (engines on temp dirs, both runners "always"),
 * one scripted LLM and a real sync server, on one manual clock. A mission due every minute goes
 * through 200 due times; both runners tick at each (their timers fire together). The server is
 * stopped for part of the run and started again on its address. Then:
 * - every due time was planned, once: one iteration per due time, with one set of cards;
 * - while the server was reachable, one LLM call per due time (the claim's loser skipped, wrote
 *   nothing, and said why in its tick);
 * - while it was not, both devices planned (nobody could coordinate), and their plans merged into
 *   one set of cards that says it was planned on both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AI_APP, type Iteration, type Proposal, TABLES } from '../../../src-shared/domain/ai';
import type { TickResult } from '../../../src-shared/api';
import { startScriptedLlm, type ScriptedLlm } from '../../testing/llm-server';
import { type TestServer, sqliteBackend, startTestServer } from '../../server/testing/harness';
import { startSyncServer, type StandaloneSyncServer } from '../../server/server';
import type { SyncStorage } from '../../server/storage';
import { missionInsert } from '../testing/changes';
import { planReply } from '../testing/harness';
import { type Device, startDevice } from '../testing/sync-devices';
import { TestClock } from '../testing/test-clock';
import { dueIterationId } from '../runner/plan-ids';

const DUE_TIMES = 200;
/** the due times (0-based) during which the server is down */
const DOWN_FROM = 80;
const DOWN_UNTIL = 110;
const START = '2026-11-20T09:00:00.000Z';

let storage: { storage: SyncStorage; cleanup(): Promise<void> };
let server: TestServer;
let restarted: StandaloneSyncServer | null = null;
let llm: ScriptedLlm;
let token: string;

beforeAll(async () => {
  storage = await sqliteBackend().open();
  server = await startTestServer(storage.storage);
  token = await server.account('household');
  // every plan: two new tasks to review (new ones each time: the writer refuses a repeat of a
  // change the mission proposed before, which is not what this test is about)
  llm = await startScriptedLlm({
    defaultReply: (request) =>
      planReply([
        { toolName: 'create_task', params: { title: `Water the plants (${request.seq})` }, rationale: 'they are dry' },
        { toolName: 'create_task', params: { title: `Call the plumber (${request.seq})` }, rationale: 'the tap drips' },
      ]),
  });
});

afterAll(async () => {
  await restarted?.close();
  await server.close().catch(() => undefined);
  await storage.cleanup();
  await llm.close();
});

function dueAt(i: number): string {
  return new Date(Date.parse(START) + (i + 1) * 60_000).toISOString();
}

describe('one plan per due time across two runners', () => {
  it('200 due times, the server down for 30 of them: every due time planned once while reachable, one set of cards each', async () => {
    const clock = new TestClock(START);
    const a = startDevice({ name: 'laptop', serverUrl: server.url, token, clock, llmUrl: llm.url });
    const b = startDevice({ name: 'home-server', serverUrl: server.url, token, clock, llmUrl: llm.url });
    try {
      await a.engine.call('sync.push', {
        clientId: 'renderer',
        // plans while its cards wait: nobody reviews them here, and each due time must still be planned
        changes: [missionInsert('m1', { title: 'Tidy the house', cadence: { kind: 'cron', expression: '* * * * *' }, nextRunAt: dueAt(0), planWhileWaiting: true })],
      });
      await a.engine.sync.syncNow();
      await b.engine.sync.syncNow();
      const port = server.server.port;
      const llmCallsAt: number[] = [];
      const ticks: TickResult[] = [];
      for (let i = 0; i < DUE_TIMES; i++) {
        if (i === DOWN_FROM) await server.close();
        if (i === DOWN_UNTIL) restarted = await startSyncServer({ storage: storage.storage, port });
        clock.set(dueAt(i));
        const before = llm.requests.length;
        // both runners' timers fire at the due time
        ticks.push(...(await Promise.all([a.engine.runner.tick(), b.engine.runner.tick()])));
        llmCallsAt.push(llm.requests.length - before);
        for (const d of [a, b, a]) await d.engine.sync.syncNow();
      }
      for (const d of [a, b, a, b]) await d.engine.sync.syncNow();
      expect(a.engine.sync.status().state).toBe('synced');

      const reachable = (i: number) => i < DOWN_FROM || i >= DOWN_UNTIL;
      // one LLM call per reachable due time, two (one per device) per due time of the partition
      expect(llmCallsAt.map((n, i) => (reachable(i) ? n === 1 : n === 2)).every(Boolean)).toBe(true);
      // the losers said why, and wrote nothing
      const skipped = ticks.reduce((sum, t) => sum + (t.skipped['planned-elsewhere'] ?? 0), 0);
      expect(skipped).toBe(DUE_TIMES - (DOWN_UNTIL - DOWN_FROM));

      for (const d of [a, b]) {
        const iterations = d.engine.store.listData<Iteration>(AI_APP, TABLES.iterations);
        const proposals = d.engine.store.listData<Proposal>(AI_APP, TABLES.proposals);
        expect(iterations).toHaveLength(DUE_TIMES);
        // one iteration per due time, by its derived id
        expect(new Set(iterations.map((it) => it.id))).toEqual(new Set(Array.from({ length: DUE_TIMES }, (_, i) => dueIterationId('m1', dueAt(i)))));
        // one set of two cards per due time, never two sets
        const cardsPerPlan = new Map<string, number>();
        for (const p of proposals) cardsPerPlan.set(p.iterationId, (cardsPerPlan.get(p.iterationId) ?? 0) + 1);
        expect(cardsPerPlan.size).toBe(DUE_TIMES);
        expect([...cardsPerPlan.values()].every((n) => n === 2)).toBe(true);
        // planned on both devices exactly during the partition, and the cards say so
        for (let i = 0; i < DUE_TIMES; i++) {
          const it = iterations.find((x) => x.id === dueIterationId('m1', dueAt(i)))!;
          if (reachable(i)) expect(it.plannedOn ?? null).toBeNull();
          else expect(it.plannedOn).toEqual(['home-server', 'laptop']);
        }
        expect(proposals.filter((p) => p.plannedOn).length).toBe(2 * (DOWN_UNTIL - DOWN_FROM));
      }
      // both devices hold the same plans
      const key = (d: Device) => JSON.stringify(d.engine.store.list(AI_APP, TABLES.proposals).map((r) => [r.id, r.data]).sort());
      expect(key(a)).toBe(key(b));
    } finally {
      await a.close();
      await b.close();
    }
  }, 180_000);
});
