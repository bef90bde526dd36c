// The bench history: every run of `npm run bench` (full or --quick) is one JSON file in
// bench/history/, never rewritten, so a run that missed a target stays in the record next to the
// runs after it. A run holds when it ran, on which commit, on what machine under what load, each
// bench's raw figures (every repetition) and the table rows with their targets (scripts/bench-rows.mjs).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

/** Version of a run file's shape; runs recovered from before the history have `format: 0`. */
export const RUN_FORMAT = 1;

export function historyDir(root) {
  return join(root, 'bench', 'history');
}

/** Every recorded run, oldest first (file names start with the run's date). */
export function readHistory(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      try {
        return { ...JSON.parse(readFileSync(join(dir, name), 'utf8')), file: name };
      } catch (error) {
        throw new Error(`bench/history/${name} is not valid JSON (${error.message}): restore it from git.`);
      }
    });
}

/** `2026-11-30T06-12-01Z-full.json`: sorts by date, and two runs never share a name. */
export function runFileName(run) {
  return `${run.date.slice(0, 19).replaceAll(':', '-')}Z-${run.mode}.json`;
}

/** Writes a new run file; an existing file is never replaced. Returns the file name. */
export function recordRun(dir, run) {
  mkdirSync(dir, { recursive: true });
  const name = runFileName(run);
  const { file: _file, ...content } = run;
  writeFileSync(join(dir, name), `${JSON.stringify(content, null, 2)}\n`, { flag: 'wx' });
  return name;
}

/** The machine as this run saw it: the load matters, the machine is shared. */
export function machineFacts(engineFlags) {
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? null,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform}-${process.arch}`,
    node: process.version,
    engineFlags,
  };
}

/** Load averages (1, 5, 15 minutes) and free memory now, labelled with the point of the run. */
export function loadSample(when) {
  return { when, at: new Date().toISOString(), loadAverage: loadavg().map((l) => Math.round(l * 100) / 100), freeMemoryGb: Math.round((freemem() / 2 ** 30) * 10) / 10 };
}

/** The commit the run measured, and the tracked files that differed from it (null outside a git checkout). */
export function commitFacts(root) {
  const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    // Porcelain lines are `XY path`: the status columns may be blank, so the output is not trimmed.
    const changed = git('status', '--porcelain', '--untracked-files=no').split('\n').filter(Boolean);
    return {
      sha: git('rev-parse', 'HEAD').trim(),
      subject: git('log', '-1', '--format=%s').trim(),
      uncommitted: changed.map((line) => line.slice(3)),
    };
  } catch {
    return null;
  }
}
