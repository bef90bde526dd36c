/**
 * The status bar: what the runner is doing (idle / planning N / paused), when it ticks next, how
 * the last tick went, whether the LLM answers, and the replica's sync state.
 */
import type { RunnerStatus, TickResult } from '../../../src-shared/api';
import { api } from '../../api/client';
import { useSyncState } from '../../db/hooks';
import type { SyncState } from '../../db/sync';
import { formatElapsed, formatRelative } from '../../lib/format';
import { hrefFor } from '../../lib/router';
import { useAction } from '../../lib/useAction';
import { useNow } from '../../ui/useNow';
import { phaseText, setRunnerStatus, useRunnerStatus } from './runnerStatus';

function runnerText(s: RunnerStatus, now: number): string {
  if (s.running.length === 1) {
    const r = s.running[0]!;
    return `Planning “${r.missionTitle}” — ${phaseText(r.phase)}, ${formatElapsed(r.startedAt, now)}`;
  }
  if (s.running.length > 1) return `Planning ${s.running.length} missions`;
  return s.paused ? 'Paused' : 'Idle';
}

function tickText(t: TickResult | null, now: number): string {
  if (!t) return 'No tick yet';
  const when = formatRelative(t.scannedAt, now);
  if (t.overlapSkipped) return `Last tick ${when}: skipped (previous still running)`;
  if (t.due === 0) return `Last tick ${when}: nothing due`;
  const bits = [`${t.planned} planned`, `${t.proposals} proposal${t.proposals === 1 ? '' : 's'}`];
  if (t.failed) bits.push(`${t.failed} failed`);
  return `Last tick ${when}: ${bits.join(', ')}`;
}

function llmText(s: RunnerStatus): { text: string; tone: 'ok' | 'warn' | 'muted' } {
  if (!s.llm.configured) return { text: 'LLM not configured', tone: 'warn' };
  if (s.llm.lastError) return { text: `LLM error: ${s.llm.lastError}`, tone: 'warn' };
  if (s.llm.lastOkAt) return { text: 'LLM OK', tone: 'ok' };
  return { text: 'LLM not used yet', tone: 'muted' };
}

function syncText(s: SyncState): string {
  const pending = s.pending > 0 ? `, ${s.pending} change${s.pending === 1 ? '' : 's'} waiting` : '';
  if (s.phase === 'error') return `Sync error: ${s.error ?? 'unknown'}${pending}`;
  if (s.phase === 'syncing') return `Syncing…${pending}`;
  return s.lastSyncedAt ? `Synced${pending}` : `Not synced yet${pending}`;
}

export function StatusBar() {
  const { status, error } = useRunnerStatus();
  const sync = useSyncState();
  const now = useNow(1000);
  const pause = useAction(async (paused: boolean) => setRunnerStatus(await api().call('runner.setPaused', { paused })));
  const llm = status ? llmText(status) : null;
  const busy = (status?.running.length ?? 0) > 0;
  return (
    <footer className="status-bar" aria-label="Status">
      <span className={`runner-state ${busy ? "busy" : status?.paused ? "paused" : "idle"}`}>
        <span className="dot" aria-hidden="true" />
        Runner: {status ? runnerText(status, now) : error ? error : '…'}
      </span>
      {status && !status.paused && status.nextTickAt && <span className="muted">Next tick {formatRelative(status.nextTickAt, now)}</span>}
      {status && <span className="muted">{tickText(status.lastTick, now)}</span>}
      {status && status.quarantined > 0 && (
        <span className="warn" role="status" title="Rows of the change log that could not be read were set aside (table quarantine in companion.sqlite); everything else is intact.">
          {status.quarantined} unreadable change{status.quarantined === 1 ? '' : 's'} set aside
        </span>
      )}
      {llm && (
        <a href={hrefFor({ page: 'settings' })} className={`status-link ${llm.tone}`}>
          {llm.text}
        </a>
      )}
      {status && (
        <button type="button" className="small" onClick={() => void pause.run(!status.paused)} disabled={pause.busy}>
          {status.paused ? 'Resume runner' : 'Pause runner'}
        </button>
      )}
      {pause.error && <span className="warn">{pause.error}</span>}
      <span className={sync.phase === 'error' ? 'warn sync' : 'muted sync'}>{syncText(sync)}</span>
    </footer>
  );
}
