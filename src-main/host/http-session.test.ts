/**
 * Staying signed in to the headless host (issue 12): the printed URL's page load sets an HttpOnly,
 * SameSite=Strict session cookie; the UI's calls and event stream ride on it (never a token in a
 * URL), with the CSRF rules of http/csrf.ts; API clients keep the bearer header; a restart with the
 * same token keeps the cookie valid, a new token ends it, and `/api/session` tells a refused tab how
 * to sign in again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempEngine } from '../engine/testing/temp-db';
import { ManualTimers } from '../testing/manual-timers';
import { freshRequest } from '../testing/raw-http';
import { SESSION_MAX_AGE_S, sessionCookieName, startHttpHost, type HttpHost, type HttpHostOptions, type SessionAnswer } from './http';

const TOKEN = 'session-test-token-0123456789';
let temp: ReturnType<typeof tempEngine>;
let rendererDir: string;
const hosts: HttpHost[] = [];

async function start(options: Partial<HttpHostOptions> = {}): Promise<HttpHost> {
  const host = await startHttpHost({ engine: temp.engine, token: TOKEN, host: '127.0.0.1', port: 0, rendererDir, timers: new ManualTimers(), log: () => {}, ...options });
  hosts.push(host);
  return host;
}

beforeEach(() => {
  temp = tempEngine();
  rendererDir = join(temp.dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Mission Companion</title>');
});
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  await temp.cleanup();
});

/** The page load of the printed URL: resolves with the cookie it set ("name=value"), or null. */
async function openPrintedUrl(host: HttpHost, token = TOKEN): Promise<string | null> {
  const res = await freshRequest(host.port, { path: `/?token=${encodeURIComponent(token)}` });
  expect(res.status).toBe(200);
  const cookie = res.headers['set-cookie']?.[0];
  return cookie ? cookie.split(';')[0]! : null;
}

/** A call as the UI makes it: the cookie and the CSRF header (plus what the browser would add). */
async function uiCall(host: HttpHost, cookie: string | null, headers: Record<string, string> = { 'x-companion': '1' }, method = 'runner.status', body = '{}') {
  const res = await freshRequest(host.port, { method: 'POST', path: `/api/${method}`, headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...headers }, body });
  return { status: res.status, json: () => JSON.parse(res.text) as unknown };
}

async function session(host: HttpHost, cookie: string | null): Promise<SessionAnswer> {
  const res = await freshRequest(host.port, { path: '/api/session', headers: cookie ? { cookie } : {} });
  expect(res.status).toBe(200);
  return JSON.parse(res.text) as SessionAnswer;
}

describe('the session cookie', () => {
  it('is set by the page load with the right token: HttpOnly, SameSite=Strict, named after the port, not the token itself', async () => {
    const host = await start();
    const res = await fetch(`http://127.0.0.1:${host.port}/?token=${TOKEN}`);
    await res.body?.cancel();
    const setCookie = res.headers.get('set-cookie')!;
    const [pair, ...attributes] = setCookie.split(';').map((s) => s.trim());
    expect(pair!.startsWith(`${sessionCookieName(host.port)}=`)).toBe(true);
    expect(pair).not.toContain(TOKEN);
    expect(attributes).toEqual(['Path=/', `Max-Age=${SESSION_MAX_AGE_S}`, 'HttpOnly', 'SameSite=Strict']);
    // a wrong token signs nobody in; the page itself is still served
    expect(await openPrintedUrl(host, 'wrong-token-0123456789')).toBeNull();
  });

  it("carries the UI's calls and its event stream; a later page load renews it", async () => {
    const host = await start();
    const cookie = await openPrintedUrl(host);
    expect((await uiCall(host, cookie)).status).toBe(200);
    const controller = new AbortController();
    const events = await fetch(`http://127.0.0.1:${host.port}/api/events`, { headers: { cookie: cookie! }, signal: controller.signal });
    expect(events.status).toBe(200);
    controller.abort();
    const renewed = await fetch(`http://127.0.0.1:${host.port}/#/inbox`, { headers: { cookie: cookie! } });
    await renewed.body?.cancel();
    expect(renewed.headers.get('set-cookie')?.split(';')[0]).toBe(cookie);
  });

  it('never takes the token from a URL for the api or the event stream', async () => {
    const host = await start();
    const events = await fetch(`http://127.0.0.1:${host.port}/api/events?token=${TOKEN}`);
    expect(events.status).toBe(401);
    await events.body?.cancel();
    const call = await fetch(`http://127.0.0.1:${host.port}/api/runner.status?token=${TOKEN}`, { method: 'POST', body: '{}' });
    expect(call.status).toBe(401);
    await call.body?.cancel();
  });

  it('survives a restart of the host with the same token on the same port, and ends with a new token', async () => {
    const first = await start();
    const port = first.port;
    const cookie = await openPrintedUrl(first);
    await first.close();
    const again = await start({ port });
    expect((await uiCall(again, cookie)).status).toBe(200);
    expect(await session(again, cookie)).toEqual({ signedIn: true });
    await again.close();

    const rotated = await start({ port, token: 'a-brand-new-token-9876543210' });
    const refused = await uiCall(rotated, cookie);
    expect(refused.status).toBe(401);
    expect(refused.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });
});

describe('CSRF: cookie-authenticated requests from another page', () => {
  it('are refused without the X-Companion header, with a foreign Origin, or when the browser marks them cross-origin', async () => {
    const host = await start();
    const cookie = await openPrintedUrl(host);
    const own = `http://127.0.0.1:${host.port}`;
    const cases: [string, Record<string, string>, number][] = [
      ['the UI', { 'x-companion': '1', origin: own, 'sec-fetch-site': 'same-origin' }, 200],
      ['a form post (no custom header)', { origin: own }, 403],
      ['another local port (same site)', { 'x-companion': '1', origin: 'http://127.0.0.1:8080', 'sec-fetch-site': 'same-site' }, 403],
      ['another site', { 'x-companion': '1', 'sec-fetch-site': 'cross-site' }, 403],
      ['a foreign Origin', { 'x-companion': '1', origin: 'https://evil.example' }, 403],
    ];
    for (const [who, headers, expected] of cases) {
      const res = await uiCall(host, cookie, headers, 'runner.setPaused', JSON.stringify({ paused: expected !== 200 }));
      expect({ who, status: res.status }).toEqual({ who, status: expected });
      if (expected === 403) expect(res.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringMatching(/another site's page/) } });
    }
    // the refused calls (which would have paused the runner) changed nothing
    expect((await temp.engine.call('runner.status', {})).paused).toBe(false);
    const events = await fetch(`${own}/api/events`, { headers: { cookie: cookie!, 'sec-fetch-site': 'cross-site' } });
    expect(events.status).toBe(403);
    await events.body?.cancel();
  });

  it('do not apply to API clients with the bearer header', async () => {
    const host = await start();
    const res = await fetch(`http://127.0.0.1:${host.port}/api/runner.status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, origin: 'https://script.example', 'sec-fetch-site': 'cross-site' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    await res.body?.cancel();
  });
});

describe('/api/session', () => {
  it('tells a tab without access the command that prints a fresh URL, or that the token came from --token', async () => {
    const host = await start({ signIn: (port) => ({ command: `npm run serve -- url --port ${port}`, tokenFromFlag: false }) });
    expect(await session(host, null)).toEqual({ signedIn: false, signIn: { command: `npm run serve -- url --port ${host.port}`, tokenFromFlag: false } });
    expect(await session(host, `${sessionCookieName(host.port)}=stale`)).toMatchObject({ signedIn: false });
    expect(await session(host, await openPrintedUrl(host))).toEqual({ signedIn: true });
    const flagged = await start({ signIn: () => ({ command: null, tokenFromFlag: true }) });
    expect(await session(flagged, null)).toEqual({ signedIn: false, signIn: { command: null, tokenFromFlag: true } });
  });
});
