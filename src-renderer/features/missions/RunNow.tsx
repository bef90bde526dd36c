/** Run now, with live progress (phase and elapsed time) while the runner plans this mission. */
import { useId, type ReactNode } from 'react';
import { api } from '../../api/client';
import { flushOutbox, requestSync } from '../../db/sync';
import { formatElapsed } from '../../lib/format';
import { useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { useNow } from '../../ui/useNow';
import { useRunnerStatus } from '../status/runnerStatus';
import { phaseText } from '../status/statusText';
import { ITERATION_STATUS_TEXT } from './data';

interface Props {
  missionId: string;
  /** why Run now cannot be pressed (shown next to the disabled button), or null when it can */
  disabledReason?: string | null;
  children?: ReactNode;
}

export function RunNow({ missionId, disabledReason, children }: Props) {
  const { status } = useRunnerStatus();
  const reasonId = useId();
  const live = status?.running.find((r) => r.missionId === missionId);
  const run = useAction(async () => {
    // The engine can only run a mission it has: push a just-created one first.
    await flushOutbox();
    const result = await api().call('missions.runNow', { missionId });
    requestSync().catch(() => {});
    return result;
  });
  const now = useNow(250, run.busy || !!live);
  const result = run.result;
  const outcome = result && ITERATION_STATUS_TEXT[result.status].toLowerCase();
  return (
    <div className="run-now">
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() => void run.run()}
          disabled={run.busy || !!disabledReason}
          aria-busy={run.busy}
          aria-describedby={disabledReason ? reasonId : undefined}
          title={disabledReason ?? undefined}
        >
          Run now
        </button>
        {children}
      </div>
      {disabledReason && (
        <p id={reasonId} className="muted small disabled-reason">
          {disabledReason}
        </p>
      )}
      {(run.busy || live) && (
        <p className="run-progress" role="status">
          <span className="spinner" aria-hidden="true" />
          Running{live ? `: ${phaseText(live.phase)}${live.round && live.round > 1 ? ` (round ${live.round})` : ''}, ${formatElapsed(live.startedAt, now)}` : '…'}
        </p>
      )}
      <ErrorText error={run.error} prefix="Run failed: " />
      {result && !run.busy && (
        <p className={result.error ? 'error' : 'muted'} role={result.error ? 'alert' : 'status'}>
          {result.error ? `Run finished: ${outcome} — ${result.error}` : `Run finished: ${outcome}`}
        </p>
      )}
    </div>
  );
}
