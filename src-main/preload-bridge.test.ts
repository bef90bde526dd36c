import { describe, expect, it, vi } from 'vitest';
import { createCompanionBridge, type IpcRendererLike } from './preload-bridge';

function fakeIpc(answer: (channel: string, input: unknown) => unknown) {
  let eventListener: ((event: unknown, ...args: unknown[]) => void) | null = null;
  const ipc: IpcRendererLike & { emit(message: unknown): void; invoke: ReturnType<typeof vi.fn>; onCalls: number } = {
    invoke: vi.fn(async (channel: string, input: unknown) => answer(channel, input)),
    onCalls: 0,
    on(channel, listener) {
      expect(channel).toBe('companion:event');
      ipc.onCalls++;
      eventListener = listener;
      return ipc;
    },
    emit(message) {
      eventListener?.({ sender: 'the ipcRenderer object' }, message);
    },
  };
  return ipc;
}

describe('window.companion bridge', () => {
  it('invokes companion:<method> and unwraps the value', async () => {
    const ipc = fakeIpc(() => ({ ok: true, value: { paused: true } }));
    const bridge = createCompanionBridge(ipc);
    await expect(bridge.call('runner.setPaused', { paused: true })).resolves.toEqual({ paused: true });
    expect(ipc.invoke).toHaveBeenCalledWith('companion:runner.setPaused', { paused: true });
  });
  it('sends {} when no input is given', async () => {
    const ipc = fakeIpc(() => ({ ok: true, value: 1 }));
    await createCompanionBridge(ipc).call('runner.status');
    expect(ipc.invoke).toHaveBeenCalledWith('companion:runner.status', {});
  });
  it('rejects with a plain {code, message, issues} object on error envelopes', async () => {
    const ipc = fakeIpc(() => ({ ok: false, error: { code: 'BAD_INPUT', message: 'Invalid input', issues: [{ path: ['paused'], message: 'x' }] } }));
    const err = await createCompanionBridge(ipc).call('runner.setPaused', {}).catch((e: unknown) => e);
    expect(err).toEqual({ name: 'ApiError', code: 'BAD_INPUT', message: 'Invalid input', issues: [{ path: ['paused'], message: 'x' }] });
  });
  it('rejects unknown methods without any IPC', async () => {
    const ipc = fakeIpc(() => ({ ok: true, value: 1 }));
    const bridge = createCompanionBridge(ipc);
    await expect(bridge.call('fs.readFile', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(bridge.call('__proto__', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(bridge.call(42 as unknown as string, {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(ipc.invoke).not.toHaveBeenCalled();
  });
  it('delivers declared events (payload only) and unsubscribes', () => {
    const ipc = fakeIpc(() => null);
    const bridge = createCompanionBridge(ipc);
    const a = vi.fn();
    const b = vi.fn();
    const offA = bridge.on('sync.changed', a);
    bridge.on('runner.tick', b);
    expect(ipc.onCalls).toBe(1);
    ipc.emit({ name: 'sync.changed', payload: { seq: 4 } });
    expect(a).toHaveBeenCalledWith({ seq: 4 });
    expect(a.mock.calls[0]).toHaveLength(1);
    expect(b).not.toHaveBeenCalled();
    offA();
    ipc.emit({ name: 'sync.changed', payload: { seq: 5 } });
    expect(a).toHaveBeenCalledTimes(1);
    ipc.emit('garbage');
    ipc.emit({ name: 3 });
  });
  it('refuses undeclared events', () => {
    const bridge = createCompanionBridge(fakeIpc(() => null));
    expect(() => bridge.on('anything', () => {})).toThrow(/Unknown event/);
  });
  it('keeps other listeners running when one throws', () => {
    const ipc = fakeIpc(() => null);
    const bridge = createCompanionBridge(ipc);
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const good = vi.fn();
    bridge.on('sync.changed', () => {
      throw new Error('bad listener');
    });
    bridge.on('sync.changed', good);
    ipc.emit({ name: 'sync.changed', payload: { seq: 1 } });
    expect(good).toHaveBeenCalled();
    spy.mockRestore();
  });
});
