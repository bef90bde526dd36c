/**
 * The status bar's sentences, from the runner status, the sync state and ONE `now` (the bar's
 * clock), so every relative time on the bar agrees: a past event is never "in …", a coming one
 * never "… ago", and an elapsed time is never negative. Pure, so tests pass their own clock.
 */
import type { RunnerStatus, RunningIteration, TickResult } from '../../../src-shared/api';
import type { SyncState } from '../../db/sync';
import { formatElapsed, formatSince, formatUntil } from '../../lib/format';

export type Tone = 'ok' | 'warn' | 'muted' | 'busy';

const PHASE_TEXT: Record<RunningIteration['phase'], string> = {
  queued: 'waiting for a free slot',
  'resolving-inputs': 'reading its inputs',
  'calling-llm': 'asking the model',
  validating: 'checking the plan',
  writing: 'saving the plan',
};

/** What a run is doing, in words. */
export function phaseText(phase: RunningIteration['phase']): string {
  return PHASE_TEXT[phase] ?? phase.replace(/-/g, ' ');
}

export function runnerText(s: RunnerStatus, now: number): string {
  if (s.running.length === 1) {
    const r = s.running[0]!;
    return `Planning “${r.missionTitle}” — ${phaseText(r.phase)}, ${formatElapsed(r.startedAt, now)}`;
  }
  if (s.running.length > 1) return `Planning ${s.running.length} missions`;
  return s.paused ? 'Paused' : 'Idle';
}

/** The next tick, or null when there is none to announce (paused, or not scheduled). */
export function nextTickText(s: RunnerStatus, now: number): string | null {
  if (s.paused || !s.nextTickAt) return null;
  // The tick is late while missions still run, or the status predates it: it is happening, not past.
  return `Next tick ${formatUntil(s.nextTickAt, now, s.running.length > 0 ? 'running' : 'due now')}`;
}

export function tickText(t: TickResult | null, now: number): string {
  if (!t) return 'No tick yet';
  const when = formatSince(t.scannedAt, now);
  if (t.overlapSkipped) return `Last tick ${when}: skipped (previous still running)`;
  if (t.due === 0) return `Last tick ${when}: nothing due`;
  const elsewhere = Object.entries(t.skipped).reduce((n, [reason, count]) => n + (OTHER_DEVICE_SKIPS.has(reason) ? count : 0), 0);
  // Due missions another device plans (sync): say so instead of "0 planned".
  if (elsewhere > 0 && t.planned === 0 && t.failed === 0) return `Last tick ${when}: ${elsewhere === t.due ? 'left to another device' : `${elsewhere} left to another device`}`;
  const bits = [`${t.planned} planned`, `${t.proposals} proposal${t.proposals === 1 ? '' : 's'}`];
  if (t.failed) bits.push(`${t.failed} failed`);
  if (elsewhere) bits.push(`${elsewhere} left to another device`);
  return `Last tick ${when}: ${bits.join(', ')}`;
}

/** Tick skips that mean another device plans the due time (engine/runner/due-times.ts). */
const OTHER_DEVICE_SKIPS = new Set(['planned-elsewhere', 'standing-by', 'already-planned', 'runner-role-never']);

/** The LLM's state; `error` is the full message, which the bar shows cut to one line. */
export function llmText(s: RunnerStatus): { text: string; tone: Tone; error?: string } {
  if (!s.llm.configured) return { text: 'LLM not configured', tone: 'warn' };
  if (s.llm.lastError) return { text: 'LLM error', tone: 'warn', error: s.llm.lastError };
  if (s.llm.lastOkAt) return { text: 'LLM OK', tone: 'ok' };
  return { text: 'LLM not used yet', tone: 'muted' };
}

export function syncText(s: SyncState): { text: string; error?: string } {
  const pending = s.pending > 0 ? `, ${s.pending} change${s.pending === 1 ? '' : 's'} waiting` : '';
  if (s.phase === 'error') return { text: `Sync error${pending}`, error: s.error ?? 'unknown' };
  if (s.phase === 'syncing') return { text: `Syncing…${pending}` };
  return { text: s.lastSyncedAt ? `Synced${pending}` : `Not synced yet${pending}` };
}

/** Said instead of everything else while the host does not answer: its last known state would be a lie. */
export const UNREACHABLE_TEXT = 'Can’t reach Mission Companion — retrying';

export function unreachableText(lastContactAt: number | null, now: number): string {
  return lastContactAt === null ? UNREACHABLE_TEXT : `${UNREACHABLE_TEXT} (last answer ${formatSince(new Date(lastContactAt).toISOString(), now)})`;
}
