/**
 * The Electron IPC transport of api.ts: the one place that calls `ipcMain.handle`. The logic
 * (channel table, sender check, input parsing, envelopes) lives in ./ipc-core and is unit-tested;
 * this file only adapts Electron's objects to it. They are passed in (the desktop shell gets the
 * electron module injected), so nothing here loads electron.
 */
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { EventName } from '../../src-shared/api';
import { apiChannels, EVENT_CHANNEL, eventMessage, handleIpcCall, type Dispatch, type SenderInfo } from './ipc-core';

export interface ValidatedIpcOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  /** the engine: `(method, input) => engine.call(method, input)` — output, or throws ApiError */
  dispatch: Dispatch;
  /** see allowedRendererOrigins() in ./ipc-core */
  allowedOrigins: readonly string[];
  /** whether a webContents belongs to one of our windows */
  isOurWebContents: (contents: WebContents) => boolean;
  log?: (message: string, error?: unknown) => void;
}

function senderInfo(event: IpcMainInvokeEvent, isOurs: (contents: WebContents) => boolean): SenderInfo {
  let frameUrl: string | null = null;
  let isMainFrame = false;
  try {
    const frame = event.senderFrame;
    if (frame && !frame.detached) {
      frameUrl = frame.url;
      isMainFrame = frame.parent === null;
    }
  } catch {
    // the frame navigated or was destroyed while the message was in flight
  }
  let isOurWindow = false;
  try {
    isOurWindow = isOurs(event.sender);
  } catch {
    // a window destroyed meanwhile is not ours any more: the call is refused (and logged) as untrusted
  }
  return { frameUrl, isMainFrame, isOurWindow };
}

/** Registers `companion:<method>` for every api method; returns a function that removes them. */
export function registerValidatedIpc(options: ValidatedIpcOptions): () => void {
  const { ipcMain, isOurWebContents: isOurs } = options;
  const channels = apiChannels();
  for (const { channel } of channels) {
    ipcMain.handle(channel, (event, rawInput: unknown) =>
      handleIpcCall(channel, senderInfo(event, isOurs), rawInput, {
        dispatch: options.dispatch,
        allowedOrigins: options.allowedOrigins,
        ...(options.log ? { log: options.log } : {}),
      }),
    );
  }
  return () => {
    for (const { channel } of channels) ipcMain.removeHandler(channel);
  };
}

/** Sends an engine event to every open window as `{name, payload}` on `companion:event`. */
export function broadcastEvent(windows: readonly BrowserWindow[], name: EventName, payload: unknown): void {
  const message = eventMessage(name, payload);
  for (const win of windows) {
    if (win.isDestroyed() || win.webContents.isDestroyed()) continue;
    win.webContents.send(EVENT_CHANNEL, message);
  }
}
