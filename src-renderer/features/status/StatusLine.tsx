import type { RunnerStatus } from '../../../src-shared/api';
import { api } from '../../api/client';
import { useSyncState } from '../../db/hooks';
import type { SyncState } from '../../db/sync';
import { formatDateTime } from '../../lib/format';
import { useAction } from '../../lib/useAction';
import { setRunnerStatus, useRunnerStatus } from './runnerStatus';

function runnerText(s: RunnerStatus): string {
  if (s.running.length > 0) {
    const [first] = s.running;
    const what = s.running.length === 1 && first ? `“${first.missionTitle}” (${first.phase.replace(/-/g, ' ')})` : `${s.running.length} missions`;
    return `Runner: running ${what}`;
  }
  if (s.paused) return 'Runner: paused';
  return s.nextDueAt ? `Runner: idle, next mission due ${formatDateTime(s.nextDueAt)}` : 'Runner: idle';
}

function syncText(s: SyncState): string {
  const pending = s.pending > 0 ? `, ${s.pending} change${s.pending === 1 ? '' : 's'} waiting` : '';
  if (s.phase === 'error') return `Sync error: ${s.error ?? 'unknown'}${pending}`;
  if (s.phase === 'syncing') return `Syncing…${pending}`;
  return s.lastSyncedAt ? `Synced${pending}` : `Not synced yet${pending}`;
}

export function StatusLine() {
  const { status, error } = useRunnerStatus();
  const sync = useSyncState();
  const pause = useAction(async (paused: boolean) => setRunnerStatus(await api().call('runner.setPaused', { paused })));
  return (
    <footer className="status-line" aria-label="Status">
      <span>{status ? runnerText(status) : error ? `Runner: ${error}` : 'Runner: …'}</span>
      {status && !status.llm.configured && <span className="warn">No language model configured — see Settings</span>}
      {status?.llm.lastError && <span className="warn">LLM: {status.llm.lastError}</span>}
      {status && (
        <button type="button" className="small" onClick={() => void pause.run(!status.paused)} disabled={pause.busy}>
          {status.paused ? 'Resume runner' : 'Pause runner'}
        </button>
      )}
      {pause.error && <span className="warn">{pause.error}</span>}
      <span className={sync.phase === 'error' ? 'warn sync' : 'sync'}>{syncText(sync)}</span>
    </footer>
  );
}
