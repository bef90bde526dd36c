/**
 * The headless host's security and shutdown behaviour, against a real engine on a temp data dir and
 * the scripted OpenAI-compatible server (a real HTTP server on loopback). The host's time (token
 * delays, heartbeats, the close grace period) runs on ManualTimers: nothing here sleeps or measures.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startScriptedLlm, type ScriptedLlm } from '../testing/llm-server';
import { createEngine, type Engine } from '../engine';
import { MemorySecretStore } from '../engine/settings';
import { DB_FILE } from '../engine/store/db';
import { tempDataDir } from '../engine/testing/temp-db';
import { failureDelayMs } from './http/auth';
import { ManualTimers } from '../testing/manual-timers';
import { AUTH_DELAY_STEP_MS, AUTH_FAILURES_BEFORE_DELAY, CLOSE_GRACE_MS, HEARTBEAT_MS, startHttpHost, tokenMatches, type HttpHost } from './http';
import { missionInsert } from '../engine/testing/changes';

const TOKEN = 'a-long-test-token-0123456789';
let llm: ScriptedLlm;
let engine: Engine;
let host: HttpHost;
let dir: string;
let cleanup: () => void;
let closed = false;
let timers: ManualTimers;

beforeEach(async () => {
  ({ dir, cleanup } = tempDataDir('companion-http-'));
  llm = await startScriptedLlm();
  engine = createEngine({
    dataDir: dir,
    secrets: new MemorySecretStore(),
    overrides: { llm: { baseUrl: llm.url, model: 'test-model', plannerMode: 'json' } },
    autoStart: false,
  });
  timers = new ManualTimers();
  host = await startHttpHost({ engine, token: TOKEN, host: '127.0.0.1', port: 0, rendererDir: null, timers });
  closed = false;
});
afterEach(async () => {
  if (!closed) await Promise.all([host.close(), engine.close()]);
  await llm.close();
  cleanup();
});

const base = () => `http://127.0.0.1:${host.port}`;
const post = (method: string, body: unknown, token: string | null = TOKEN, headers: Record<string, string> = {}) =>
  fetch(`${base()}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(body),
  });

/**
 * Advances the host's timers 25 ms at a time (letting I/O run in between) until `promise` settles
 * or `limitMs` of host time has passed; true if it settled.
 */
async function settlesWithin(promise: Promise<unknown>, limitMs: number): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  for (let elapsed = 0; !settled && elapsed < limitMs; elapsed += 25) {
    await new Promise((r) => setImmediate(r));
    timers.advance(Math.min(25, limitMs - elapsed));
  }
  await new Promise((r) => setImmediate(r));
  return settled;
}

function corsHeaders(res: Response): string[] {
  return [...res.headers.keys()].filter((k) => k.toLowerCase().startsWith('access-control-'));
}

async function createMission(id = 'm1'): Promise<void> {
  const res = await post('sync.push', { clientId: 'test', changes: [missionInsert(id)] });
  expect(res.status).toBe(200);
}

describe('headless host: no CORS', () => {
  it('answers no Access-Control-* header to anything, preflights included', async () => {
    const origin = { origin: 'https://evil.example' };
    const responses = [
      await fetch(`${base()}/api/runner.status`, { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } }),
      await post('runner.status', {}, TOKEN, origin),
      await post('runner.status', {}, null, origin),
      await post('no.such.method', {}, TOKEN, origin),
      await fetch(`${base()}/`, { headers: origin }),
    ];
    for (const res of responses) {
      expect(corsHeaders(res), `${res.url} ${res.status}`).toEqual([]);
      await res.body?.cancel();
    }
    expect(responses.map((r) => r.status)).toEqual([405, 200, 401, 404, 404]);
  });

  it('answers a wrong HTTP method with 405 METHOD_NOT_ALLOWED and what is allowed', async () => {
    const api = await fetch(`${base()}/api/runner.status`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(api.status).toBe(405);
    expect(api.headers.get('allow')).toBe('POST');
    expect(await api.json()).toEqual({ error: { code: 'METHOD_NOT_ALLOWED', message: 'Use POST for /api/runner.status.' } });
    const page = await fetch(`${base()}/index.html`, { method: 'DELETE' });
    expect(page.status).toBe(405);
    expect(page.headers.get('allow')).toBe('GET, HEAD');
    expect(await page.json()).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
  });

  it('sends the renderer CSP and no-sniff on api answers', async () => {
    const res = await post('runner.status', {});
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('headless host: auth', () => {
  it('compares tokens in constant time over equal-length digests', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(tokenMatches(TOKEN + 'x', TOKEN)).toBe(false);
    expect(tokenMatches('', TOKEN)).toBe(false);
    expect(tokenMatches(null, TOKEN)).toBe(false);
  });

  it('answers repeated wrong tokens ever more slowly, and the right token at once', async () => {
    const answered = (token: string) => {
      const state = { status: 0 };
      const done = post('runner.status', {}, token).then(async (res) => {
        await res.body?.cancel();
        state.status = res.status;
      });
      return Object.assign(done, { state });
    };
    // the first wrong tokens are answered without any timer
    for (let i = 0; i < AUTH_FAILURES_BEFORE_DELAY; i++) {
      const call = answered('wrong-token');
      await call;
      expect(call.state.status).toBe(401);
    }
    expect(timers.pending()).toEqual([HEARTBEAT_MS]);

    for (const delay of [AUTH_DELAY_STEP_MS, 2 * AUTH_DELAY_STEP_MS]) {
      const call = answered('wrong-token');
      await timers.waitForTimers(2);
      expect(timers.pending()[0]).toBe(delay);
      timers.advance(delay - 1);
      // a round trip to the host that needs no token: had the 401 gone out, it would be here by now
      await (await fetch(`${base()}/`)).body?.cancel();
      expect(call.state.status).toBe(0);
      timers.advance(1);
      await call;
      expect(call.state.status).toBe(401);
    }

    const right = answered(TOKEN);
    await right;
    expect(right.state.status).toBe(200);
    expect(timers.pending()).toHaveLength(1);
  });

  it('caps the delay at 5 s', () => {
    expect([1, 5, 6, 7, 25, 1000].map(failureDelayMs)).toEqual([0, 0, 250, 500, 5000, 5000]);
  });
});

describe('headless host: events', () => {
  it('streams the runner status first, then heartbeats while idle', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base()}/api/events`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(corsHeaders(res)).toEqual([]);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended after: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil(/event: runner\.status\ndata: .*\n\n/);
    expect(text).not.toContain(': heartbeat');
    timers.advance(HEARTBEAT_MS);
    await readUntil(/: heartbeat\n\n/);
    timers.advance(HEARTBEAT_MS);
    await readUntil(/: heartbeat\n\n[\s\S]*: heartbeat\n\n/);
    controller.abort();
    expect(text).toMatch(/^retry: \d+\n\nevent: runner\.status\ndata: \{/);
    expect(text.match(/: heartbeat\n\n/g)).toHaveLength(2);
  });

  it('refuses the stream without the token', async () => {
    const res = await fetch(`${base()}/api/events`);
    expect(res.status).toBe(401);
    await res.body?.cancel();
  });
});

describe('headless host: shutdown', () => {
  it('closes without its grace period while an api call waits on a hanging LLM, and leaves an intact database', async () => {
    await createMission();
    llm.enqueue({ hang: true });
    const pending = post('missions.runNow', { missionId: 'm1' });
    await llm.waitForRequests(1);

    const hostClosed = host.close();
    await engine.close();
    closed = true;
    // the engine gave up the LLM call instead of waiting for it
    expect(await llm.waitForAborted(1)).toHaveLength(1);
    // the waiting call got an answer instead of a dropped connection
    const res = await pending;
    expect(res.status).toBeGreaterThanOrEqual(400);
    await res.body?.cancel();
    // host time moves on in small steps: closing finishes before the grace period would cut anything
    expect(await settlesWithin(hostClosed, CLOSE_GRACE_MS - 1)).toBe(true);

    const db = new Database(join(dir, DB_FILE), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      // the aborted run left no half-written iteration behind
      const iterations = db.prepare(`SELECT COUNT(*) AS n FROM records WHERE table_name = 'aiIterations'`).get() as { n: number };
      const missions = db.prepare(`SELECT COUNT(*) AS n FROM records WHERE table_name = 'aiMissions'`).get() as { n: number };
      expect(missions.n).toBe(1);
      expect(iterations.n).toBe(0);
    } finally {
      db.close();
    }
  });
});
