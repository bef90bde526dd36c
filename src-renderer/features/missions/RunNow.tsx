/** Run now, with live progress (phase and elapsed time) while the runner plans this mission. */
import type { ReactNode } from 'react';
import { api } from '../../api/client';
import { flushOutbox, requestSync } from '../../db/sync';
import { formatElapsed } from '../../lib/format';
import { useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { useNow } from '../../ui/useNow';
import { phaseText, useRunnerStatus } from '../status/runnerStatus';

export function RunNow({ missionId, disabled, children }: { missionId: string; disabled?: boolean; children?: ReactNode }) {
  const { status } = useRunnerStatus();
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
  return (
    <div className="run-now">
      <div className="actions">
        <button type="button" className="primary" onClick={() => void run.run()} disabled={run.busy || disabled} aria-busy={run.busy}>
          Run now
        </button>
        {children}
      </div>
      {(run.busy || live) && (
        <p className="run-progress" role="status">
          <span className="spinner" aria-hidden="true" />
          Running{live ? `: ${phaseText(live.phase)}${live.round && live.round > 1 ? ` (round ${live.round})` : ''}, ${formatElapsed(live.startedAt, now)}` : '…'}
        </p>
      )}
      <ErrorText error={run.error} prefix="Run failed: " />
      {result && !run.busy && (
        <p className={result.error ? 'error' : 'muted'} role={result.error ? 'alert' : 'status'}>
          {result.error ? `Run finished: ${result.status} — ${result.error}` : `Run finished: ${result.status}`}
        </p>
      )}
    </div>
  );
}
