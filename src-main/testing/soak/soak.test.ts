/**
 * The soak test. In `npm test`: a short form (SOAK_DAYS unset: 1 simulated day). `npm run soak`
 * runs the month (SOAK_DAYS=30) and writes its figures to SOAK_REPORT for scripts/soak.mjs
 * (SOAK_SEED picks another month, SOAK_START another start, SOAK_DATA_DIR keeps the database).
 * The bounds are stated here and in README ("Left running for a month").
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEBUG_KEEP } from '../../engine/store/debug-captures';
import { runSoak } from './soak';

const DAYS = Number(process.env.SOAK_DAYS ?? 1);
/**
 * Database bytes on disk per run, beyond the newest debug captures (a fixed number of them, kept
 * locally): the iteration, its proposals and their decisions, effects, the mission's schedule,
 * the projection and its indexes, the tick log.
 */
export const DB_BYTES_PER_RUN_BOUND = 12_288;
/** Heap growth allowed over the first sample (6 simulated hours in), after a full GC. */
export const HEAP_GROWTH_BOUND_MB = 32;

describe('soak', () => {
  it(`${DAYS} simulated day(s): no repeated work, truthful statuses, bounded bytes and memory`, { timeout: Math.max(60_000, DAYS * 60_000) }, async () => {
    const figures = await runSoak({
      days: DAYS,
      seed: Number(process.env.SOAK_SEED ?? 12),
      ...(process.env.SOAK_DATA_DIR ? { dataDir: process.env.SOAK_DATA_DIR } : {}),
      ...(process.env.SOAK_START ? { start: process.env.SOAK_START } : {}),
      onDay: process.env.SOAK_REPORT ? (day, f) => process.stderr.write(`soak: day ${day}: ${f.runs} runs, heap ${f.heapMb} MB, db ${Math.round(f.dbBytes / 1024)} KB\n`) : undefined,
    });
    if (process.env.SOAK_REPORT) writeFileSync(process.env.SOAK_REPORT, JSON.stringify(figures, null, 2));
    expect(figures.violations).toEqual({ pendingDuplicates: [], autoAppliedTwice: [], statusDisagreements: [], plannedWhileWaiting: [] });
    // the world did what it should: repeated plans, decisions of every kind, refusals of every kind that can happen
    expect(figures.model.repeated).toBeGreaterThan(0);
    expect(figures.reviewer).toMatchObject({ approved: expect.any(Number), edited: expect.any(Number), rejected: expect.any(Number) });
    expect(Math.min(figures.reviewer.approved, figures.reviewer.edited, figures.reviewer.rejected, figures.reviewer.ignored)).toBeGreaterThan(0);
    expect(figures.refused['already-done']).toBeGreaterThan(0);
    expect(figures.refused['already-proposed']).toBeGreaterThan(0);
    expect(figures.skippedWaiting).toBeGreaterThan(0);
    // bounded: bytes per run, heap after the first quarter day
    expect(figures.dbBytesPerRunBeyondDebug).toBeLessThanOrEqual(DB_BYTES_PER_RUN_BOUND);
    expect(figures.debugCaptures).toBeLessThanOrEqual(DEBUG_KEEP + 10);
    const [first, ...later] = figures.heapMb;
    if (later.length) expect(Math.max(...later) - first!).toBeLessThanOrEqual(HEAP_GROWTH_BOUND_MB);
  });
});
