import { api } from '../../api/client';
import { formatDuration } from '../../lib/format';
import { useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { refreshRunnerStatus } from '../status/runnerStatus';

/**
 * Sends one tiny chat request (a few tokens, one attempt, a short deadline, so it is over in a
 * moment and leaves nothing generating if the page closes) and reports the latency, whether the
 * model answered as asked, or why it failed.
 */
export function TestConnection({ beforeTest }: { beforeTest: () => Promise<void> }) {
  const test = useAction(async () => {
    await beforeTest();
    const result = await api().call('llm.test');
    refreshRunnerStatus();
    return result;
  });
  const r = test.result;
  return (
    <div className="test-connection">
      <button type="button" onClick={() => void test.run()} disabled={test.busy}>
        Test connection
      </button>
      {test.busy && <span className="muted"> Testing…</span>}
      <ErrorText error={test.error} />
      {r && !test.busy && (
        <p className={r.ok ? 'ok' : 'error'} role={r.ok ? 'status' : 'alert'}>
          {r.ok ? `Connection OK — ${formatDuration(r.latencyMs)}${r.model ? `, model ${r.model}` : ''}` : `Connection failed: ${r.error ?? 'unknown error'}`}
        </p>
      )}
      {r?.warning && !test.busy && <p className="warn">{r.warning}</p>}
    </div>
  );
}
