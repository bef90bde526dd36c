import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { historyDir, readHistory, recordRun, type Run } from './bench-history.mjs';
import { benchRows } from './bench-rows.mjs';
import { BEGIN, END, readmeTables, renderTables, withTables } from './bench-table.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const history = readHistory(historyDir(ROOT));

function run(date: string, overrides: Partial<Run> = {}): Run {
  return {
    format: 1,
    date,
    mode: 'full',
    commit: { sha: 'a'.repeat(40), subject: 'x', uncommitted: [] },
    machine: { cpus: 2, model: 'cpu', memoryGb: 8, platform: 'linux-x64', node: 'v24.0.0', engineFlags: [] },
    load: [{ when: 'start', at: date, loadAverage: [3.25, 2, 1], freeMemoryGb: 4 }],
    table: [
      { id: 'append', short: 'append, ratio to raw', bench: 'append', result: '1/s', reference: 'raw', ratio: '0.40', target: '>= 0.35 of raw', met: 'yes', figure: '0.40' },
      { id: 'hydrate', short: 'hydrate, records/s', bench: 'hydrate', result: '48,671 records/s', reference: 'chunks', ratio: '0.10', target: '>= 50,000 records/s', met: 'NO', figure: '48,671' },
      { id: 'pull', short: 'pull', bench: 'pull', result: '2/s', reference: '', ratio: '', target: '', met: '', figure: '2/s' },
    ],
    ...overrides,
  };
}

describe('README Performance tables', () => {
  it('are what scripts/bench-table.mjs generates from bench/history/ (run it after a bench; never edit them by hand)', () => {
    const { readme, expected } = readmeTables(ROOT);
    expect(readme).toBe(expected);
  });

  it('regenerating undoes a hand edit inside the section', () => {
    const { readme } = readmeTables(ROOT);
    const begin = readme.indexOf(BEGIN);
    const edited = readme.slice(0, begin) + readme.slice(begin).replace('| yes |', '| YES |');
    expect(edited).not.toBe(readme);
    expect(withTables(edited, renderTables(history))).toBe(readme);
  });

  it('the history holds full runs, each with its targets and verdicts', () => {
    const full = history.filter((r) => r.mode === 'full');
    expect(full.length).toBeGreaterThan(0);
    for (const r of history) {
      const targeted = r.table.filter((row) => row.target !== '');
      expect(targeted.length, r.file).toBeGreaterThan(0);
      for (const row of targeted) expect(['yes', 'NO', 'not measured'], `${r.file}: ${row.id}`).toContain(row.met);
    }
  });
});

describe('renderTables', () => {
  it('keeps every full run in view, a missed target marked NO, and ignores quick runs', () => {
    const missed = run('2026-11-21T23:07:49.051Z', { note: 'the one that missed' });
    const rerun = run('2026-11-21T23:10:25.418Z', {
      table: run('x').table.map((row) => (row.id === 'hydrate' ? { ...row, met: 'yes', figure: '51,026' } : row)),
    });
    const quick = run('2026-11-22T00:00:00.000Z', { mode: 'quick' });
    const text = renderTables([missed, rerun, quick]);
    expect(text.startsWith(BEGIN)).toBe(true);
    expect(text.endsWith(END)).toBe(true);
    expect(text).toContain('Last full run: 2026-11-21 23:10 UTC; commit aaaaaaa;');
    expect(text).toContain('| 2026-11-21 23:07 | aaaaaaa | 3.3 | 0.40 | 48,671 (NO) | 1 of 2 | the one that missed |');
    expect(text).toContain('| 2026-11-21 23:10 | aaaaaaa | 3.3 | 0.40 | 51,026 | all 2 |  |');
    expect(text).not.toContain('2026-11-22');
  });

  it('shows a bench that did not run as not measured, its targets not met', () => {
    const table = benchRows({ engine: null, hydrate: null, runner: null, history: null }, { engine: 'engine bench exited with 1' });
    const text = renderTables([run('2026-11-30T00:00:00.000Z', { table })]);
    expect(text).toContain('not measured: engine bench exited with 1');
    expect(text).toContain('not measured: the hydrate bench did not run');
    expect(text).toContain('not measured: the history bench did not run');
    // every targeted row: the hydrate bench's year-of-use and decision rows, the history bench's rows among them
    expect(text).toContain('0 of 14');
  });

  it('says which commit had uncommitted changes', () => {
    const text = renderTables([run('2026-11-30T00:00:00.000Z', { commit: { sha: 'b'.repeat(40), subject: 'x', uncommitted: ['src-main/a.ts', 'bench/b.ts'] } })]);
    expect(text).toContain('commit bbbbbbb + 2 uncommitted files');
  });
});

describe('withTables', () => {
  it('replaces only what is between the markers', () => {
    const readme = `# A\n\n## Performance\n\nprose\n\n${BEGIN}\nold\n${END}\n\nmore prose\n`;
    expect(withTables(readme, `${BEGIN}\nnew\n${END}`)).toBe(`# A\n\n## Performance\n\nprose\n\n${BEGIN}\nnew\n${END}\n\nmore prose\n`);
  });

  it('refuses a README without its markers, saying which', () => {
    expect(() => withTables('# A\n', 'x')).toThrow(/exactly one pair of bench table markers/);
    expect(() => withTables(`${BEGIN}\n${END}\n${BEGIN}\n${END}\n`, 'x')).toThrow(/exactly one pair/);
  });
});

describe('recordRun', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('adds a file per run and never replaces one', () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-history-'));
    const first = run('2026-11-30T06:12:01.123Z');
    const name = recordRun(dir, first);
    expect(name).toBe('2026-11-30T06-12-01Z-full.json');
    expect(JSON.parse(readFileSync(join(dir, name), 'utf8')).table).toEqual(first.table);
    expect(() => recordRun(dir!, run('2026-11-30T06:12:01.999Z', { note: 'a second run in the same second' }))).toThrow(/EEXIST/);
    expect(readHistory(dir).map((r) => r.note)).toEqual([undefined]);
    recordRun(dir, run('2026-11-30T06:12:02.000Z'));
    expect(readHistory(dir)).toHaveLength(2);
    expect(existsSync(join(dir, '2026-11-30T06-12-02Z-full.json'))).toBe(true);
  });
});
