import { describe, expect, it } from 'vitest';
import type { RunnerStatus, TickResult } from '../../../src-shared/api';
import { llmText, nextTickText, runnerText, syncText, tickText, UNREACHABLE_TEXT, unreachableText } from './statusText';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const at = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();

function status(patch: Partial<RunnerStatus> = {}): RunnerStatus {
  return {
    paused: false,
    running: [],
    lastTick: null,
    nextTickAt: at(60_000 * 5),
    nextDueAt: null,
    pendingProposals: 0,
    quarantined: 0,
    llm: { configured: true, lastError: null, lastOkAt: at(-60_000) },
    ...patch,
  };
}

function tick(patch: Partial<TickResult> = {}): TickResult {
  return { scannedAt: at(-120_000), due: 1, planned: 1, failed: 0, proposals: 2, autoExecuted: 0, parseFailures: 0, llmErrors: 0, skipped: {}, durationMs: 900, tokens: 10, ...patch };
}

describe('the status bar text, on one injected clock', () => {
  it('the next tick is "in …" while it is ahead, and due now or running once it is not — never "ago"', () => {
    expect(nextTickText(status(), NOW)).toBe('Next tick in 5 min');
    expect(nextTickText(status({ nextTickAt: at(-60_000) }), NOW)).toBe('Next tick due now');
    const running = status({ nextTickAt: at(-60_000), running: [{ missionId: 'm', missionTitle: 'Plan', iterationId: 'i', phase: 'calling-llm', phaseStartedAt: at(-5_000), startedAt: at(-6_000) }] });
    expect(nextTickText(running, NOW)).toBe('Next tick running');
    expect(nextTickText(status({ paused: true }), NOW)).toBeNull();
  });

  it('the last tick is "… ago" or "just now", never "in …", even when the host clock is ahead', () => {
    expect(tickText(tick(), NOW)).toBe('Last tick 2 min ago: 1 planned, 2 proposals');
    expect(tickText(tick({ scannedAt: at(+20_000) }), NOW)).toBe('Last tick just now: 1 planned, 2 proposals');
    expect(tickText(tick({ due: 0 }), NOW)).toBe('Last tick 2 min ago: nothing due');
    expect(tickText(null, NOW)).toBe('No tick yet');
    expect(tickText(tick({ planned: 0, proposals: 0, skipped: { 'planned-elsewhere': 1 } }), NOW)).toBe('Last tick 2 min ago: left to another device');
  });

  it('a running mission shows its phase in words and a non-negative elapsed time', () => {
    const run = { missionId: 'm', missionTitle: 'Weekly plan', iterationId: 'i', phase: 'calling-llm' as const, phaseStartedAt: at(0), startedAt: at(+4_000) };
    expect(runnerText(status({ running: [run] }), NOW)).toBe('Planning “Weekly plan” — asking the model, 0 ms');
    expect(runnerText(status({ running: [{ ...run, startedAt: at(-12_000) }] }), NOW)).toBe('Planning “Weekly plan” — asking the model, 12 s');
    expect(runnerText(status({ paused: true }), NOW)).toBe('Paused');
  });

  it('keeps a long LLM or sync error apart from its label, for the bar to cut to one line', () => {
    const long = 'connect ECONNREFUSED 127.0.0.1:11434 '.repeat(10);
    expect(llmText(status({ llm: { configured: true, lastError: long, lastOkAt: null } }))).toEqual({ text: 'LLM error', tone: 'warn', error: long });
    expect(syncText({ phase: 'error', error: long, pending: 2, lastSyncedAt: null })).toEqual({ text: 'Sync error, 2 changes waiting', error: long });
    expect(syncText({ phase: 'idle', error: null, pending: 0, lastSyncedAt: at(0) })).toEqual({ text: 'Synced' });
  });

  it('says the host is unreachable, with when it last answered', () => {
    expect(unreachableText(null, NOW)).toBe(UNREACHABLE_TEXT);
    expect(unreachableText(NOW - 3 * 60_000, NOW)).toBe(`${UNREACHABLE_TEXT} (last answer 3 min ago)`);
  });
});
