/**
 * Steps of a plan that were not used, in words: why (already waiting for review, already done,
 * already declined, no reason, details not valid, not allowed, not an action the app has) and, for
 * invalid details, what was wrong. Shown on the mission's runs and under a plan's cards in the inbox.
 */
import type { IterationStep } from '../../../src-shared/domain/ai';
import { REFUSAL_TEXT } from '../../../src-shared/domain/run-status';
import { plainIssues } from '../../lib/plainIssues';
import { useStepLine } from './stepLine';

/** Why one step was not used. */
export function RefusalWhy({ step }: { step: IterationStep }) {
  if (!step.refused) return null;
  const issues = step.refused === 'invalid-params' && step.issues?.length ? ` ${plainIssues(step.issues)}` : '';
  return (
    <p className={step.refused.startsWith('already-') ? 'muted small' : 'error'}>
      {REFUSAL_TEXT[step.refused].why}
      {issues}
    </p>
  );
}

function RefusedStep({ step }: { step: IterationStep }) {
  return (
    <li>
      <span className="plain-words">{useStepLine(step, undefined)}</span>
      <RefusalWhy step={step} />
    </li>
  );
}

/** The plan's write steps that did not become cards, so none is dropped unseen. */
export function RefusedSteps({ steps }: { steps: readonly IterationStep[] }) {
  const refused = steps.filter((s) => s.refused && s.kind === 'write');
  if (!refused.length) return null;
  return (
    <details className="refused-steps">
      <summary>
        {refused.length} more change{refused.length === 1 ? '' : 's'} in this plan {refused.length === 1 ? 'was' : 'were'} not proposed
      </summary>
      <ul className="plain-list">
        {refused.map((s) => (
          <RefusedStep key={s.index} step={s} />
        ))}
      </ul>
    </details>
  );
}
