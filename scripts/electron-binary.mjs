// Where the Electron binary is, if it is on disk. electron >= 42 has no install script: the binary
// is downloaded by `npx install-electron` or on the first require('electron') — which would start a
// download, so this mirrors node_modules/electron/index.js instead of requiring it.
// Used by scripts/start.mjs, scripts/test-electron.mjs and e2e/fixtures/electron.ts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const NO_ELECTRON_LINE = 'No Electron binary: run `npx install-electron` or test on a machine that can download it';

export function electronDir(root) {
  return join(root, 'node_modules', 'electron');
}

function platformPath() {
  if (process.platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (process.platform === 'win32') return 'electron.exe';
  return 'electron';
}

/** The Electron binary if it is on disk ($ELECTRON_OVERRIDE_DIST_PATH honoured), else null. */
export function electronBinary(root) {
  const dir = electronDir(root);
  const pathFile = join(dir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, rel || platformPath());
    return existsSync(p) ? p : null;
  }
  if (!rel) return null;
  const p = join(dir, 'dist', rel);
  return existsSync(p) ? p : null;
}
