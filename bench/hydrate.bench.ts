/**
 * Hydration of a new renderer replica in headless Chromium, in two settings:
 *
 * - the hydration alone: an engine holding `records` records of the bench workload serves the
 *   real HTTP host; the page (hydrate.page.ts, built by scripts/bench.mjs into --page-dir) runs the
 *   renderer's own hydration (its worker) into Dexie, next to bare IndexedDB puts of the same rows;
 * - the app with a year of use (hydrate.year.ts, the built renderer in --renderer-dir): first load
 *   at 1M changes, and decisions in the Inbox with 10,000 decided proposals against 100.
 *
 * Run by scripts/bench.mjs with `--page-dir <dir> --renderer-dir <dir> --out <file>`. While working
 * on one part, `--parts hydration,first-load,decisions` (any of them) runs only those (by hand:
 * `node out/bench/node/hydrate.mjs --page-dir out/bench/page --renderer-dir out/bench/renderer --parts decisions`).
 */
import { chromium, type Browser } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';
import { createEngine } from '../src-main/engine';
import { MemorySecretStore } from '../src-main/engine/settings';
import { tempDataDir } from '../src-main/engine/testing/temp-db';
import { startHttpHost, type HttpHost } from '../src-main/host/http';
import { YEAR_OF_USE_SIZES } from '../src-main/testing/year-of-use';
import { measureDecisionsSideBySide, measureFirstLoad, type DecisionResults, type FirstLoadResults } from './hydrate.year';
import type { HydrateResult } from './hydrate.types';
import { batches, FULL, QUICK } from './workload';

export interface HydrateResults {
  records: number;
  pageSize: number;
  /** of the median hydration */
  perSec: number;
  seconds: number;
  /** every hydration timed (a new replica each time), in order: the first with JIT and caches cold */
  runsSeconds: number[];
  /** the first hydration, and the others */
  coldSeconds: number;
  warmSeconds: number[];
  /** chunk rows written; records with an overlay row of their own; fetching the pages alone */
  breakdown: { chunks: number; overlayRows: number; fetchOnlyMs: number };
  /** bare IndexedDB puts of the same chunk rows, the layout the replica writes (median of the runs) */
  rawIdbChunksPerSec: number;
  rawIdbChunksRunsSeconds: number[];
  /** hydration's speed over rawIdbChunksPerSec: the like-for-like ratio */
  ratio: number;
  /** for context: bare IndexedDB puts of the same records, one row each, in the same pages */
  rawIdbPerSec: number;
  /** the same into a store without the overlay's secondary index */
  rawIdbNoIndexPerSec: number;
  /** the app's first load with a year of use */
  year: FirstLoadResults;
  /** decisions in the Inbox, with much and little history */
  decisions: DecisionResults;
}

function log(message: string): void {
  process.stderr.write(`[hydrate] ${message}\n`);
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The hydration alone: the bench workload's records, the bench page hydrating them (Omit: the app's figures come after). */
async function measureHydration(browser: Browser, pageDir: string, quick: boolean): Promise<Omit<HydrateResults, 'year' | 'decisions'>> {
  const w = quick ? QUICK : FULL;
  const tmp = tempDataDir('companion-bench-hydrate-');
  const engine = createEngine({ dataDir: tmp.dir, secrets: new MemorySecretStore(), autoStart: false });
  let http: HttpHost | undefined;
  try {
    log(`seeding ${w.records.toLocaleString('en')} records`);
    for (const batch of batches({ ...w, changes: w.records })) engine.store.push('bench-seed', batch);
    // Write the seeded records now: the first snapshot page would otherwise do it inside the first timed hydration.
    engine.store.settle();
    // The real HTTP host, serving the bench page (page.js and its worker) instead of the app.
    writeFileSync(join(pageDir, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>');
    http = await startHttpHost({ engine, token: 'bench', host: '127.0.0.1', port: 0, rendererDir: pageDir });
    const page = await browser.newPage();
    await page.goto(http.url);
    await page.waitForFunction(() => 'hydrate' in globalThis);
    log('hydrating');
    const r = await page.evaluate(() => (globalThis as unknown as { hydrate: () => Promise<HydrateResult> }).hydrate());
    await page.close();
    if (r.stored !== w.records) throw new Error(`hydrated ${r.stored} of ${w.records} records`);
    const perSec = (ms: number) => Math.round((w.records / ms) * 1000);
    const seconds = (ms: number) => Math.round(ms) / 1000;
    const runsSeconds = r.runsMs.map(seconds);
    return {
      records: w.records,
      pageSize: r.pageSize,
      perSec: perSec(r.ms),
      seconds: r.ms / 1000,
      runsSeconds,
      coldSeconds: runsSeconds[0]!,
      warmSeconds: runsSeconds.slice(1),
      breakdown: { chunks: r.chunks, overlayRows: r.overlayRows, fetchOnlyMs: Math.round(r.fetchOnlyMs) },
      rawIdbChunksPerSec: perSec(r.rawIdbChunksMs),
      rawIdbChunksRunsSeconds: r.rawIdbChunksRunsMs.map(seconds),
      ratio: r.rawIdbChunksMs / r.ms,
      rawIdbPerSec: perSec(r.rawIdbMs),
      rawIdbNoIndexPerSec: perSec(r.rawIdbNoIndexMs),
    };
  } finally {
    await http?.close();
    await engine.close();
    tmp.cleanup();
  }
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const pageDir = arg('--page-dir');
  const rendererDir = arg('--renderer-dir');
  if (!pageDir || !rendererDir) throw new Error('--page-dir <built hydrate page and probe> and --renderer-dir <built renderer> are required');
  const app = { rendererDir, probeScript: readFileSync(join(pageDir, 'probe.js'), 'utf8') };
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no Chromium found (set CHROMIUM_PATH)');
  const parts = (arg('--parts') ?? 'hydration,first-load,decisions').split(',');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const hydration = parts.includes('hydration') ? await measureHydration(browser, pageDir, quick) : null;
    // 1M changes for the full run (the largest size), 100k for --quick.
    const year = parts.includes('first-load') ? await measureFirstLoad(browser, app, quick ? YEAR_OF_USE_SIZES[1] : YEAR_OF_USE_SIZES[2], 3) : null;
    const decisions = parts.includes('decisions') ? await measureDecisionsSideBySide(browser, app, quick ? 10 : 20) : null;
    // A partial run (by hand) leaves the other parts out; scripts/bench.mjs always runs them all.
    const results = { ...hydration, year, decisions } as HydrateResults;
    const out = arg('--out');
    const json = JSON.stringify(results, null, 2);
    if (out) writeFileSync(out, json);
    else process.stdout.write(`${json}\n`);
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[hydrate] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
