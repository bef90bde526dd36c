/**
 * A property of `sync.push` over the real HTTP host (issue 13): a batch with one hostile change
 * among valid ones - nested too deep, a text, list, object or change too large, a stamp far ahead
 * of the engine's clock or before 2000, an origin or actor only the engine may write with - answers
 * 4xx with the error body, and the change log is exactly as before: the valid changes of the batch
 * are not written either. Afterwards every read method answers 200 and a valid push still lands.
 * The engine's clock is the test's (2026-11-20T09:00:00Z), so "ahead" is exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ERROR_CODES, HTTP_STATUS, type ErrorCode, type MethodName } from '../../src-shared/api';
import { MAX_DRIFT_MS } from '../../src-shared/hlc';
import { missionInsert } from '../engine/testing/changes';
import { tempEngine } from '../engine/testing/temp-db';
import { startHttpHost, type HttpHost } from './http';

const TOKEN = 'push-fuzz-test-token-0123456789';
const NOW_MS = Date.parse('2026-11-20T09:00:00.000Z');
let temp: ReturnType<typeof tempEngine>;
let host: HttpHost;

async function post(method: MethodName, body: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`http://127.0.0.1:${host.port}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body,
  });
  return { status: res.status, json: await res.json() };
}

const logSeq = async () => (await post('sync.pull', '{"since":0,"limit":1}')).json;

beforeAll(async () => {
  temp = tempEngine();
  host = await startHttpHost({ engine: temp.engine, token: TOKEN, host: '127.0.0.1', port: 0, rendererDir: null });
  // something to read, so that reads have work to do
  expect((await post('sync.push', JSON.stringify({ clientId: 'seed', changes: [missionInsert('m1')] }))).status).toBe(200);
});
afterAll(async () => {
  await host.close();
  await temp.cleanup();
});

// ---------------------------------------------------------------------------------------------
// Arbitraries: changes as JSON text (a value nested thousands deep is written, not built)

let counter = 0;
const iso = (ms: number) => new Date(ms).toISOString();
/** A stamp the engine accepts: within the last year, or up to the drift ahead. */
const goodStamp = fc.integer({ min: NOW_MS - 365 * 86_400_000, max: NOW_MS + MAX_DRIFT_MS }).map(iso);
const futureStamp = fc.oneof(
  fc.integer({ min: NOW_MS + MAX_DRIFT_MS + 1, max: Date.parse('9999-12-31T23:59:59.999Z') }).map(iso),
  fc.constantFrom('9999-12-31T23:59:59Z', '9999-12-31T23:59:59.999Z-ffff-ffffffffffffffff', '2026-11-20T09:05:00.001Z'),
);
const ancientStamp = fc.oneof(
  fc.integer({ min: Date.parse('0000-01-01T00:00:00.000Z'), max: Date.parse('2000-01-01T00:00:00.000Z') - 1 }).map(iso),
  fc.constantFrom('0000-01-01T00:00:00.000Z', '1970-01-01T00:00:00Z', '1999-12-31T23:59:59.999Z'),
);
const badStamp = fc.oneof(futureStamp, ancientStamp);

const table = fc.constantFrom(['todo', 'tasks'], ['notes', 'notes'], ['ai', 'aiMissions'], ['ai', 'aiProposals'], ['weather', 'forecasts']);
const head = (op: string) => table.map(([app, t]) => `"eventId":"fuzz-${++counter}","app":"${app}","table":"${t}","id":"r${counter % 7}","op":"${op}"`);

const valid = fc.oneof(
  fc.tuple(head('update'), goodStamp, fc.jsonValue({ maxDepth: 3 })).map(([h, at, v]) => `{${h},"fields":{"title":{"value":${JSON.stringify(v)},"at":"${at}"}}}`),
  fc.tuple(head('insert'), fc.string({ maxLength: 40 })).map(([h, s]) => `{${h},"data":{"title":${JSON.stringify(s)}}}`),
  fc.tuple(head('delete'), goodStamp).map(([h, at]) => `{${h},"deletedAt":"${at}"}`),
);

const nestedText = (depth: number, open: '[' | '{') => (open === '[' ? `${'['.repeat(depth)}0${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`);
const BIG_TEXT = JSON.stringify('x'.repeat(1024 * 1024 + 1));
const LONG_LIST = `[${Array.from({ length: 10_001 }, () => '0').join(',')}]`;
const WIDE_OBJECT = `{${Array.from({ length: 10_001 }, (_, i) => `"k${i}":0`).join(',')}}`;
const HALF_MB = JSON.stringify('y'.repeat(600 * 1024));

const hostile = fc.oneof(
  // depth, in a field value or in data
  fc.tuple(head('update'), fc.integer({ min: 65, max: 6_000 }), fc.constantFrom<'[' | '{'>('[', '{'), goodStamp).map(
    ([h, depth, open, at]) => `{${h},"fields":{"notes":{"value":${nestedText(depth, open)},"at":"${at}"}}}`,
  ),
  fc.tuple(head('insert'), fc.integer({ min: 65, max: 6_000 }), fc.constantFrom<'[' | '{'>('[', '{')).map(([h, depth, open]) => `{${h},"data":{"notes":${nestedText(depth, open)}}}`),
  // sizes
  fc.tuple(head('insert'), fc.constantFrom(BIG_TEXT, LONG_LIST, WIDE_OBJECT)).map(([h, value]) => `{${h},"data":{"value":${value}}}`),
  head('insert').map((h) => `{${h},"data":{"a":${HALF_MB},"b":${HALF_MB}}}`),
  fc.tuple(head('update'), goodStamp).map(([h, at]) => `{${h},"fields":{${Array.from({ length: 1_001 }, (_, i) => `"f${i}":{"value":${i},"at":"${at}"}`).join(',')}}}`),
  // stamps: field stamps, the legacy updatedAt, deletedAt, the data stamps of inserts and deletes
  fc.tuple(head('update'), badStamp).map(([h, at]) => `{${h},"fields":{"title":{"value":"frozen","at":"${at}"}}}`),
  fc.tuple(head('update'), badStamp).map(([h, at]) => `{${h},"fields":{"title":{"value":"frozen","updatedAt":"${at}"}}}`),
  fc.tuple(head('delete'), badStamp).map(([h, at]) => `{${h},"deletedAt":"${at}"}`),
  fc.tuple(head('update'), goodStamp, badStamp).map(([h, at, dead]) => `{${h},"fields":{"title":{"value":"x","at":"${at}"}},"deletedAt":"${dead}"}`),
  fc.tuple(head('insert'), badStamp, fc.constantFrom('updatedAt', 'createdAt')).map(([h, at, key]) => `{${h},"data":{"title":"x","${key}":"${at}"}}`),
  fc.tuple(head('delete'), badStamp).map(([h, at]) => `{${h},"data":{"deletedAt":"${at}"}}`),
  // the engine's own origins and actors
  fc.tuple(head('insert'), fc.constantFrom('server-replay', 'migration', 'system', 'agent')).map(([h, origin]) => `{${h},"data":{"title":"x"},"origin":"${origin}"}`),
  fc.tuple(head('insert'), fc.constantFrom(
    '{"kind":"system","principalId":"system:mission-runner","displayName":"Mission runner"}',
    '{"kind":"system","principalId":"system:migration"}',
    '{"kind":"ai","principalId":"agent:default","missionId":"m1","iterationId":"i1","rationale":"r"}',
  )).map(([h, actor]) => `{${h},"data":{"title":"x"},"actor":${actor}}`),
);

const batch = fc
  .tuple(fc.array(valid, { maxLength: 4 }), hostile, fc.array(valid, { maxLength: 4 }))
  .map(([before, bad, after]) => `{"clientId":"fuzz","changes":[${[...before, bad, ...after].join(',')}]}`);

// ---------------------------------------------------------------------------------------------

describe('sync.push with hostile changes', () => {
  it('answers 4xx with the error body and leaves the log unchanged; every read answers afterwards', async () => {
    const before = await logSeq();
    await fc.assert(
      fc.asyncProperty(batch, async (body) => {
        const answer = await post('sync.push', body);
        const what = `${answer.status} ${JSON.stringify(answer.json).slice(0, 300)} for ${body.slice(0, 300)}`;
        expect([400, 413], what).toContain(answer.status);
        const code = answer.json?.error?.code as ErrorCode;
        expect(ERROR_CODES, what).toContain(code);
        expect(HTTP_STATUS[code], what).toBe(answer.status);
        expect(typeof answer.json.error.message, what).toBe('string');
        expect(await logSeq(), what).toEqual(before);
      }),
      { numRuns: 150 },
    );

    const reads: [MethodName, unknown][] = [
      ['records.get', { app: 'ai', table: 'aiMissions', id: 'm1' }],
      ['records.list', { app: 'ai', table: 'aiMissions', includeDeleted: true }],
      ['records.list', { app: 'todo', table: 'tasks' }],
      ['sync.pull', { since: 0 }],
      ['sync.snapshot', {}],
      ['runner.status', {}],
      ['runner.ticks', {}],
      ['iterations.debug', { iterationId: 'none' }],
      ['agents.usage', {}],
      ['activity.list', {}],
      ['settings.get', {}],
    ];
    for (const [method, input] of reads) expect((await post(method, JSON.stringify(input))).status, method).toBe(200);
    // and the edge still takes what the renderer sends
    const fine = await post('sync.push', JSON.stringify({ clientId: 'fuzz', changes: [{ eventId: 'fine', app: 'todo', table: 'tasks', id: 't', op: 'insert', data: { title: 'ok' } }] }));
    expect(fine.status).toBe(200);
    expect(fine.json).toMatchObject({ accepted: 1 });
  }, 120_000);
});
