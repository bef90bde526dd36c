/**
 * The headless host's security and shutdown behaviour, against a real engine on a temp data dir and
 * the scripted OpenAI-compatible server (a real HTTP server on loopback).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startScriptedLlm, type ScriptedLlm } from '../../e2e/fixtures/llm-server';
import { createEngine, type Engine } from '../engine';
import { MemorySecretStore } from '../engine/settings';
import { DB_FILE } from '../engine/store/db';
import { tempDataDir } from '../engine/testing/temp-db';
import { startHttpHost, tokenMatches, type HttpHost } from './http';
import { failureDelayMs } from './http/auth';
import { missionInsert } from '../engine/testing/changes';

const TOKEN = 'a-long-test-token-0123456789';
let llm: ScriptedLlm;
let engine: Engine;
let host: HttpHost;
let dir: string;
let cleanup: () => void;
let closed = false;
/** the delays the host asked for before answering wrong tokens (its sleep is injected: no real waiting) */
let delays: number[];

beforeEach(async () => {
  ({ dir, cleanup } = tempDataDir('companion-http-'));
  llm = await startScriptedLlm();
  engine = createEngine({
    dataDir: dir,
    secrets: new MemorySecretStore(),
    overrides: { llm: { baseUrl: llm.url, model: 'test-model', plannerMode: 'json' } },
    autoStart: false,
  });
  delays = [];
  const sleep = async (ms: number) => {
    delays.push(ms);
  };
  host = await startHttpHost({ engine, token: TOKEN, host: '127.0.0.1', port: 0, rendererDir: null, heartbeatMs: 50, sleep });
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
    const status = async (token: string) => {
      const res = await post('runner.status', {}, token);
      await res.body?.cancel();
      return res.status;
    };
    for (let i = 0; i < 5; i++) expect(await status('wrong-token')).toBe(401);
    expect(delays).toEqual([]);
    expect(await status('wrong-token')).toBe(401);
    expect(await status('wrong-token')).toBe(401);
    expect(delays).toEqual([250, 500]);
    // the event stream's query token counts against the same address
    const stream = await fetch(`${base()}/api/events?token=wrong-token`);
    expect(stream.status).toBe(401);
    await stream.body?.cancel();
    expect(delays).toEqual([250, 500, 750]);
    // the right token is answered without delay and forgives the address
    expect(await status(TOKEN)).toBe(200);
    expect(await status('wrong-token')).toBe(401);
    expect(delays).toEqual([250, 500, 750]);
  });

  it('caps the delay at 5 s', () => {
    expect([1, 5, 6, 7, 25, 1000].map(failureDelayMs)).toEqual([0, 0, 250, 500, 5000, 5000]);
  });
});

describe('headless host: events', () => {
  it('streams the runner status first, then heartbeats while idle', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base()}/api/events?token=${TOKEN}`, { signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(corsHeaders(res)).toEqual([]);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const deadline = Date.now() + 3000;
    while (!/: heartbeat\n\n[\s\S]*: heartbeat\n\n/.test(text) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    controller.abort();
    expect(text).toMatch(/^retry: \d+\n\nevent: runner\.status\ndata: \{/);
    expect(text.match(/: heartbeat\n\n/g)!.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses the stream without the token', async () => {
    const res = await fetch(`${base()}/api/events`);
    expect(res.status).toBe(401);
    await res.body?.cancel();
  });
});

describe('headless host: shutdown', () => {
  it('closes promptly while an api call waits on a hanging LLM, and leaves an intact database', async () => {
    await createMission();
    llm.enqueue({ hang: true });
    const pending = post('missions.runNow', { missionId: 'm1' });
    await llm.waitForRequests(1);

    const started = Date.now();
    await Promise.all([host.close(), engine.close()]);
    closed = true;
    expect(Date.now() - started).toBeLessThan(3000);
    // the waiting call got an answer instead of a dropped connection
    const res = await pending;
    expect(res.status).toBeGreaterThanOrEqual(400);
    await res.body?.cancel();

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
