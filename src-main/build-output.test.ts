/**
 * What electron-vite builds into out/ (built first when missing or stale). The preload is what a
 * sandboxed renderer loads: one CommonJS file that may require only 'electron'; it is run here the
 * way the sandbox does — a plain script with `require`, `module` and `exports`, no Node. The
 * renderer's built index.html must keep the CSP and carry no inline script.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { allowsUnsafeScripts, inlineScripts, metaCsp, metaPolicy, RENDERER_CSP } from './host/csp';
import { METHOD_NAMES } from '../src-shared/api';
import { EVENT_CHANNEL } from './host/ipc-core';
import { ensureBuilt, OUT } from './testing/built';

beforeAll(() => ensureBuilt(), 120_000);

function loadPreload() {
  const exposed = new Map<string, unknown>();
  const invoked: { channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  const requested: string[] = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => {
        invoked.push({ channel, args });
        return { ok: true, value: { echoed: channel } };
      },
      on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => listeners.set(channel, listener),
    },
  };
  const sandboxRequire = (id: string) => {
    requested.push(id);
    if (id === 'electron') return electron;
    throw new Error(`module not found: ${id} (a sandboxed preload can only require electron)`);
  };
  const module = { exports: {} as unknown };
  runInNewContext(readFileSync(OUT.preload, 'utf8'), { require: sandboxRequire, module, exports: module.exports, console }, { filename: OUT.preload });
  return { exposed, invoked, listeners, requested };
}

describe('the built preload', () => {
  it('is CommonJS that requires only electron', () => {
    const text = readFileSync(OUT.preload, 'utf8');
    expect(text).not.toMatch(/^\s*import\s/m);
    expect(text).not.toMatch(/^\s*export\s/m);
    expect(loadPreload().requested).toEqual(['electron']);
  });

  it('exposes window.companion with call/on over the api channels only', async () => {
    const { exposed, invoked, listeners } = loadPreload();
    expect([...exposed.keys()]).toEqual(['companion']);
    const companion = exposed.get('companion') as { call: (m: string, i?: unknown) => Promise<unknown>; on: (e: string, cb: (p: unknown) => void) => () => void };
    expect(Object.keys(companion).sort()).toEqual(['call', 'on']);
    await expect(companion.call('runner.status')).resolves.toEqual({ echoed: 'companion:runner.status' });
    await expect(companion.call('fs.readFile', { path: '/etc/passwd' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(invoked).toEqual([{ channel: 'companion:runner.status', args: [{}] }]);

    const seen: unknown[] = [];
    companion.on('sync.changed', (p) => seen.push(p));
    listeners.get(EVENT_CHANNEL)!({ sender: 'ipc event object' }, { name: 'sync.changed', payload: { seq: 3 } });
    expect(seen).toEqual([{ seq: 3 }]);
  });

  it('lets every api method through, and only those', async () => {
    const { exposed, invoked } = loadPreload();
    const companion = exposed.get('companion') as { call: (m: string, i?: unknown) => Promise<unknown> };
    for (const method of METHOD_NAMES) await companion.call(method, {});
    expect(invoked.map((i) => i.channel)).toEqual(METHOD_NAMES.map((m) => `companion:${m}`));
  });

  it('carries neither zod nor the domain schemas (names and the error codec only)', () => {
    const text = readFileSync(OUT.preload, 'utf8');
    // zod 4 keeps its internals under `_zod` and names its error class ZodError
    expect(text).not.toMatch(/\b_zod\b|ZodError/);
    // the domain schemas would come with their field names
    expect(text).not.toMatch(/conceptMarkdown|failureStreak|maxConcurrentMissions/);
    // with zod and the schemas it was ~250 KB; names and the codec are ~8 KB
    expect(text.length).toBeLessThan(24 * 1024);
  });

  it('is the file the main process points the window at', () => {
    expect(readFileSync(OUT.main, 'utf8')).toContain('../preload/preload.cjs');
  });
});

describe('the built renderer page', () => {
  it('carries the renderer CSP (no unsafe scripts) and no inline script', () => {
    const html = readFileSync(OUT.rendererHtml, 'utf8');
    const csp = metaCsp(html);
    expect(csp).toBe(metaPolicy(RENDERER_CSP));
    expect(allowsUnsafeScripts(csp!)).toBe(false);
    expect(inlineScripts(html)).toEqual([]);
  });
});
