import { describe, expect, it } from 'vitest';
import type { IterationStep, Proposal } from './ai';
import { ageText, refusedRunText, runStatus, waitingForReviewText } from './run-status';

const step = (index: number, extra: Partial<IterationStep> = {}): IterationStep => ({ index, summary: '', toolName: 'create_task', params: {}, rationale: 'r', kind: 'write', ...extra });
const proposals = (entries: Record<string, Partial<Proposal>>) => (id: string) => entries[id] as Proposal | undefined;

describe('runStatus: a run follows its proposals', () => {
  const it3 = { status: 'awaiting-review' as const, steps: [step(0, { proposalId: 'i.0' }), step(1, { proposalId: 'i.1' }), step(2, { proposalId: 'i.2' }), step(3, { kind: 'read' })] };

  it('awaiting review while one waits; a proposal not synced yet counts as waiting', () => {
    expect(runStatus(it3, proposals({ 'i.0': { status: 'approved' }, 'i.1': { status: 'pending' }, 'i.2': { status: 'rejected' } }))).toEqual({
      status: 'awaiting-review',
      proposals: 3,
      counts: { pending: 1, approved: 1, edited: 0, rejected: 1, reverted: 0, failed: 0, expired: 0 },
    });
    expect(runStatus(it3, proposals({ 'i.0': { status: 'approved' }, 'i.1': { status: 'approved' } })).status).toBe('awaiting-review');
  });

  it('reviewed once all are decided, with approved, edited, rejected, reverted and failed counted apart', () => {
    const view = runStatus(it3, proposals({ 'i.0': { status: 'approved', originalParams: { title: 'x' } }, 'i.1': { status: 'reverted' }, 'i.2': { status: 'failed' } }));
    expect(view).toEqual({ status: 'reviewed', proposals: 3, counts: { pending: 0, approved: 0, edited: 1, rejected: 0, reverted: 1, failed: 1, expired: 0 } });
  });

  it('runs without proposals keep what they were', () => {
    expect(runStatus({ status: 'done', steps: [step(0, { policy: 'auto' })] }, () => undefined).status).toBe('done');
    expect(runStatus({ status: 'failed', steps: [step(0, { refused: 'no-reason' })] }, () => undefined).status).toBe('failed');
    expect(runStatus({ status: 'skipped', steps: [] }, () => undefined).status).toBe('skipped');
  });
});

describe('refused runs in words', () => {
  it('counts each reason, most common first', () => {
    const steps = [step(0, { refused: 'already-proposed' }), step(1, { refused: 'no-reason' }), step(2, { refused: 'no-reason' }), step(3, { kind: 'read' })];
    expect(refusedRunText(steps)).toBe('The model proposed 3 changes; none could be used: 2 had no reason, 1 was already proposed.');
    expect(refusedRunText([step(0, { refused: 'already-done' })])).toBe('The model proposed 1 change; it could not be used: it was already done.');
  });
});

describe('waiting for review', () => {
  const now = Date.parse('2026-11-20T12:00:00Z');
  it('says how many and how old the oldest is', () => {
    expect(waitingForReviewText({ count: 3, oldestAt: '2026-11-20T10:00:00Z' }, now)).toBe('Waiting for review (3 proposals, oldest 2 h)');
    expect(waitingForReviewText({ count: 1, oldestAt: '2026-11-20T11:59:50Z' }, now)).toBe('Waiting for review (1 proposal, oldest 1 min)');
    expect(ageText('2026-11-17T12:00:00Z', now)).toBe('3 days');
    expect(ageText('2026-11-20T12:05:00Z', now)).toBe('1 min'); // a clock ahead is not "in the future"
  });
});
