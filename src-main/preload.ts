/**
 * The sandboxed preload: exposes `window.companion` (see ./preload-bridge) with contextBridge.
 * Only `electron` can be required in a sandboxed preload, so this is bundled as ONE CommonJS file
 * (zod included): electron.vite.config.ts sets `externalizeDeps: false` and format cjs.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createCompanionBridge } from './preload-bridge';

contextBridge.exposeInMainWorld('companion', createCompanionBridge(ipcRenderer));
