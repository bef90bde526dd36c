/**
 * A new replica hydrated the way the app does it (src-renderer/db/hydration.ts: names first, the
 * proposals table whole as soon as the pages pass it, the records pending cards name, then the rest;
 * in the page with small pages and chunks, and through the app's worker relaying its calls as in
 * Electron) from a real engine holding random histories of proposals, tasks and missions; then
 * more changes pulled and local writes. The replica equals the engine's projection, the derived
 * proposals table equals the derivation of the overlay's proposals, and the inbox's queries
 * (pending proposals, the latest decisions of each list) equal a scan of the engine's proposals,
 * whatever the hydration left in chunks.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import fc from 'fast-check';
import { build } from 'vite';
import { Proposal } from '../src-shared/domain/ai';
import type { ChangeIn } from '../src-shared/domain/change';
import { createEngine, type Engine } from '../src-main/engine';
import { MemorySecretStore } from '../src-main/engine/settings';
import { expect, test } from './fixtures/app';
import type { ReplicaState } from './replica/hydration.page';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** The page and its worker, by file name. */
const files = new Map<string, string>();

test.beforeAll(async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'hydration-page-'));
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    // the inbox's queries come with React hooks beside them, which read NODE_ENV
    define: { 'process.env.NODE_ENV': '"production"' },
    build: { outDir, emptyOutDir: true, minify: false, target: 'es2023', lib: { entry: join(ROOT, 'e2e/replica/hydration.page.ts'), formats: ['es'], fileName: () => 'page.js' } },
  });
  files.set('page.js', readFileSync(join(outDir, 'page.js'), 'utf8'));
  for (const name of readdirSync(join(outDir, 'assets'))) files.set(`assets/${name}`, readFileSync(join(outDir, 'assets', name), 'utf8'));
  rmSync(outDir, { recursive: true, force: true });
});

async function openPage(page: Page, engine: () => Engine): Promise<void> {
  await page.route('http://replica.test/**', (route) => {
    const path = new URL(route.request().url()).pathname.slice(1);
    const script = files.get(path);
    return route.fulfill(script !== undefined ? { contentType: 'text/javascript', body: script } : { contentType: 'text/html', body: '<!doctype html><script type="module" src="/page.js"></script>' });
  });
  await page.exposeFunction('engineCall', (method: string, input: unknown) => engine().call(method as 'sync.snapshot', input));
  await page.goto('http://replica.test/');
  await page.waitForFunction(() => 'hydration' in window);
}

const MISSIONS = ['m1', 'm2', 'm3'];
const TASKS = ['t0', 't1', 't2', 't3'];
// Enough proposals that each list has more decisions than a hydration keeps indexed (decisionsKept).
const PROPOSALS = Array.from({ length: 30 }, (_, i) => `p${i}`);
const day = (n: number) => `2026-01-${String(n).padStart(2, '0')}T10:00:00.000Z`;

const proposalFields = fc.record({
  status: fc.constantFrom('pending', 'approved', 'rejected', 'expired', 'failed', 'reverted'),
  decided: fc.integer({ min: 1, max: 9 }),
  reverted: fc.option(fc.integer({ min: 1, max: 9 })),
  module: fc.constantFrom('todo', 'notes'),
  missionId: fc.constantFrom(...MISSIONS),
  target: fc.option(fc.constantFrom(...TASKS, 'gone')),
});
const step = fc.oneof(
  fc.record({ kind: fc.constant('proposal' as const), id: fc.constantFrom(...PROPOSALS), op: fc.constantFrom('insert', 'update', 'update', 'delete'), fields: proposalFields }),
  fc.record({ kind: fc.constant('task' as const), id: fc.constantFrom(...TASKS), title: fc.string({ maxLength: 4 }) }),
  fc.record({ kind: fc.constant('mission' as const), id: fc.constantFrom(...MISSIONS), title: fc.constantFrom('Plan', 'Review') }),
);
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

/** A change of the history as a client pushes it; stamps rise with `i` so that later steps mostly win. */
function toChange(s: Step, i: number): ChangeIn {
  const at = `${new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()}-0000-00000000000000c1`;
  const stamped = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).map(([k, value]) => [k, { value, at }]));
  const base = { eventId: `e${i}`, id: s.id };
  if (s.kind === 'task') return { ...base, app: 'todo', table: 'tasks', op: 'insert', fields: stamped({ title: s.title || 'task', done: false }) };
  if (s.kind === 'mission') return { ...base, app: 'ai', table: 'aiMissions', op: 'insert', fields: stamped({ title: s.title, objective: '', state: 'active' }) };
  if (s.op === 'delete') return { ...base, app: 'ai', table: 'aiProposals', op: 'delete', deletedAt: at };
  const f = s.fields;
  const decision = f.status === 'pending' ? { decidedAt: null } : { decidedAt: day(f.decided), revertedAt: f.reverted === null ? null : day(f.reverted) };
  const update = { status: f.status, ...decision };
  const insert = {
    missionId: f.missionId,
    iterationId: `it-${f.missionId}`,
    agentId: 'agent:default',
    module: f.module,
    toolName: f.target ? 'update_task' : 'create_task',
    params: f.target ? { taskId: f.target, title: 'renamed' } : { title: 'new' },
    rationale: 'why',
    createdAt: day(1),
    ...update,
  };
  return { ...base, app: 'ai', table: 'aiProposals', op: s.op === 'insert' ? 'insert' : 'update', fields: stamped(s.op === 'insert' ? insert : update) };
}

const LISTS = [
  { query: { limit: 3 }, since: '' },
  { query: { limit: 2, module: 'todo' }, since: day(4) },
  { query: { limit: 1, module: 'notes' }, since: '' },
  ...MISSIONS.map((missionId) => ({ query: { limit: 2, missionId }, since: '' })),
  { query: { limit: 2, missionId: 'm1', module: 'notes' }, since: day(2) },
];

/** What the inbox should show, from a scan of the engine's proposals (its own reading, not the renderer's). */
function expectedInbox(engine: Engine): { pending: string[]; decisions: string[][] } {
  const proposals = engine.store.list('ai', 'aiProposals').flatMap((r) => {
    const parsed = Proposal.safeParse({ ...r.data, id: r.id });
    return parsed.success ? [parsed.data] : [];
  });
  const pending = proposals
    .filter((p) => p.status === 'pending')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id, undefined, { numeric: true }))
    .map((p) => p.id);
  const decided = proposals
    .filter((p) => ['approved', 'rejected', 'failed', 'reverted'].includes(p.status))
    .map((p) => ({ ...p, on: p.revertedAt ?? p.decidedAt ?? p.createdAt }))
    .sort((a, b) => (a.on !== b.on ? (a.on < b.on ? 1 : -1) : a.id < b.id ? 1 : -1));
  const decisions = LISTS.map(({ query, since }) =>
    decided
      .filter((p) => p.on >= since && (!('module' in query) || p.module === query.module) && (!('missionId' in query) || p.missionId === query.missionId))
      .slice(0, query.limit)
      .map((p) => p.id),
  );
  return { pending, decisions };
}

function projection(engine: Engine): ReplicaState['records'] {
  const tables = [
    ['ai', 'aiMissions'],
    ['ai', 'aiProposals'],
    ['todo', 'tasks'],
  ] as const;
  return tables
    .flatMap(([app, table]) => engine.store.list(app, table, { includeDeleted: true }).map((r) => ({ key: `${app}/${table}/${r.id}`, data: r.data, meta: r.meta, deleted: r.deleted ? 1 : 0 })))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}

const scenario = fc.record({
  before: fc.array(step, { minLength: 1, maxLength: 80 }),
  after: fc.array(step, { maxLength: 12 }),
  local: fc.array(fc.constantFrom(...TASKS), { maxLength: 3 }),
  pageSize: fc.integer({ min: 1, max: 8 }),
  chunkSize: fc.integer({ min: 1, max: 4 }),
  decisionsKept: fc.integer({ min: 1, max: 3 }),
});

test('a replica hydrated inbox first, then pulling and writing, equals the engine, and its inbox queries equal a scan', async ({ page }) => {
  let engine: Engine | null = null;
  await openPage(page, () => engine!);
  const dir = mkdtempSync(join(tmpdir(), 'replica-hydration-'));
  try {
    const runs = fc.sample(scenario, { numRuns: 25, seed: 20261130 });
    let chunked = 0;
    let scans = 0;
    for (const [r, run] of runs.entries()) {
      engine = createEngine({ dataDir: join(dir, `r${r}`), secrets: new MemorySecretStore(), autoStart: false });
      run.before.forEach((s, i) => engine!.store.push('device', [toChange(s, i)]));
      await page.evaluate(() => window.hydration.reset());
      const hydrated = await page.evaluate((o) => window.hydration.hydrate({ worker: false, ...o }), { pageSize: run.pageSize, chunkSize: run.chunkSize, decisionsKept: run.decisionsKept });
      // The inbox was ready before the last page was written.
      expect(hydrated.inboxReadyAt, `run ${r}`).toBeGreaterThanOrEqual(0);
      const cursor = (await page.evaluate((l) => window.hydration.state(l), LISTS)).cursor;
      run.after.forEach((s, i) => engine!.store.push('device', [toChange(s, run.before.length + i)]));
      const { changes } = engine.store.pull(cursor, 10_000);
      await page.evaluate((p) => window.hydration.pull(p), [changes]);
      const queued = await page.evaluate((ids) => window.hydration.write(ids.map((id) => ({ app: 'todo', table: 'tasks', id, fields: { title: 'mine' } }))), run.local);
      if (queued.length) engine.store.push('renderer', queued);
      await page.evaluate((p) => window.hydration.pull(p), [engine.store.pull(cursor, 10_000).changes]);

      const state = await page.evaluate((l) => window.hydration.state(l), LISTS);
      chunked += state.chunks;
      scans += state.scans;
      expect(state.records.sort((a, b) => (a.key < b.key ? -1 : 1)), `run ${r}: records`).toEqual(projection(engine));
      expect(state.derived, `run ${r}: derived table`).toEqual(state.derivedFromOverlay);
      const expected = expectedInbox(engine);
      expect(state.pending, `run ${r}: pending`).toEqual(expected.pending);
      expect(state.decisions, `run ${r}: decisions`).toEqual(expected.decisions);
      await engine.close();
      engine = null;
    }
    // The runs did leave proposals and tasks in chunks (not only in the overlay), and the index
    // could not answer every list alone (the renderer then scans).
    expect(chunked).toBeGreaterThan(runs.length);
    expect(scans).toBeGreaterThan(0);
  } finally {
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a hydration whose chunks another tab cleared half-way stops without setting the cursor; the next one completes the replica', async ({ page }) => {
  let engine: Engine | null = null;
  await openPage(page, () => engine!);
  const dir = mkdtempSync(join(tmpdir(), 'replica-overtaken-'));
  try {
    const [run] = fc.sample(scenario, { numRuns: 1, seed: 20261201 });
    engine = createEngine({ dataDir: join(dir, 'r'), secrets: new MemorySecretStore(), autoStart: false });
    // enough records for several pages, some of them written before the other tab starts
    [...run!.before, ...TASKS.map((id) => ({ kind: 'task' as const, id, title: id }))].forEach((s, i) => engine!.store.push('device', [toChange(s, i)]));
    await page.evaluate(() => window.hydration.reset());
    expect(await page.evaluate(() => window.hydration.hydrateOvertaken({ pageSize: 2, chunkSize: 1, clearBefore: 4 }))).toBe('overtaken');
    expect((await page.evaluate((l) => window.hydration.state(l), LISTS)).cursor).toBe(0);
    await page.evaluate(() => window.hydration.hydrate({ worker: false, pageSize: 2, chunkSize: 1 }));
    const state = await page.evaluate((l) => window.hydration.state(l), LISTS);
    expect(state.cursor).toBeGreaterThan(0);
    expect(state.records.sort((a, b) => (a.key < b.key ? -1 : 1))).toEqual(projection(engine));
  } finally {
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the app hydrates through its worker, the worker relaying its calls through the page as under Electron', async ({ page }) => {
  let engine: Engine | null = null;
  await openPage(page, () => engine!);
  const dir = mkdtempSync(join(tmpdir(), 'replica-worker-'));
  try {
    engine = createEngine({ dataDir: dir, secrets: new MemorySecretStore(), autoStart: false });
    const history = fc.sample(fc.array(step, { minLength: 60, maxLength: 60 }), { numRuns: 1, seed: 7 })[0]!;
    history.forEach((s, i) => engine!.store.push('device', [toChange(s, i)]));
    await page.evaluate(() => window.hydration.reset());
    const hydrated = await page.evaluate(() => window.hydration.hydrate({ worker: true }));
    expect(hydrated.inboxReadyAt).toBe(1);
    const state = await page.evaluate((l) => window.hydration.state(l), LISTS);
    expect(state.cursor).toBeGreaterThan(0);
    expect(state.records.sort((a, b) => (a.key < b.key ? -1 : 1))).toEqual(projection(engine));
    expect(state.derived).toEqual(state.derivedFromOverlay);
    const expected = expectedInbox(engine);
    expect(state.pending).toEqual(expected.pending);
    expect(state.decisions).toEqual(expected.decisions);
  } finally {
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a replica from before the index (schema 3, every proposal in chunks) gets it when the app opens it', async ({ page }) => {
  await openPage(page, () => {
    throw new Error('no engine calls here');
  });
  const dir = mkdtempSync(join(tmpdir(), 'replica-upgrade-'));
  try {
    const runs = fc.sample(fc.record({ history: fc.array(step, { minLength: 20, maxLength: 120 }), chunkSize: fc.integer({ min: 1, max: 5 }) }), { numRuns: 8, seed: 3 });
    let moved = 0;
    for (const [r, run] of runs.entries()) {
      const engine = createEngine({ dataDir: join(dir, `r${r}`), secrets: new MemorySecretStore(), autoStart: false });
      try {
        run.history.forEach((s, i) => engine.store.push('device', [toChange(s, i)]));
        const snapshot = engine.store.snapshot(null, 10_000).records;
        await page.evaluate(([records, size]) => window.hydration.upgradeFrom3(records, size), [snapshot, run.chunkSize] as const);
        const state = await page.evaluate((l) => window.hydration.state(l), LISTS);
        moved += state.derived.length;
        expect(state.records.sort((a, b) => (a.key < b.key ? -1 : 1)), `run ${r}: records`).toEqual(projection(engine));
        expect(state.derived, `run ${r}: derived table`).toEqual(state.derivedFromOverlay);
        const expected = expectedInbox(engine);
        expect(state.pending, `run ${r}: pending`).toEqual(expected.pending);
        expect(state.decisions, `run ${r}: decisions`).toEqual(expected.decisions);
      } finally {
        await engine.close();
      }
    }
    expect(moved).toBeGreaterThan(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
