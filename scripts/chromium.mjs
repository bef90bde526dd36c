// Where a Chrome/Chromium is on this machine, for the e2e tests (scripts/test.mjs) and for
// rendering the app icons (scripts/icons.mjs). Playwright never downloads browsers here.
// $CHROMIUM_PATH wins; else the usual install locations of Chromium, Google Chrome (which CI
// runners of every OS have) and, on macOS and Windows, Microsoft Edge (Chromium too, and on every
// Windows machine).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function chromiumCandidates(platform = process.platform, env = process.env) {
  if (platform === 'darwin') {
    const apps = ['/Applications', join(homedir(), 'Applications')];
    return apps.flatMap((dir) => [
      join(dir, 'Chromium.app/Contents/MacOS/Chromium'),
      join(dir, 'Google Chrome.app/Contents/MacOS/Google Chrome'),
      join(dir, 'Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing'),
      join(dir, 'Microsoft Edge.app/Contents/MacOS/Microsoft Edge'),
    ]);
  }
  if (platform === 'win32') {
    const roots = [env['PROGRAMFILES'], env['PROGRAMFILES(X86)'], env['LOCALAPPDATA']].filter(Boolean);
    return [
      ...roots.map((dir) => join(dir, 'Chromium', 'Application', 'chrome.exe')),
      ...roots.map((dir) => join(dir, 'Google', 'Chrome', 'Application', 'chrome.exe')),
      ...roots.map((dir) => join(dir, 'Microsoft', 'Edge', 'Application', 'msedge.exe')),
    ];
  }
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium', '/opt/google/chrome/chrome'];
}

/** $CHROMIUM_PATH if it exists, else the first installed candidate, else null. */
export function findChromium() {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : null;
  return chromiumCandidates().find((p) => existsSync(p)) ?? null;
}

/** One line that says how to get a browser for the e2e tests on this OS. */
export function howToGetChromium(platform = process.platform) {
  const where =
    platform === 'darwin'
      ? 'install Google Chrome (or Chromium) in /Applications'
      : platform === 'win32'
        ? 'install Google Chrome (Microsoft Edge also works)'
        : 'Debian/Ubuntu: sudo apt-get install chromium';
  return `e2e needs Chromium: ${where}, or set CHROMIUM_PATH to a Chrome/Chromium executable`;
}

/** Chromium's flags for tests and headless rendering on these machines (see playwright.config.ts). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
