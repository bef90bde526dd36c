/**
 * The sandboxed preload: exposes `window.companion` (see ./preload-bridge) with contextBridge.
 * Only `electron` can be required in a sandboxed preload, so this is bundled as ONE CommonJS file
 * (electron.vite.config.ts sets `externalizeDeps: false` and format cjs). It carries the api's
 * names and the error codec only, never zod or the domain schemas: scripts/layers.mjs refuses the
 * import, and src-main/build-output.test.ts the built file.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createCompanionBridge } from './preload-bridge';

contextBridge.exposeInMainWorld('companion', createCompanionBridge(ipcRenderer));
