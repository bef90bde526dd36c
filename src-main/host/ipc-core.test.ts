import { describe, expect, it, vi } from 'vitest';
import { ApiError, METHOD_NAMES, parseInput } from '../../src-shared/api';
import {
  allowedRendererOrigins,
  apiChannels,
  channelFor,
  errorEnvelope,
  eventMessage,
  handleIpcCall,
  isTrustedSender,
  methodFromChannel,
  unwrapEnvelope,
  type SenderInfo,
} from './ipc-core';

const FILE_ORIGINS = allowedRendererOrigins({ rendererDirUrl: 'file:///opt/app/out/renderer' });
const trusted: SenderInfo = { frameUrl: 'file:///opt/app/out/renderer/index.html', isMainFrame: true, isOurWindow: true };
const quiet = () => {};

describe('channels', () => {
  it('has one channel per api method, generated from the table', () => {
    const channels = apiChannels();
    expect(channels.map((c) => c.method)).toEqual(METHOD_NAMES);
    expect(channels.every((c) => c.channel === `companion:${c.method}`)).toBe(true);
  });
  it('maps channels back to methods and refuses the rest', () => {
    expect(methodFromChannel(channelFor('runner.tick'))).toBe('runner.tick');
    expect(methodFromChannel('companion:nope')).toBeNull();
    expect(methodFromChannel('other:runner.tick')).toBeNull();
    expect(methodFromChannel('companion:__proto__')).toBeNull();
    expect(methodFromChannel('companion:constructor')).toBeNull();
  });
});

describe('isTrustedSender', () => {
  it('accepts the main frame of the packaged renderer', () => {
    expect(isTrustedSender('file:///opt/app/out/renderer/index.html', true, FILE_ORIGINS)).toBe(true);
    expect(isTrustedSender('file:///opt/app/out/renderer/index.html#/inbox?x=1', true, FILE_ORIGINS)).toBe(true);
  });
  it('refuses subframes, even from our origin', () => {
    expect(isTrustedSender('file:///opt/app/out/renderer/index.html', false, FILE_ORIGINS)).toBe(false);
  });
  it('refuses other files and path tricks', () => {
    expect(isTrustedSender('file:///tmp/evil.html', true, FILE_ORIGINS)).toBe(false);
    expect(isTrustedSender('file:///opt/app/out/renderer-evil/index.html', true, FILE_ORIGINS)).toBe(false);
    expect(isTrustedSender('file:///opt/app/out/renderer/../../../tmp/evil.html', true, FILE_ORIGINS)).toBe(false);
  });
  it('refuses foreign origins, missing and unparseable URLs', () => {
    expect(isTrustedSender('https://evil.example/', true, FILE_ORIGINS)).toBe(false);
    expect(isTrustedSender('', true, FILE_ORIGINS)).toBe(false);
    expect(isTrustedSender(null, true, FILE_ORIGINS)).toBe(false);
    expect(isTrustedSender('not a url', true, FILE_ORIGINS)).toBe(false);
    expect(isTrustedSender('about:blank', true, ['file://'])).toBe(false);
    expect(isTrustedSender('data:text/html,hi', true, ['file://'])).toBe(false);
  });
  it('compares parsed origins for the dev server', () => {
    const dev = allowedRendererOrigins({ devServerUrl: 'http://localhost:5173/', rendererDirUrl: 'file:///x/' });
    expect(dev).toEqual(['http://localhost:5173']);
    expect(isTrustedSender('http://localhost:5173/index.html', true, dev)).toBe(true);
    expect(isTrustedSender('http://localhost:5174/', true, dev)).toBe(false);
    expect(isTrustedSender('http://localhost:5173.evil.example/', true, dev)).toBe(false);
    expect(isTrustedSender('http://evil.example/?http://localhost:5173', true, dev)).toBe(false);
    expect(isTrustedSender('http://user@localhost:5173@evil.example/', true, dev)).toBe(false);
    expect(isTrustedSender('file:///x/index.html', true, dev)).toBe(false);
  });
  it('accepts any file:// with the bare file:// entry', () => {
    expect(allowedRendererOrigins({})).toEqual(['file://']);
    expect(isTrustedSender('file:///anything/index.html', true, ['file://'])).toBe(true);
  });
});

describe('handleIpcCall', () => {
  it('hands the raw input to the dispatch once (which parses it) and wraps the value', async () => {
    const dispatch = vi.fn(async (m: string, input: unknown) => ({ echoed: parseInput(m as 'sync.pull', input) }));
    const res = await handleIpcCall('companion:sync.pull', trusted, {}, { dispatch, allowedOrigins: FILE_ORIGINS, log: quiet });
    expect(res).toEqual({ ok: true, value: { echoed: { since: 0, limit: 1000 } } });
    expect(dispatch).toHaveBeenCalledTimes(1);
    expect(dispatch).toHaveBeenCalledWith('sync.pull', {});
  });
  it('treats undefined input as {} for methods without input', async () => {
    const dispatch = vi.fn((m: string, input: unknown) => parseInput(m as 'runner.tick', input) && 'ok');
    const res = await handleIpcCall('companion:runner.tick', trusted, undefined, { dispatch, allowedOrigins: FILE_ORIGINS, log: quiet });
    expect(res).toEqual({ ok: true, value: 'ok' });
  });
  it('refuses unknown channels without dispatching', async () => {
    const dispatch = vi.fn();
    const res = await handleIpcCall('companion:fs.readFile', trusted, {}, { dispatch, allowedOrigins: FILE_ORIGINS, log: quiet });
    expect(res).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(dispatch).not.toHaveBeenCalled();
  });
  it('refuses foreign origins, subframes and other windows without dispatching', async () => {
    const dispatch = vi.fn();
    const opts = { dispatch, allowedOrigins: FILE_ORIGINS, log: quiet };
    for (const sender of [
      { ...trusted, frameUrl: 'https://evil.example/' },
      { ...trusted, isMainFrame: false },
      { ...trusted, isOurWindow: false },
      { ...trusted, frameUrl: null },
    ]) {
      expect(await handleIpcCall('companion:runner.status', sender, {}, opts)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
    expect(dispatch).not.toHaveBeenCalled();
  });
  it('answers BAD_INPUT with issues when the dispatch refuses the input', async () => {
    const dispatch = vi.fn((m: string, input: unknown) => parseInput(m as 'runner.setPaused', input));
    const res = await handleIpcCall('companion:runner.setPaused', trusted, { paused: 'yes', extra: 1 }, { dispatch, allowedOrigins: FILE_ORIGINS, log: quiet });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe('BAD_INPUT');
    expect(res.error.issues!.length).toBeGreaterThan(0);
    expect(res.error.issues!.some((i) => i.path.includes('paused'))).toBe(true);
  });
  it('passes ApiErrors of the handler through as envelopes', async () => {
    const dispatch = () => {
      throw new ApiError('NOT_FOUND', 'No proposal p1', [{ path: ['proposalId'], message: 'unknown' }]);
    };
    const res = await handleIpcCall('companion:proposals.approve', trusted, { proposalId: 'p1' }, { dispatch, allowedOrigins: FILE_ORIGINS, log: quiet });
    expect(res).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No proposal p1', issues: [{ path: ['proposalId'], message: 'unknown' }] } });
  });
  it('turns unexpected errors into INTERNAL without the stack, and logs them', async () => {
    const log = vi.fn();
    const dispatch = async () => {
      throw new TypeError('cannot read x of undefined\n    at secret (/home/me/app.js:1:1)');
    };
    const res = await handleIpcCall('companion:runner.status', trusted, {}, { dispatch, allowedOrigins: FILE_ORIGINS, log });
    expect(res).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: expect.stringMatching(/^Unexpected error in runner\.status: cannot read x of undefined \(logged as request [\w-]{8} in companion\.log\)$/) },
    });
    expect(JSON.stringify(res)).not.toContain('/home/me');
    expect(JSON.stringify(res)).not.toMatch(/\bat /);
    // the log entry carries the same id as the answer, and the whole error
    const id = /request ([\w-]{8})/.exec((res as { error: { message: string } }).error.message)![1]!;
    expect(log).toHaveBeenCalledWith(`[ipc] call ${id} (runner.status) failed unexpectedly`, expect.any(TypeError));
  });
  it('handles non-Error throws', async () => {
    const res = await handleIpcCall('companion:runner.status', trusted, {}, { dispatch: () => Promise.reject(42), allowedOrigins: FILE_ORIGINS, log: quiet });
    expect(res).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/^Unexpected error in runner\.status\. \(logged as request/) } });
  });
  it('never throws, even when the sender check, the logger and the dispatch all fail', async () => {
    const hostile: SenderInfo = {
      get frameUrl(): string {
        throw new Error('frame destroyed');
      },
      isMainFrame: true,
      isOurWindow: true,
    };
    const throwingLog = () => {
      throw new Error('disk full');
    };
    const options = { dispatch: () => undefined, allowedOrigins: FILE_ORIGINS, log: throwingLog };
    await expect(handleIpcCall('companion:runner.status', hostile, {}, options)).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    const explode = () => {
      throw new RangeError('Maximum call stack size exceeded');
    };
    await expect(handleIpcCall('companion:runner.status', trusted, {}, { ...options, dispatch: explode })).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    await expect(handleIpcCall(42 as unknown as string, trusted, {}, options)).resolves.toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('envelopes and events', () => {
  it('recognises ApiError-shaped objects from another copy of the class', () => {
    expect(errorEnvelope({ code: 'CONFLICT', message: 'already decided' })).toEqual({ ok: false, error: { code: 'CONFLICT', message: 'already decided' } });
    expect(errorEnvelope({ code: 'WHATEVER', message: 'x' }).error.code).toBe('INTERNAL');
  });
  it('unwraps envelopes into values or ApiErrors', () => {
    expect(unwrapEnvelope({ ok: true, value: 3 })).toEqual({ ok: true, value: 3 });
    const failed = unwrapEnvelope({ ok: false, error: { code: 'BAD_INPUT', message: 'm', issues: [] } });
    expect(failed.ok).toBe(false);
    if (failed.ok) return;
    expect(failed.error).toBeInstanceOf(ApiError);
    expect(failed.error).toMatchObject({ code: 'BAD_INPUT', message: 'm', issues: [] });
    expect(unwrapEnvelope(undefined)).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'Malformed answer from the main process.' } });
    expect(unwrapEnvelope({ ok: false, error: { code: 'NOPE', message: 1 } })).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'Unknown error.' } });
  });
  it('builds event messages only for declared events', () => {
    expect(eventMessage('sync.changed', { seq: 3 })).toEqual({ name: 'sync.changed', payload: { seq: 3 } });
    expect(() => eventMessage('secret.leak', {})).toThrow(/Unknown event/);
  });
});
