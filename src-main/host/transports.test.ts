/**
 * One failure, one error: the same calls fail over HTTP (the headless host) and over IPC (the
 * preload bridge -> ipc-core -> the engine, with structured cloning between them as Electron does)
 * with the same code, message and issues once the renderer has decoded them (src-shared/api-errors).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, decodeError, type MethodName } from '../../src-shared/api';
import type { Engine } from '../engine';
import { tempEngine } from '../engine/testing/temp-db';
import { createCompanionBridge } from '../preload-bridge';
import { startHttpHost, type HttpHost } from './http';
import { allowedRendererOrigins, handleIpcCall } from './ipc-core';

const TOKEN = 'transports-test-token-0123456789';
const ORIGINS = allowedRendererOrigins({ rendererDirUrl: 'file:///app/out/renderer' });
const TRUSTED = { frameUrl: 'file:///app/out/renderer/index.html', isMainFrame: true, isOurWindow: true };

let temp: Awaited<ReturnType<typeof tempEngine>>;
let host: HttpHost | null = null;
let engineClosed = false;

beforeEach(() => {
  temp = tempEngine();
  engineClosed = false;
});
afterEach(async () => {
  await host?.close();
  host = null;
  if (!engineClosed) await temp.cleanup();
});

/** The error the renderer sees for `method(input)` over each transport, as a body. */
async function failBothWays(engine: Engine, method: string, input: unknown): Promise<{ http: unknown; ipc: unknown }> {
  host ??= await startHttpHost({ engine, token: TOKEN, host: '127.0.0.1', port: 0, rendererDir: null, log: () => {} });
  const res = await fetch(`http://127.0.0.1:${host.port}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(input),
  });
  expect(res.ok).toBe(false);
  const http = decodeError(await res.json());

  const bridge = createCompanionBridge({
    invoke: async (channel, raw) =>
      structuredClone(
        await handleIpcCall(channel, TRUSTED, structuredClone(raw), {
          dispatch: (m: MethodName, i: unknown) => engine.call(m, i),
          allowedOrigins: ORIGINS,
          log: () => {},
        }),
      ),
    on: () => undefined,
  });
  const rejection = await bridge.call(method, input).then(
    () => null,
    (e: unknown) => structuredClone(e),
  );
  const ipc = decodeError(rejection);
  expect(http).toBeInstanceOf(ApiError);
  expect(ipc).toBeInstanceOf(ApiError);
  return { http: http.toBody(), ipc: ipc.toBody() };
}

describe('the same failure over HTTP and over IPC', () => {
  it('invalid input: BAD_INPUT with the same issues', async () => {
    const { http, ipc } = await failBothWays(temp.engine, 'runner.setPaused', { paused: 'yes' });
    expect(http).toMatchObject({ error: { code: 'BAD_INPUT', message: 'Invalid input for runner.setPaused', issues: [{ path: ['paused'] }] } });
    expect(ipc).toEqual(http);
  });

  it('an unknown method: NOT_FOUND in the same words', async () => {
    const { http, ipc } = await failBothWays(temp.engine, 'fs.readFile', { path: '/etc/passwd' });
    expect(http).toEqual({ error: { code: 'NOT_FOUND', message: 'Unknown api method "fs.readFile".' } });
    expect(ipc).toEqual(http);
  });

  it("a handler's refusal: its code and message", async () => {
    const { http, ipc } = await failBothWays(temp.engine, 'proposals.approve', { proposalId: 'no-such-proposal' });
    expect(http).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(ipc).toEqual(http);
  });

  it('an unexpected error: INTERNAL with its first line only', async () => {
    const boom = () => {
      throw new TypeError('cannot read properties of undefined\n    at handler (/home/me/engine.js:1:1)');
    };
    const broken: Engine = { ...temp.engine, call: boom, callJson: boom };
    const { http, ipc } = await failBothWays(broken, 'runner.status', {});
    // each transport logs the error under its own id and names it; otherwise the words are the same
    const logged = / \(logged as request [\w-]{8} in companion\.log\)$/;
    expect(http).toEqual({ error: { code: 'INTERNAL', message: expect.stringMatching(logged) } });
    const withoutId = (body: { error: { message: string } }) => ({ error: { ...body.error, message: body.error.message.replace(logged, '') } });
    expect(withoutId(http as never)).toEqual({ error: { code: 'INTERNAL', message: 'Unexpected error in runner.status: cannot read properties of undefined' } });
    expect(withoutId(ipc as never)).toEqual(withoutId(http as never));
  });

  it('a closed engine: UNAVAILABLE', async () => {
    await temp.cleanup();
    engineClosed = true;
    const { http, ipc } = await failBothWays(temp.engine, 'runner.status', {});
    expect(http).toEqual({ error: { code: 'UNAVAILABLE', message: 'The engine is shutting down.' } });
    expect(ipc).toEqual(http);
  });
});
