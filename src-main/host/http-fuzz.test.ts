/**
 * Fuzzing the real HTTP host (issue 13): random methods, request targets (escapes valid and not,
 * dot segments, absolute-form, control characters), headers (Host, credentials right and wrong,
 * cookies, CSRF headers, Expect, framing) and bodies (never a valid api input, so that nothing may
 * be written) go out byte for byte on a socket. Properties: the host answers every one of them;
 * an answer of 400 or more carries the api's error body with its code; nothing is a 5xx (an
 * unexpected error would be a bug); no /api method answers 2xx; and afterwards the host still
 * serves, the change log is unchanged and companion.log holds no error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, HTTP_STATUS, METHOD_NAMES, type ErrorCode } from '../../src-shared/api';
import { missionInsert } from '../engine/testing/changes';
import { tempEngine } from '../engine/testing/temp-db';
import { LogFile } from '../shell/log-file';
import { rawRequest, type RawAnswer } from '../testing/raw-http';
import type { Timers } from '../timers';
import { sessionCookieName, sessionValue, startHttpHost, type HttpHost } from './http';

const TOKEN = 'fuzz-test-token-0123456789';
/** The delays of wrong tokens are not what is tested here: they pass at once. */
const quickTimers: Timers = {
  setTimeout: (callback) => setTimeout(callback, 0),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout | undefined),
};

let temp: ReturnType<typeof tempEngine>;
let host: HttpHost;
let logFile: LogFile;

const changesInLog = async () => (await temp.engine.call('sync.pull', { since: 0, limit: 10_000 })).changes.length;

beforeAll(async () => {
  temp = tempEngine();
  const rendererDir = join(temp.dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Mission Companion</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export {};');
  logFile = new LogFile({ dataDir: temp.dir });
  host = await startHttpHost({
    engine: temp.engine,
    token: TOKEN,
    host: '127.0.0.1',
    port: 0,
    rendererDir,
    timers: quickTimers,
    log: (message, details) => logFile.write('error', 'host', message, details?.requestId ? { requestId: details.requestId } : undefined, details?.error),
  });
  // something to read, so that reads have work to do
  await temp.engine.call('sync.push', { clientId: 'fuzz-seed', changes: [missionInsert('m1')] });
});
afterAll(async () => {
  await host.close();
  await temp.cleanup();
});

// ---------------------------------------------------------------------------------------------
// Arbitraries

const hex = fc.constantFrom(...'0123456789abcdefABCDEF'.split(''));
const escape = fc.oneof(
  fc.tuple(hex, hex).map(([a, b]) => `%${a}${b}`),
  fc.constantFrom('%', '%z', '%zz', '%E0%A4%A', '%C0%AE', '%2e%2e', '%2F', '%5C', '%00', '%ff%fe', '%F0%9F%98%80'),
);
const segment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@-]{0,12}$/),
  fc.constantFrom('', '.', '..', 'api', 'events', 'session', 'index.html', 'assets', 'app.js', 'sync.push', 'runner.status', ...METHOD_NAMES),
  escape,
  fc.array(fc.oneof(escape, fc.stringMatching(/^[a-z]{1,3}$/)), { maxLength: 4 }).map((parts) => parts.join('')),
);
const query = fc.option(
  fc.array(
    fc.oneof(
      fc.constant(`token=${TOKEN}`),
      fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), fc.oneof(fc.stringMatching(/^[A-Za-z0-9]{0,8}$/), escape)).map(([k, v]) => `${k}=${v}`),
    ),
    { maxLength: 3 },
  ),
  { nil: null },
);
const target = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom('/', '/api/', '/api/events', '/api/session', '//', '/api/../'), fc.array(segment, { maxLength: 4 }), query) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom('http://127.0.0.1/', 'http://evil.example/', '*', 'api/', '\\\\', '/\\', '/a b', '/\t', '/\x7f', '/\u00e9'), fc.array(segment, { maxLength: 2 }), query),
  },
).map(([start, segments, q]) => `${start}${segments.join('/')}${q ? `?${q.join('&')}` : ''}`);

const method = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH') },
  { weight: 1, arbitrary: fc.constantFrom('TRACE', 'PROPFIND', 'CONNECT', 'BREW', 'get', 'G3T', '') },
);

/** Never a valid api input (every input schema is a strict object), so no call can write. */
const body = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 200 }).map((s) => `<${s}`),
  fc.jsonValue({ maxDepth: 3 }).filter((v) => v !== null && (typeof v !== 'object' || Array.isArray(v))).map((v) => JSON.stringify(v)),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }).map((d) => JSON.stringify({ ...d, __fuzz: true })),
  fc.constant('{"clientId":"x","changes":[{"eventId":"e","app":"todo"'),
  fc.string({ maxLength: 50 }).map((s) => `{"${'['.repeat(500)}${s}`),
  // deep nesting: parsed, then refused
  fc.integer({ min: 1_000, max: 20_000 }).map((depth) => `{"__fuzz":${'['.repeat(depth)}${']'.repeat(depth)}}`),
);

const cookie = () => `${sessionCookieName(host.port)}=${sessionValue(TOKEN)}`;
const headerSet = fc.record({
  host: fc.constantFrom<'right' | 'localhost' | 'wrong' | 'none' | 'garbage'>('right', 'right', 'right', 'localhost', 'wrong', 'none', 'garbage'),
  auth: fc.constantFrom<'bearer' | 'wrong' | 'garbage' | 'cookie' | 'stale-cookie' | 'none'>('bearer', 'bearer', 'cookie', 'wrong', 'garbage', 'stale-cookie', 'none'),
  csrf: fc.boolean(),
  origin: fc.constantFrom<string | null>(null, null, 'http://127.0.0.1', 'https://evil.example', 'null'),
  fetchSite: fc.constantFrom<string | null>(null, 'same-origin', 'same-site', 'cross-site', 'none', 'garbage'),
  framing: fc.constantFrom<'length' | 'chunked' | 'short-length' | 'none'>('length', 'length', 'chunked', 'short-length', 'none'),
  extra: fc.array(
    fc.oneof(
      fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), fc.stringMatching(/^[ -~]{0,40}$/)),
      fc.constantFrom<[string, string]>(['Expect', '100-continue'], ['Expect', 'nonsense'], ['Content-Type', 'text/plain'], ['Upgrade', 'websocket'], ['Accept-Encoding', 'gzip']),
    ),
    { maxLength: 3 },
  ),
});

type HeaderSet = typeof headerSet extends fc.Arbitrary<infer T> ? T : never;

function rawHead(m: string, t: string, h: HeaderSet, payload: string): { head: string; body: string[] } {
  const lines = [`${m} ${t} HTTP/1.1`];
  if (h.host === 'right') lines.push(`Host: 127.0.0.1:${host.port}`);
  if (h.host === 'localhost') lines.push(`Host: localhost:${host.port}`);
  if (h.host === 'wrong') lines.push(`Host: evil.example:${host.port}`);
  if (h.host === 'garbage') lines.push('Host: [not a host');
  if (h.auth === 'bearer') lines.push(`Authorization: Bearer ${TOKEN}`);
  if (h.auth === 'wrong') lines.push('Authorization: Bearer not-the-token');
  if (h.auth === 'garbage') lines.push('Authorization: Basic Zm9vOmJhcg==');
  if (h.auth === 'cookie') lines.push(`Cookie: a=1; ${cookie()}; b`);
  if (h.auth === 'stale-cookie') lines.push(`Cookie: ${sessionCookieName(host.port)}=stale`);
  if (h.csrf) lines.push('X-Companion: 1');
  if (h.origin) lines.push(`Origin: ${h.origin}`);
  if (h.fetchSite) lines.push(`Sec-Fetch-Site: ${h.fetchSite}`);
  for (const [name, value] of h.extra) lines.push(`${name}: ${value}`);
  const bytes = Buffer.byteLength(payload);
  const parts: string[] = [];
  if (h.framing === 'length') {
    lines.push(`Content-Length: ${bytes}`);
    parts.push(payload);
  } else if (h.framing === 'short-length') {
    // fewer bytes declared than sent: the rest reaches the parser as the start of another request
    lines.push(`Content-Length: ${Math.floor(bytes / 2)}`);
    parts.push(payload);
  } else if (h.framing === 'chunked') {
    lines.push('Transfer-Encoding: chunked');
    if (bytes > 0) parts.push(`${bytes.toString(16)}\r\n${payload}\r\n`);
    parts.push('0\r\n\r\n');
  }
  lines.push('Connection: close');
  return { head: `${lines.join('\r\n')}\r\n\r\n`, body: parts };
}

// ---------------------------------------------------------------------------------------------

function judge(m: string, t: string, answer: RawAnswer): void {
  const what = `${m} ${JSON.stringify(t)} -> ${answer.status} ${answer.body.slice(0, 300)}`;
  expect(answer.status, what).toBeGreaterThanOrEqual(200);
  expect(answer.status, `a 5xx is an unexpected error: ${what}`).toBeLessThan(500);
  if (answer.status >= 400) {
    expect(answer.headers['content-type'], what).toBe('application/json; charset=utf-8');
    // an answer to HEAD has no body, by HTTP's rules
    if (m === 'HEAD') return;
    const error = (answer.json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    expect(ERROR_CODES, what).toContain(error?.code);
    expect(typeof error?.message, what).toBe('string');
    const code = error!.code as ErrorCode;
    // what Node's parser refused is BAD_INPUT with a more precise status (408, 431)
    expect(HTTP_STATUS[code] === answer.status || (code === 'BAD_INPUT' && [400, 408, 431].includes(answer.status)), what).toBe(true);
    return;
  }
  // only pages, the session check and the event stream answer below 400; no api method does
  // (the path as served: dot segments resolved, escapes decoded)
  const path = decodeURIComponent(new URL(t, 'http://fuzz.invalid').pathname);
  expect(!path.startsWith('/api/') || ['/api/session', '/api/events'].includes(path), what).toBe(true);
}

describe('fuzzing the HTTP host', () => {
  it('answers every request, bad ones with the error body, writes nothing, and keeps serving', async () => {
    const before = await changesInLog();
    await fc.assert(
      fc.asyncProperty(method, target, headerSet, body, async (m, t, h, payload) => {
        const { head, body: parts } = rawHead(m, t, h, payload);
        judge(m, t, await rawRequest(host.port, head, parts));
      }),
      { numRuns: 1000 },
    );
    // still serving, nothing written, nothing unexpected logged
    const alive = await rawRequest(host.port, `POST /api/runner.status HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
    expect(alive.status).toBe(200);
    expect(await changesInLog()).toBe(before);
    const logPath = join(temp.dir, 'logs', 'companion.log');
    const errors = existsSync(logPath) ? readFileSync(logPath, 'utf8').trim().split('\n').filter(Boolean) : [];
    expect(errors).toEqual([]);
  }, 120_000);
});
