import { defineConfig, type Project } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumCandidates, findChromium } from './scripts/chromium.mjs';

/**
 * End-to-end tests. Two targets for the same specs in e2e/:
 *  - chromium (npm test, npm run test:e2e): the built renderer in the system Chromium against the
 *    headless host (out/main/cli.js), with a scripted OpenAI-compatible LLM on loopback. Playwright
 *    never downloads browsers here (CHROMIUM_PATH overrides the usual install locations).
 *  - electron (npm run test:electron, which sets COMPANION_E2E_TARGET=electron): the built desktop
 *    app through Playwright's _electron, one temp data dir per test (e2e/fixtures/electron.ts).
 * Only the selected target's project exists, so a bare `playwright test` never runs both.
 */
export { CHROMIUM_ARGS };

const electronTarget = process.env.COMPANION_E2E_TARGET === 'electron';

const isCI = !!process.env.CI;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  fullyParallel: false,
  // an Electron app per test is heavier than a tab
  workers: isCI || electronTarget ? 1 : 2,
  retries: 0,
  forbidOnly: isCI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 20_000,
  },
  projects: [electronTarget ? electronProject() : chromiumProject()],
});

function chromiumProject(): Project {
  return {
    name: 'chromium',
    use: {
      browserName: 'chromium',
      viewport: { width: 1280, height: 800 },
      launchOptions: {
        executablePath: findChromium() ?? chromiumCandidates()[0],
        args: CHROMIUM_ARGS,
      },
    },
  };
}

function electronProject(): Project {
  // the window is the app's own (its size comes from the shell); no browser is launched
  return { name: 'electron', use: {} };
}
