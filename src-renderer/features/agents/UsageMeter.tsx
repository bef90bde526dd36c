import type { Agent } from '../../../src-shared/domain/ai';
import { formatNumber } from '../../lib/format';

/** Today's tokens against the daily budget (a plain number when there is no budget). */
export function UsageMeter({ agent, used }: { agent: Agent; used: number }) {
  const budget = agent.maxTokensPerDay;
  if (budget == null) return <span>{formatNumber(used)} tokens today · no daily limit</span>;
  const percent = budget > 0 ? Math.min(100, Math.round((used / budget) * 100)) : 100;
  return (
    <span className="usage">
      <span>
        {formatNumber(used)} of {formatNumber(budget)} tokens today
      </span>
      <span className="progress small" role="progressbar" aria-label={`Token budget of ${agent.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <span className={percent >= 100 ? 'progress-fill over' : 'progress-fill'} style={{ width: `${percent}%` }} />
      </span>
    </span>
  );
}
