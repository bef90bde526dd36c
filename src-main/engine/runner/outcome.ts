/** What one run and one tick report: a run's outcome, and a tick's counts over its runs. */
import type { TickResult } from '../../../src-shared/api';
import type { Iteration } from '../../../src-shared/domain/ai';

export interface RunOutcome {
  iterationId: string | null;
  status: Iteration['status'];
  error: string | null;
  proposals: number;
  autoExecuted: number;
  tokens: number;
  /** why the mission was not planned (the tick counts these by reason) */
  skipped?: string;
  parseFailure?: boolean;
  llmError?: boolean;
}

/** A run that planned nothing; `skipped` says why. */
export const NOT_RUN: RunOutcome = { iterationId: null, status: 'skipped', error: null, proposals: 0, autoExecuted: 0, tokens: 0 };

export function emptyTick(at: Date): TickResult {
  return { scannedAt: at.toISOString(), due: 0, planned: 0, failed: 0, proposals: 0, autoExecuted: 0, parseFailures: 0, llmErrors: 0, skipped: {}, durationMs: 0, tokens: 0 };
}

/** Counts a run's outcome into its tick. */
export function addOutcome(result: TickResult, o: RunOutcome): void {
  if (o.skipped) result.skipped[o.skipped] = (result.skipped[o.skipped] ?? 0) + 1;
  else if (o.status === 'failed') result.failed++;
  else result.planned++;
  result.proposals += o.proposals;
  result.autoExecuted += o.autoExecuted;
  result.tokens += o.tokens;
  if (o.parseFailure) result.parseFailures++;
  if (o.llmError) result.llmErrors++;
}
