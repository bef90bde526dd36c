/**
 * Hydration of a new renderer replica in headless Chromium: an engine holding `records` records
 * serves `sync.snapshot` over loopback HTTP; the page (hydrate.page.ts, built by scripts/bench.mjs)
 * runs the renderer's own hydration into Dexie. Run by scripts/bench.mjs with
 * `--page <built page.js> --out <file>`.
 */
import { chromium } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';
import { createEngine, type Engine } from '../src-main/engine';
import { MemorySecretStore } from '../src-main/engine/settings';
import { tempDataDir } from '../src-main/engine/testing/temp-db';
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
}

function log(message: string): void {
  process.stderr.write(`[hydrate] ${message}\n`);
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

/** Serves the page and the one api method it needs, answered as the HTTP host answers it (engine.callJson). */
function serve(engine: Engine, pageJs: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>');
    } else if (req.method === 'GET' && req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(pageJs);
    } else if (req.method === 'POST' && req.url === '/api/sync.snapshot') {
      readBody(req)
        .then((input) => engine.callJson('sync.snapshot', input))
        .then((text) => res.writeHead(200, { 'content-type': 'application/json' }).end(text))
        .catch((error: unknown) => res.writeHead(500).end(String(error)));
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main(): Promise<void> {
  const w = process.argv.includes('--quick') ? QUICK : FULL;
  const pagePath = arg('--page');
  if (!pagePath) throw new Error('--page <built hydrate page> is required');
  const tmp = tempDataDir('companion-bench-hydrate-');
  const engine = createEngine({ dataDir: tmp.dir, secrets: new MemorySecretStore(), autoStart: false });
  let server: Server | undefined;
  try {
    log(`seeding ${w.records.toLocaleString('en')} records`);
    for (const batch of batches({ ...w, changes: w.records })) engine.store.push('bench-seed', batch);
    // Write the seeded records now: the first snapshot page would otherwise do it inside the first timed hydration.
    engine.store.settle();
    server = await serve(engine, readFileSync(pagePath, 'utf8'));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const executablePath = findChromium();
    if (!executablePath) throw new Error('no Chromium found (set CHROMIUM_PATH)');
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForFunction(() => 'hydrate' in globalThis);
      log('hydrating');
      const r = await page.evaluate(() => (globalThis as unknown as { hydrate: () => Promise<HydrateResult> }).hydrate());
      if (r.stored !== w.records) throw new Error(`hydrated ${r.stored} of ${w.records} records`);
      const perSec = (ms: number) => Math.round((w.records / ms) * 1000);
      const seconds = (ms: number) => Math.round(ms) / 1000;
      const runsSeconds = r.runsMs.map(seconds);
      const results: HydrateResults = {
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
      const out = arg('--out');
      const json = JSON.stringify(results, null, 2);
      if (out) writeFileSync(out, json);
      else process.stdout.write(`${json}\n`);
    } finally {
      await browser.close();
    }
  } finally {
    server?.close();
    await engine.close();
    tmp.cleanup();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[hydrate] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
