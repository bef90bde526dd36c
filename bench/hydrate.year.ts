/**
 * The app itself (the built renderer served by the real HTTP host) with a year of use, in Chromium
 * (issue 15), for hydrate.bench.ts:
 *
 * - First load of a new replica with a year of use (src-main/testing/year-of-use.ts) at 1M changes:
 *   when the Inbox is usable (every pending proposal's card shown with its Approve button enabled),
 *   when hydration is done (the app's performance marks, src-renderer/db/hydrator.ts), its speed in
 *   records/s next to fetching the same snapshot pages alone, and the page's long tasks
 *   (PerformanceObserver 'longtask') while it runs. Each run is a new browser context: a new replica.
 * - Decisions in the Inbox: approve cards one after the other and time each from the click to the
 *   frame without the card, with 10,000 decided proposals in the replica and, side by side, with
 *   100; long tasks during the decisions; the page's JS heap afterwards (after a GC).
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { createEngine, type Engine } from '../src-main/engine';
import { MemorySecretStore } from '../src-main/engine/settings';
import { tempDataDir } from '../src-main/engine/testing/temp-db';
import { startHttpHost, type HttpHost } from '../src-main/host/http';
import { seedYearOfUse, type YearOfUseOptions, type YearOfUseSummary } from '../src-main/testing/year-of-use';
import { SNAPSHOT_LIMIT } from '../src-renderer/db/snapshotPages';
import type { ApprovalTiming, ProbeFacts } from './hydrate.types';


export interface LongTasks {
  count: number;
  over100ms: number;
  longestMs: number;
}

export interface FirstLoadRun {
  /** navigation start to every pending card actionable */
  inboxUsableMs: number;
  /** navigation start to the hydration's start and end marks */
  hydrationStartMs: number;
  hydratedMs: number;
  records: number;
  perSec: number;
  /** long tasks overlapping the hydration, and those before it (loading the app) */
  longTasks: LongTasks;
  bootLongTasks: LongTasks;
}

export interface FirstLoadResults {
  changes: number;
  summary: YearOfUseSummary;
  seedSeconds: number;
  records: number;
  runs: FirstLoadRun[];
  /** medians of the runs */
  inboxUsableMs: number;
  hydrationMs: number;
  perSec: number;
  /** the worst run's long tasks */
  longTasks: LongTasks;
  /** fetching the same snapshot pages from the same page, without writing them */
  fetchOnlyMs: number;
  fetchOnlyPerSec: number;
}

export interface DecisionScenario {
  decided: number;
  pending: number;
  /** each decision, click to the first frame without the card */
  runsMs: number[];
  medianMs: number;
  longTasks: LongTasks;
  /** the page's V8 heap in use after the decisions, after a GC */
  heapMb: number;
}

export interface DecisionResults {
  /** the history measured, and the reference: the same with few decided proposals */
  history: DecisionScenario;
  reference: DecisionScenario;
}

function log(message: string): void {
  process.stderr.write(`[hydrate] ${message}\n`);
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Host {
  engine: Engine;
  http: HttpHost;
  summary: YearOfUseSummary;
  seedSeconds: number;
  close(): Promise<void>;
}

async function startYearHost(rendererDir: string, options: YearOfUseOptions): Promise<Host> {
  const tmp = tempDataDir('companion-bench-year-');
  const engine = createEngine({ dataDir: tmp.dir, secrets: new MemorySecretStore(), autoStart: false });
  const started = performance.now();
  const summary = seedYearOfUse(engine.store, options);
  const seedSeconds = (performance.now() - started) / 1000;
  const http = await startHttpHost({ engine, token: 'bench', host: '127.0.0.1', port: 0, rendererDir });
  return {
    engine,
    http,
    summary,
    seedSeconds,
    async close() {
      await http.close();
      await engine.close();
      tmp.cleanup();
    },
  };
}

interface Probe {
  facts(): ProbeFacts;
  approveFirstCard(): Promise<ApprovalTiming>;
  fetchOnly(pageSize: number): Promise<number>;
}

/** The probe's functions, called in the page (hydrate.probe.page.ts); functions, not strings: the app's CSP allows no eval. */
const probe = {
  facts: (page: Page) => page.evaluate(() => (globalThis as unknown as { benchProbe: Probe }).benchProbe.facts()),
  approveFirstCard: (page: Page) => page.evaluate(() => (globalThis as unknown as { benchProbe: Probe }).benchProbe.approveFirstCard()),
  fetchOnly: (page: Page, pageSize: number) => page.evaluate((size) => (globalThis as unknown as { benchProbe: Probe }).benchProbe.fetchOnly(size), pageSize),
};

function summarise(tasks: readonly { duration: number }[]): LongTasks {
  return { count: tasks.length, over100ms: tasks.filter((t) => t.duration > 100).length, longestMs: Math.round(Math.max(0, ...tasks.map((t) => t.duration))) };
}

async function newInboxPage(browser: Browser, host: Host, probeScript: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript({ content: `${probeScript}\nbenchProbe.watchInbox(${host.summary.pendingProposals});` });
  page.on('pageerror', (e) => log(`page error: ${e.message}`));
  await page.goto(`${host.http.url}#/inbox`);
  await page.waitForFunction(() => (globalThis as unknown as { benchProbe: Probe }).benchProbe.facts().hydrated !== null, null, { timeout: 300_000, polling: 250 });
  await page.waitForFunction(() => (globalThis as unknown as { benchProbe: Probe }).benchProbe.facts().inboxUsableAt !== null, null, { timeout: 60_000, polling: 250 });
  return { context, page };
}

/** Where the app and the probe are: the built renderer, and hydrate.probe.page.ts built as a classic script. */
export interface AppFiles {
  rendererDir: string;
  probeScript: string;
}

export async function measureFirstLoad(browser: Browser, app: AppFiles, changes: number, runs: number): Promise<FirstLoadResults> {
  log(`seeding a year of use at ${changes.toLocaleString('en')} changes`);
  const host = await startYearHost(app.rendererDir, { changes });
  try {
    log(`seeded in ${host.seedSeconds.toFixed(1)} s; first loads of a new replica`);
    const results: FirstLoadRun[] = [];
    let fetchOnlyMs = 0;
    for (let i = 0; i < runs; i++) {
      const { context, page } = await newInboxPage(browser, host, app.probeScript);
      const facts = await probe.facts(page);
      if (facts.start === null || facts.hydrated === null || facts.records === null || facts.inboxUsableAt === null) throw new Error('the app did not mark its hydration');
      const during = facts.longTasks.filter((t) => t.start + t.duration > facts.start! && t.start < facts.hydrated!);
      const before = facts.longTasks.filter((t) => t.start + t.duration <= facts.start!);
      results.push({
        inboxUsableMs: Math.round(facts.inboxUsableAt),
        hydrationStartMs: Math.round(facts.start),
        hydratedMs: Math.round(facts.hydrated),
        records: facts.records,
        perSec: Math.round((facts.records / (facts.hydrated - facts.start)) * 1000),
        longTasks: summarise(during),
        bootLongTasks: summarise(before),
      });
      log(`run ${i + 1}: inbox usable at ${Math.round(facts.inboxUsableAt)} ms, hydrated ${facts.records} records by ${Math.round(facts.hydrated)} ms`);
      // the app's own page size (it was 5,000 here while the app fetched 10,000)
      if (i === runs - 1) fetchOnlyMs = await probe.fetchOnly(page, SNAPSHOT_LIMIT);
      await context.close();
    }
    const records = results[0]!.records;
    const worst = results.reduce((a, b) => (b.longTasks.longestMs > a.longTasks.longestMs ? b : a));
    return {
      changes,
      summary: host.summary,
      seedSeconds: Math.round(host.seedSeconds * 10) / 10,
      records,
      runs: results,
      inboxUsableMs: median(results.map((r) => r.inboxUsableMs)),
      hydrationMs: median(results.map((r) => r.hydratedMs - r.hydrationStartMs)),
      perSec: median(results.map((r) => r.perSec)),
      longTasks: worst.longTasks,
      fetchOnlyMs: Math.round(fetchOnlyMs),
      fetchOnlyPerSec: Math.round((records / fetchOnlyMs) * 1000),
    };
  } finally {
    await host.close();
  }
}

async function measureDecisions(browser: Browser, app: AppFiles, decided: number, decisions: number): Promise<DecisionScenario> {
  const pending = decisions + 5;
  const host = await startYearHost(app.rendererDir, { changes: 20_000, iterations: 2_000, decidedProposals: decided, pendingProposals: pending });
  try {
    const { context, page } = await newInboxPage(browser, host, app.probeScript);
    // Warm-up: the first decisions load code paths and caches once.
    for (let i = 0; i < 2; i++) {
      await probe.approveFirstCard(page);
      await page.waitForTimeout(300);
    }
    const runs: ApprovalTiming[] = [];
    for (let i = 0; i < decisions; i++) {
      runs.push(await probe.approveFirstCard(page));
      // Let the decision's tail (the decided list, the status bar) finish before the next click.
      await page.waitForTimeout(300);
    }
    const { longTasks } = await probe.facts(page);
    const during = longTasks.filter((t) => runs.some((r) => t.start + t.duration > r.start && t.start < r.end + 300));
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    await context.close();
    const runsMs = runs.map((r) => Math.round(r.ms * 10) / 10);
    return { decided, pending, runsMs, medianMs: median(runsMs), longTasks: summarise(during), heapMb: Math.round((heap.usedSize / 2 ** 20) * 10) / 10 };
  } finally {
    await host.close();
  }
}

export async function measureDecisionsSideBySide(browser: Browser, app: AppFiles, decisions: number): Promise<DecisionResults> {
  log(`decisions with 10,000 decided proposals`);
  const history = await measureDecisions(browser, app, 10_000, decisions);
  log(`decisions with 100 decided proposals (reference)`);
  const reference = await measureDecisions(browser, app, 100, decisions);
  return { history, reference };
}
