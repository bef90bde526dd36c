#!/usr/bin/env node
// `npm run soak [-- --days N] [--seed N] [--start ISO|days-ago] [--keep DIR] [--readme]`: the soak test of issue 12 for a
// simulated month (default 30 days) on the test clock: the real engine and SQLite file, THE
// scripted LLM server over HTTP, a seeded reviewer (src-main/testing/soak/). Runs the same test as
// the short form in `npm test` (vitest, src-main/testing/soak/soak.test.ts), longer, then prints
// its figures. --keep DIR keeps the database (e.g. to open it with `npm run serve -- --data-dir DIR`
// and look at every page; `--start days-ago` makes the stretch end about now, so that the Activity
// charts of the last two weeks show it); --readme writes the figures, with the date, commit and
// machine, into README.md between the `soak:start` and `soak:end` markers.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commitFacts, loadSample, machineFacts } from './bench-history.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const value = argv[i + 1];
  if (value === undefined || value.startsWith('--')) {
    console.error(`soak: ${name} needs a value`);
    process.exit(2);
  }
  return value;
};
const days = Number(option('--days', '30'));
const seed = Number(option('--seed', '12'));
const keep = option('--keep', null);
const startOption = option('--start', null);
const start = startOption === 'days-ago' ? new Date(Date.now() - days * 86_400_000).toISOString() : startOption;
if (start !== null && Number.isNaN(Date.parse(start))) {
  console.error('soak: --start takes an ISO date-time or days-ago');
  process.exit(2);
}
if (!Number.isInteger(days) || days < 1 || !Number.isInteger(seed)) {
  console.error('soak: --days takes a whole number of days (at least 1), --seed a whole number');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'companion-soak-report-'));
const report = join(work, 'figures.json');
const before = loadSample('before');
console.log(`soak: ${days} simulated day(s), seed ${seed}${keep ? `, database kept in ${resolve(keep)}` : ''}…`);
const code = await new Promise((done) => {
  const child = spawn(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'src-main/testing/soak/soak.test.ts'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, SOAK_DAYS: String(days), SOAK_SEED: String(seed), SOAK_REPORT: report, ...(keep ? { SOAK_DATA_DIR: resolve(keep) } : {}), ...(start ? { SOAK_START: start } : {}) },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (c, signal) => done(signal ? 1 : (c ?? 1)));
});
let figures = null;
try {
  figures = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  // the test failed before writing its figures
}
rmSync(work, { recursive: true, force: true });
if (!figures) {
  console.error('soak: the run ended without figures (see the test output above).');
  process.exit(1);
}
const facts = { date: new Date().toISOString(), commit: commitFacts(root), machine: machineFacts([]), load: [before, loadSample('after')] };
const text = markdown(figures, facts);
console.log(`\n${text}`);
if (argv.includes('--readme') && start) {
  console.error('soak: --readme shows the default month; run it without --start.');
  process.exit(1);
}
if (argv.includes('--readme')) {
  const path = join(root, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const start = '<!-- soak:start -->';
  const end = '<!-- soak:end -->';
  if (!readme.includes(start) || !readme.includes(end)) {
    console.error(`soak: README.md has no ${start} … ${end} block to write into.`);
    process.exit(1);
  }
  writeFileSync(path, `${readme.slice(0, readme.indexOf(start) + start.length)}\n${text}\n${readme.slice(readme.indexOf(end))}`);
  console.log('soak: README.md updated.');
}
process.exit(code);

function markdown(f, facts) {
  const n = (x) => Number(x ?? 0).toLocaleString('en-US');
  const list = (o) => Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${n(v)}`).join(', ');
  const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
  const mb = (b) => `${(b / 1_048_576).toFixed(1)} MB`;
  const heap = f.heapMb;
  const load = facts.load.map((l) => l.loadAverage[0]).join(' → ');
  const v = f.violations;
  const broken = Object.values(v).reduce((s, x) => s + x.length, 0);
  return [
    `Run of ${facts.date.slice(0, 10)} on commit ${facts.commit?.sha.slice(0, 7) ?? '?'}${facts.commit?.uncommitted.length ? ' (with uncommitted changes)' : ''}, ` +
      `${facts.machine.cpus} × ${facts.machine.model ?? 'unknown CPU'}, ${facts.machine.memoryGb} GB, ${facts.machine.platform}, Node ${facts.machine.node}, load ${load} (shared machine): ` +
      `**${f.days} simulated days in ${Math.round(f.realSeconds)} s**, seed ${f.seed}.`,
    '',
    '| | |',
    '|---|---|',
    `| runs | ${n(f.runs.total)} (${list(f.runs.byStatus)}) |`,
    `| runs per mission | ${list(f.runs.byMission)} |`,
    `| ticks | ${n(f.ticks)}; missions found due but waiting for review: ${n(f.skippedWaiting)} (nothing written for them) |`,
    `| the model | ${n(f.llmRequests)} requests; ${n(f.model.plans)} plans, of which ${n(f.model.repeated)} repeated the previous one, ${n(f.model.defective)} had a defect, ${n(f.model.nothing)} said nothing to do |`,
    `| the reviewer | ${n(f.reviewer.visits)} visits: ${n(f.reviewer.approved)} approved, ${n(f.reviewer.edited)} edited, ${n(f.reviewer.rejected)} rejected, ${n(f.reviewer.ignored)} left waiting, ${n(f.reviewer.reverted)} undone, ${n(f.reviewer.runNow)} Run now, ${n(f.reviewer.resumed)} resumed |`,
    `| proposals | ${n(f.proposals.total)} (${list(f.proposals.byStatus)}); at most ${n(f.proposals.maxPendingPerMission)} waiting for one mission at the end |`,
    `| Auto changes applied | ${n(f.autoApplied)} |`,
    `| steps refused (kept on their run) | ${list(f.refused)} |`,
    `| database | ${mb(f.dbBytes)} on disk: ${kb(f.dbBytesPerRun)} per run, ${kb(f.dbBytesPerRunBeyondDebug)} per run beyond the newest ${n(f.debugCaptures)} debug captures (${mb(f.debugCaptureBytes)}, a fixed number) |`,
    `| change log per table | ${Object.entries(f.logBytesByTable).sort((a, b) => b[1] - a[1]).map(([t, b]) => `${t} ${mb(b)}`).join(', ')}; tick log ${mb(f.tickLogBytes)} |`,
    `| heap after a full GC | ${heap[0]} MB after 6 h, at most ${Math.max(...heap)} MB, ${heap.at(-1)} MB at the end (process RSS ${f.rssMb} MB, with vitest) |`,
    `| violations | ${broken === 0 ? 'none' : `${broken}: ${JSON.stringify(v)}`} |`,
  ].join('\n');
}
