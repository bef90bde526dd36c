/**
 * The headless host's edges (issue 13, findings 1, 9 and 10): no request can stop it. Malformed
 * targets answer 400, an unexpected exception answers 500 and is logged with the request id, what
 * Node's parser refuses still gets the error body, the Host header is checked (DNS rebinding), and
 * an oversized chunked body gets its 413 before the connection closes. Requests are written byte for
 * byte on a socket (src-main/testing/raw-http.ts), as `curl --path-as-is` would.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempEngine } from '../engine/testing/temp-db';
import { LogFile } from '../shell/log-file';
import { ManualTimers } from '../testing/manual-timers';
import { chunked, rawGet, rawRequest, type RawAnswer } from '../testing/raw-http';
import { MAX_BODY_BYTES, startHttpHost, type HttpHost, type HttpHostOptions } from './http';

const TOKEN = 'edges-test-token-0123456789';
let temp: ReturnType<typeof tempEngine>;
let host: HttpHost;
let logFile: LogFile;

async function start(options: Partial<HttpHostOptions> = {}): Promise<HttpHost> {
  host = await startHttpHost({
    engine: temp.engine,
    token: TOKEN,
    host: '127.0.0.1',
    port: 0,
    rendererDir: null,
    timers: new ManualTimers(),
    log: (message, details) => logFile.write('error', 'host', message, details?.requestId ? { requestId: details.requestId } : undefined, details?.error),
    ...options,
  });
  return host;
}

beforeEach(() => {
  temp = tempEngine();
  logFile = new LogFile({ dataDir: temp.dir });
});
afterEach(async () => {
  await host?.close();
  await temp.cleanup();
});

const status = (method = 'runner.status', headers = '') =>
  rawRequest(host.port, `POST /api/${method} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 2\r\n${headers}Connection: close\r\n\r\n{}`);

const changesInLog = async () => (await temp.engine.call('sync.pull', { since: 0, limit: 10_000 })).changes.length;

function expectErrorBody(answer: RawAnswer, code: string): void {
  expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(answer.json).toEqual({ error: { code, message: expect.any(String) } });
}

function logEntries(): { level: string; msg: string; requestId?: string; err?: { name: string; message: string; stack?: string } }[] {
  return readFileSync(join(temp.dir, 'logs', 'companion.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('finding 1: malformed request targets', () => {
  it('answer 400 with the error body, and the host keeps serving', async () => {
    await start();
    const targets = ['/%', '/%zz', '/%E0%A4%A', '//', '/api/../%', '/api/%', '/a%00b', `http://127.0.0.1:${host.port}/`, '*', '/\\evil.example/'];
    for (const target of targets) {
      const answer = await rawGet(host.port, target);
      expect({ target, status: answer.status }).toEqual({ target, status: 400 });
      expectErrorBody(answer, 'BAD_INPUT');
      expect((await status()).status).toBe(200);
    }
    // the parser's own refusals (a space in the target, a bare LF in a header) get the same body
    for (const head of [`GET /a b HTTP/1.1\r\nHost: x\r\n\r\n`, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad\x01Header: 1\r\n\r\n`, `GARBAGE\r\n\r\n`]) {
      const answer = await rawRequest(host.port, head);
      expect(answer.status).toBe(400);
      expectErrorBody(answer, 'BAD_INPUT');
    }
    expect((await status()).status).toBe(200);
  });

  it('answers headers that are too large, a missing Host, CONNECT and odd Expect headers with the error body', async () => {
    await start();
    const huge = await rawGet(host.port, '/', `127.0.0.1:${host.port}`, `X-Big: ${'a'.repeat(20_000)}\r\n`);
    expect(huge.status).toBe(431);
    expectErrorBody(huge, 'BAD_INPUT');
    const noHost = await rawGet(host.port, '/', null);
    expect(noHost.status).toBe(400);
    expectErrorBody(noHost, 'BAD_INPUT');
    const tunnel = await rawRequest(host.port, `CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n`);
    expect(tunnel.status).toBe(405);
    expectErrorBody(tunnel, 'METHOD_NOT_ALLOWED');
    expect((await status('runner.status', 'Expect: something-else\r\n')).status).toBe(200);
    expect((await status()).status).toBe(200);
  });
});

describe('an unexpected exception in a request', () => {
  it('is logged to companion.log with the request id, answered 500 naming it, and the host keeps serving', async () => {
    const boom = (): never => {
      throw new TypeError('cannot read properties of undefined (reading "x")');
    };
    await start({
      routes: [
        { path: '/boom', handle: boom },
        { path: '/boom-later', handle: async () => boom() },
      ],
    });
    for (const path of ['/boom', '/boom-later']) {
      const answer = await rawGet(host.port, path);
      expect(answer.status).toBe(500);
      expectErrorBody(answer, 'INTERNAL');
      const id = answer.headers['x-request-id']!;
      expect(id).toMatch(/^[\w-]{8}$/);
      expect((answer.json as { error: { message: string } }).error.message).toBe(
        `Unexpected error: cannot read properties of undefined (reading "x") (logged as request ${id} in companion.log)`,
      );
      const logged = logEntries().find((e) => e.requestId === id);
      expect(logged).toMatchObject({ level: 'error', msg: `request ${id} failed: GET ${path}`, err: { name: 'TypeError', stack: expect.stringContaining('boom') } });
    }
    expect((await status()).status).toBe(200);
  });

  it('in the engine is answered 500 the same way', async () => {
    const broken = { ...temp.engine, callJson: () => Promise.reject(new RangeError('Maximum call stack size exceeded')) };
    await start({ engine: broken });
    const answer = await status('sync.pull');
    expect(answer.status).toBe(500);
    expect((answer.json as { error: { message: string } }).error.message).toMatch(/^Unexpected error in sync\.pull: Maximum call stack size exceeded \(logged as request [\w-]{8} in companion\.log\)$/);
    expect(logEntries().some((e) => e.requestId === answer.headers['x-request-id'] && e.err?.name === 'RangeError')).toBe(true);
  });
});

describe('finding 10: the Host header (DNS rebinding)', () => {
  it('answers the bound address and the loopback names with the bound port, and nothing else', async () => {
    await start();
    const asHost = (name: string) => rawRequest(host.port, `POST /api/runner.status HTTP/1.1\r\nHost: ${name}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
    for (const name of [`127.0.0.1:${host.port}`, `localhost:${host.port}`, `LOCALHOST:${host.port}`, `[::1]:${host.port}`]) {
      expect({ name, status: (await asHost(name)).status }).toEqual({ name, status: 200 });
    }
    // the right token does not help a page that reached this host under another name
    for (const name of [`evil.example:${host.port}`, 'evil.example', `localhost:${host.port + 1}`, 'localhost', `127.0.0.2:${host.port}`, `192.168.1.5:${host.port}`]) {
      const answer = await asHost(name);
      expect({ name, status: answer.status }).toEqual({ name, status: 403 });
      expectErrorBody(answer, 'FORBIDDEN');
      expect((answer.json as { error: { message: string } }).error.message).toMatch(/--allowed-host/);
    }
    const page = await rawGet(host.port, '/', `evil.example:${host.port}`);
    expect(page.status).toBe(403);
    const events = await rawGet(host.port, '/api/events', `evil.example:${host.port}`, `Authorization: Bearer ${TOKEN}\r\n`);
    expect(events.status).toBe(403);
  });

  it('answers names given with --allowed-host on any port, and any IP literal when bound to every interface', async () => {
    await start({ host: '0.0.0.0', allowedHosts: ['companion.home.lan'] });
    const asHost = async (name: string) => (await rawGet(host.port, '/api/session', name)).status;
    expect(await asHost('companion.home.lan')).toBe(200);
    expect(await asHost('Companion.Home.Lan:8443')).toBe(200);
    expect(await asHost(`192.168.1.5:${host.port}`)).toBe(200);
    expect(await asHost(`[fe80::1]:${host.port}`)).toBe(200);
    expect(await asHost(`other.home.lan:${host.port}`)).toBe(403);
    expect(await asHost(`192.168.1.5:${host.port + 1}`)).toBe(403);
  });

  it('serves routes marked anyHost (the sync protocol, /health) whatever the Host names, and nothing else', async () => {
    const served = (name: string) => ({
      path: name,
      anyHost: true,
      handle: ({ res }: { res: import('node:http').ServerResponse }) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status":"ok"}');
      },
    });
    await start({ routes: [served('/health'), served('/sync/')] });
    expect((await rawGet(host.port, '/health', 'homeserver.lan')).status).toBe(200);
    expect((await rawGet(host.port, '/sync/todo/pull', `homeserver.lan:${host.port}`)).status).toBe(200);
    expect((await rawGet(host.port, '/api/session', 'homeserver.lan')).status).toBe(403);
    expect((await rawGet(host.port, '/', 'homeserver.lan')).status).toBe(403);
  });
});

describe('GET /health without --sync', () => {
  it('answers ok while the database answers and 503 once it is closed, whatever the Host names; other methods get 405', async () => {
    await start();
    const ok = await rawGet(host.port, '/health', 'homeserver.lan');
    expect({ status: ok.status, body: JSON.parse(ok.body) }).toEqual({ status: 200, body: { status: 'ok' } });
    const post = await rawRequest(host.port, `POST /health HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    expect(post.status).toBe(405);
    expectErrorBody(post, 'METHOD_NOT_ALLOWED');
    await temp.engine.close();
    const down = await rawGet(host.port, '/health', `127.0.0.1:${host.port}`);
    expect({ status: down.status, body: JSON.parse(down.body) }).toEqual({ status: 503, body: { status: 'unavailable' } });
  });
});

describe('finding 9: oversized bodies', () => {
  it('answers a chunked body over the limit with 413 before closing, and writes nothing', async () => {
    await start();
    const before = await changesInLog();
    const head = `POST /api/sync.push HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const answer = await rawRequest(host.port, head, chunked(MAX_BODY_BYTES + 512 * 1024));
    expect(answer.status).toBe(413);
    expectErrorBody(answer, 'PAYLOAD_TOO_LARGE');
    expect(await changesInLog()).toBe(before);
    expect((await status()).status).toBe(200);
  });

  it('answers a declared Content-Length over the limit with 413 without reading it', async () => {
    await start();
    const answer = await rawRequest(
      host.port,
      `POST /api/sync.push HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: ${MAX_BODY_BYTES * 100}\r\n\r\n`,
    );
    expect(answer.status).toBe(413);
    expect((answer.json as { error: { message: string } }).error.message).toMatch(/^The request body is 1000 MB; at most 10 MB is accepted/);
  });
});
