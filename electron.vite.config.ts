import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { RENDERER_CSP, setMetaCsp } from './src-main/host/csp';

/** The built page carries the one policy the hosts also send as a header (src-main/host/csp.ts). */
function rendererCsp(): Plugin {
  return { name: 'companion-renderer-csp', apply: 'build', transformIndexHtml: (html) => setMetaCsp(html, RENDERER_CSP) };
}

// One build for everything that ships: the Electron main process (index) and the headless CLI
// (cli) share the engine bundle; the preload is CommonJS because sandboxed preloads cannot be ESM.
export default defineConfig({
  main: {
    build: {
      rolldownOptions: {
        input: { index: resolve('src-main/index.ts'), cli: resolve('src-main/cli.ts') },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': bundle everything else (the api names, the error codec).
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: resolve('src-main/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src-renderer'),
    build: {
      // The renderer ships to every window and browser tab: minify it (main and preload stay readable).
      minify: true,
      rolldownOptions: { input: resolve('src-renderer/index.html') },
    },
    plugins: [react(), rendererCsp()],
  },
});
