/**
 * The status bar: what the runner is doing (idle / planning N / paused), when it ticks next, how
 * the last tick went, whether the LLM answers, and how sync goes: with the sync server when this
 * device has one ("Synced 4 s ago", "Offline since 10:42"), else this window's copy of the data.
 * One line, one clock
 * (`now`, read once per second for every relative time here); when the host does not answer, it
 * says so instead of showing the last status it had.
 */
import { useEffect } from 'react';
import { api } from '../../api/client';
import { useSyncState } from '../../db/hooks';
import { hrefFor } from '../../lib/router';
import { useAction } from '../../lib/useAction';
import { ClippedText } from '../../ui/ClippedText';
import { useNow } from '../../ui/useNow';
import { useServerSync } from '../sync/serverSync';
import { syncBarText } from '../sync/syncText';
import { refreshRunnerStatus, setRunnerStatus, useRunnerStatus } from './runnerStatus';
import { llmText, nextTickText, runnerText, syncText, tickText, unreachableText } from './statusText';

export function StatusBar() {
  const { status, error, unreachable, lastContactAt } = useRunnerStatus();
  const sync = useSyncState();
  const server = useServerSync();
  const now = useNow(1000);
  const pause = useAction(async (paused: boolean) => setRunnerStatus(await api().call('runner.setPaused', { paused })));
  // A failing sync is often the first sign that the host is gone: ask for the status right away.
  useEffect(() => {
    if (sync.phase === 'error') refreshRunnerStatus();
  }, [sync.phase]);

  if (unreachable)
    return (
      <footer className="status-bar" aria-label="Status">
        <span className="runner-state unreachable" role="status">
          <span className="dot" aria-hidden="true" />
          {unreachableText(lastContactAt, now)}
        </span>
      </footer>
    );

  const llm = status ? llmText(status) : null;
  const busy = (status?.running.length ?? 0) > 0;
  const next = status ? nextTickText(status, now) : null;
  const syncLine = syncText(sync);
  const serverLine = server ? syncBarText(server, now) : null;
  return (
    <footer className="status-bar" aria-label="Status">
      <span className={`runner-state ${busy ? 'busy' : status?.paused ? 'paused' : 'idle'}`}>
        <span className="dot" aria-hidden="true" />
        Runner: {status ? <span className="status-clip">{runnerText(status, now)}</span> : error ? <ClippedText text={error} className="warn" /> : '…'}
      </span>
      {next && <span className="muted status-item status-next">{next}</span>}
      {status && <span className="muted status-item status-last">{tickText(status.lastTick, now)}</span>}
      {status && status.quarantined > 0 && (
        <span className="warn status-item" role="status" title="Rows of the change log that could not be read were set aside (table quarantine in companion.sqlite); everything else is intact.">
          {status.quarantined} unreadable change{status.quarantined === 1 ? '' : 's'} set aside
        </span>
      )}
      {llm && (
        <span className={`status-item ${llm.tone}`}>
          <a href={hrefFor({ page: 'settings' })} className={`status-link ${llm.tone}`}>
            {llm.text}
          </a>
          {llm.error && (
            <>
              :&nbsp;
              <ClippedText text={llm.error} />
            </>
          )}
        </span>
      )}
      {status && (
        <button type="button" className="small" onClick={() => void pause.run(!status.paused)} disabled={pause.busy}>
          {status.paused ? 'Resume runner' : 'Pause runner'}
        </button>
      )}
      {pause.error && <ClippedText text={pause.error} className="warn" />}
      {serverLine && (
        <span className={`status-item server-sync ${serverLine.tone}`} role="status" title={server?.lastError ?? undefined}>
          <a href={hrefFor({ page: 'settings' })} className={`status-link ${serverLine.tone}`}>
            {serverLine.text}
          </a>
        </span>
      )}
      {(!serverLine || sync.phase === 'error') && (
        <span className={sync.phase === 'error' ? 'warn sync status-item' : 'muted sync status-item'}>
          {syncLine.text}
          {syncLine.error && (
            <>
              :&nbsp;
              <ClippedText text={syncLine.error} />
            </>
          )}
        </span>
      )}
    </footer>
  );
}
