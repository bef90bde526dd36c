/**
 * The local debug capture of one iteration: why it was planned the way it was, the messages sent
 * to the LLM, and for every call each HTTP attempt (status, time, tokens — estimated where the
 * endpoint reported none) and the raw answer. Loaded on demand (it can be large) and never synced,
 * since it holds the resolved inputs in clear.
 */
import { useEffect } from 'react';
import type { DebugAttempt, DebugCall, DebugConversation } from '../../../src-shared/domain/ai';
import { FEATURE_WORDS } from '../../../src-shared/domain/settings';
import { api } from '../../api/client';
import { formatDateTime, formatDuration, formatNumber } from '../../lib/format';
import { useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';

function text(content: unknown): string {
  return typeof content === 'string' ? content : JSON.stringify(content, null, 2);
}

const OUTCOME_TEXT: Record<DebugAttempt['outcome'], string> = {
  ok: 'answered',
  'http-error': 'error',
  timeout: 'timed out',
  unreachable: 'unreachable',
  aborted: 'cancelled',
  'bad-response': 'unreadable answer',
};

function attemptText(a: DebugAttempt): string {
  const status = a.status !== null ? `${a.status} ` : '';
  const tokens = a.usage.totalTokens ? `, ${a.estimated ? '~' : ''}${formatNumber(a.usage.totalTokens)} tokens${a.estimated ? ' (estimated)' : ''}` : ', no tokens';
  const finish = a.finishReason === 'length' ? ', cut off at max tokens' : '';
  return `${status}${OUTCOME_TEXT[a.outcome]} after ${formatDuration(a.latencyMs)}${tokens}${finish}`;
}

function callHeading(c: DebugCall, i: number): string {
  const bits = [`Call ${i + 1}: ${formatDuration(c.latencyMs)}`];
  if (c.usage) bits.push(`${formatNumber(c.usage.totalTokens)} tokens`);
  if (c.withTools) bits.push('with tools');
  if (c.structured) bits.push(`held to the plan by ${FEATURE_WORDS[c.structured]}`);
  const attempts = c.attempts?.length ?? 1;
  if (attempts > 1) bits.push(`${attempts} attempts`);
  return bits.join(', ');
}

function Conversation({ conversation }: { conversation: DebugConversation }) {
  const attempts = conversation.calls.reduce((n, c) => n + (c.attempts?.length ?? 1), 0);
  return (
    <div className="debug-conversation">
      <p className="muted small">
        Planner mode: {conversation.mode} · {conversation.calls.length} call{conversation.calls.length === 1 ? '' : 's'}, {attempts} HTTP attempt{attempts === 1 ? '' : 's'}
      </p>
      <h4>Prompt</h4>
      {conversation.messages.map((m, i) => (
        <div key={i} className="debug-message">
          <span className="badge">{String(m.role ?? 'message')}</span>
          <pre>{text(m.content ?? m.tool_calls ?? m)}</pre>
        </div>
      ))}
      <h4>Raw responses</h4>
      {conversation.calls.map((c, i) => (
        <div key={i} className="debug-message">
          <span className="muted small">{callHeading(c, i)}</span>
          {c.attempts && c.attempts.length > 0 && (
            <ol className="debug-attempts" aria-label={`Attempts: ${conversation.mode} mode, call ${i + 1}`}>
              {c.attempts.map((a, j) => (
                <li key={j} className={a.outcome === 'ok' ? 'muted small' : 'warn small'}>
                  Attempt {j + 1}: {attemptText(a)}
                </li>
              ))}
            </ol>
          )}
          {c.error && <p className="error">{c.error}</p>}
          <pre>{JSON.stringify(c.raw, null, 2)}</pre>
        </div>
      ))}
    </div>
  );
}

export function DebugView({ iterationId }: { iterationId: string }) {
  const load = useAction(() => api().call('iterations.debug', { iterationId }));
  const { run } = load;
  useEffect(() => {
    void run();
  }, [run]);
  const debug = load.result?.debug;
  if (load.busy) return <p className="muted">Loading the capture…</p>;
  if (load.error) return <ErrorText error={load.error} />;
  if (!debug) return <p className="muted">No capture for this iteration (it ran on another device, or before captures were kept).</p>;
  return (
    <div className="debug-view">
      <p className="muted small">
        Captured {formatDateTime(debug.capturedAt)} · {debug.endpoint.model} at {debug.endpoint.baseUrl} · prompt {debug.promptVersion}
        {debug.stopReason ? ` · stopped: ${debug.stopReason}` : ''}. Kept on this machine only.
      </p>
      {debug.notes?.map((note, i) => (
        <p key={i} className="small planner-note">
          {note}
        </p>
      ))}
      {debug.conversations.map((c, i) => (
        <Conversation key={i} conversation={c} />
      ))}
    </div>
  );
}
