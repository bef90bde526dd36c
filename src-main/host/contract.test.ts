/**
 * The contract both ways, over the real HTTP host: every method of src-shared/api.ts is called with
 * valid input against a real engine (a temp data dir, the scripted OpenAI-compatible server), and
 * each answer is parsed with the method's output schema; every event of the SSE stream is parsed
 * with its event schema. Conforming means the schema accepts the answer AND keeps all of it: zod
 * drops undeclared fields silently, and a field the contract does not declare is drift too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ApiErrorBody,
  EVENT_NAMES,
  events,
  HTTP_STATUS,
  METHOD_NAMES,
  methods,
  type ErrorCode,
  type EventName,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../src-shared/api';
import { missionInsert } from '../engine/testing/changes';
import { planReply, startHarness, type Harness } from '../engine/testing/harness';
import { sqliteBackend, startTestServer, type TestServer } from '../server/testing/harness';
import { startHttpHost, type HttpHost } from './http';

const TOKEN = 'contract-test-token-0123456789';

/** Throws, naming the drift, unless `value` is exactly what `schema` describes. */
function expectConforms(schema: z.ZodType, value: unknown, what: string): void {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`${what} does not match its schema:\n${z.prettifyError(parsed.error)}\n${JSON.stringify(value).slice(0, 2000)}`);
  expect(parsed.data, `${what} carries fields its schema does not declare`).toEqual(value);
}

let h: Harness;
let host: HttpHost;
let syncServer: TestServer;
let closeSyncStorage: () => Promise<void>;
const called = new Set<MethodName>();
const streamed: { event: string; data: string }[] = [];
const stream = new AbortController();

async function post(method: string, input: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${host.port}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: await res.json() };
}

/** Calls `method` over HTTP and checks its answer against the method's output schema. */
async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const { status, body } = await post(method, input);
  expect(status, `${method} answered ${JSON.stringify(body).slice(0, 500)}`).toBe(200);
  expectConforms(methods[method].output, body, `the answer of ${method}`);
  called.add(method);
  return body as MethodOutput<M>;
}

/** Calls a method whose valid answer on this host is a refusal (e.g. shell.* on the headless host). */
async function refused(method: MethodName, input: unknown, code: ErrorCode): Promise<void> {
  const { status, body } = await post(method, input);
  expectConforms(ApiErrorBody, body, `the refusal of ${method}`);
  expect({ status, code: (body as ApiErrorBody).error.code }).toEqual({ status: HTTP_STATUS[code], code });
  called.add(method);
}

/** Reads the event stream in the background into `streamed` (one entry per event frame). */
async function readEvents(): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${host.port}/api/events`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: stream.signal });
  expect(res.status).toBe(200);
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for await (const chunk of res.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event !== undefined && data !== undefined) streamed.push({ event, data });
        }
      }
    } catch {
      // aborted at the end of the test
    }
  })();
}

beforeAll(async () => {
  const storage = await sqliteBackend().open();
  closeSyncStorage = storage.cleanup;
  syncServer = await startTestServer(storage.storage);
  h = await startHarness();
  host = await startHttpHost({ engine: h.engine, token: TOKEN, host: '127.0.0.1', port: 0, rendererDir: null });
  await readEvents();
});
afterAll(async () => {
  stream.abort();
  await host.close();
  await h.close();
  await syncServer.close();
  await closeSyncStorage();
});

const task = (title: string) => ({ summary: `add ${title}`, toolName: 'create_task', params: { title }, rationale: `${title} is due` });

describe('the api contract over HTTP', () => {
  it('answers every method within its output schema', async () => {
    // settings and the LLM endpoint (the scripted server)
    await call('settings.get', {});
    await call('settings.update', { runner: { concurrency: 2 } });
    await call('llm.models', {});
    expect(await call('llm.test', {})).toMatchObject({ ok: true });
    expect((await call('llm.probe', {})).checks.map((c) => c.feature)).toEqual(['tools', 'responseFormat', 'jsonSchema', 'grammar']);
    // forgotten again, so the runs below find out for themselves
    expect(await call('llm.resetCapabilities', {})).toEqual({ capabilities: {} });

    // the runner's switches
    await call('runner.status', {});
    expect((await call('runner.setPaused', { paused: true })).paused).toBe(true);
    await call('runner.setPaused', { paused: false });

    // data in and out
    const pushed = await call('sync.push', {
      clientId: 'contract-test',
      changes: [
        missionInsert('m1'),
        missionInsert('m2', { title: 'Failing mission', failureStreak: 4 }),
        { eventId: 'task-1', app: 'todo', table: 'tasks', id: 'task-1', op: 'insert', data: { title: 'Existing task', done: false } },
      ],
    });
    expect(pushed.accepted).toBe(3);
    expect((await call('sync.pull', { since: 0 })).changes.length).toBeGreaterThanOrEqual(3);
    const first = await call('sync.snapshot', { limit: 1 });
    expect(first.nextKey).not.toBeNull();
    await call('sync.snapshot', { afterKey: first.nextKey, limit: 1000 });
    await call('records.list', { app: 'ai', table: 'aiMissions' });
    expect((await call('records.get', { app: 'todo', table: 'tasks', id: 'task-1' })).record).not.toBeNull();

    // a run with three write steps: three proposals, decided every way
    h.llm.enqueue(planReply([task('A'), task('B'), task('C')]));
    const run = await call('missions.runNow', { missionId: 'm1' });
    expect(run).toMatchObject({ status: 'awaiting-review', error: null });
    const iterationId = run.iterationId!;
    expect((await call('iterations.debug', { iterationId })).debug).not.toBeNull();
    expect((await call('proposals.approve', { proposalId: `${iterationId}.0`, feedback: 'good' })).proposal.status).toBe('approved');
    expect((await call('proposals.revert', { proposalId: `${iterationId}.0` })).proposal.status).toBe('reverted');
    expect((await call('proposals.reject', { proposalId: `${iterationId}.1`, feedback: 'not now' })).proposal.status).toBe('rejected');
    expect((await call('proposals.decideAll', { iterationId, decision: 'approve' })).results).toHaveLength(1);

    // a failing run that needs the user's attention
    h.llm.enqueue({ status: 400 });
    expect(await call('missions.runNow', { missionId: 'm2' })).toMatchObject({ status: 'failed' });

    // the runner's record and the audit trail
    await call('runner.tick', {});
    expect((await call('runner.ticks', { limit: 10 })).ticks.length).toBeGreaterThan(0);
    await call('agents.usage', {});
    expect((await call('activity.list', { limit: 20 })).entries.length).toBeGreaterThan(0);

    // the history keeper: archive and compact now (nothing is old enough here), then its status
    expect(await call('history.compact', {})).toMatchObject({ reason: 'asked', error: null });
    expect((await call('history.status', {})).lastRun).not.toBeNull();

    // a mission paused and resumed
    await call('missions.pause', { missionId: 'm1' });
    await call('missions.resume', { missionId: 'm1' });

    // sync with a server: a change the server refuses (U+0000, which Postgres cannot store) is parked, then tried again
    await call('settings.update', { sync: { serverUrl: syncServer.url, deviceName: 'Contract laptop' }, syncToken: await syncServer.account('contract') });
    await call('sync.push', { clientId: 'contract-test', changes: [{ eventId: 'task-nul', app: 'todo', table: 'tasks', id: 'task-nul', op: 'insert', data: { title: 'nul \u0000 inside' } }] });
    expect(await call('syncServer.syncNow', {})).toMatchObject({ state: 'synced', parked: 1, waiting: 0 });
    expect((await call('syncServer.status', {})).serverUrl).toBe(syncServer.url);
    expect((await call('syncServer.parked', { limit: 10 })).changes).toEqual([expect.objectContaining({ id: 'task-nul', reason: expect.stringMatching(/refused/) })]);
    expect(await call('syncServer.retryParked', {})).toEqual({ accepted: 0, stillParked: 1 });

    // the headless host has no desktop shell: it says so, and refuses to change the shell
    expect(await call('shell.getPreferences', {})).toMatchObject({ available: false });
    await refused('shell.setPreferences', { launchAtLogin: true }, 'UNAVAILABLE');

    expect([...called].sort()).toEqual([...METHOD_NAMES].sort());
  });

  // the events the calls above caused (and the status every new stream starts with)
  it('streams every event within its event schema', async () => {
    await expect.poll(() => [...new Set(streamed.map((s) => s.event))].sort(), { timeout: 5_000 }).toEqual([...EVENT_NAMES].sort());
    for (const { event, data } of streamed) {
      expect(EVENT_NAMES, `an undeclared event "${event}" was streamed`).toContain(event);
      expectConforms(events[event as EventName], JSON.parse(data), `the ${event} event`);
    }
  });
});
