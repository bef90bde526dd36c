/**
 * The local debug capture of one iteration: the messages sent to the LLM and its raw answers.
 * Loaded on demand (it can be large) and never synced, since it holds the resolved inputs in clear.
 */
import { useEffect } from 'react';
import type { DebugConversation } from '../../../src-shared/domain/ai';
import { api } from '../../api/client';
import { formatDateTime, formatDuration } from '../../lib/format';
import { useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';

function text(content: unknown): string {
  return typeof content === 'string' ? content : JSON.stringify(content, null, 2);
}

function Conversation({ conversation }: { conversation: DebugConversation }) {
  return (
    <div className="debug-conversation">
      <p className="muted small">
        Planner mode: {conversation.mode} · {conversation.calls.length} call{conversation.calls.length === 1 ? '' : 's'}
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
          <span className="muted small">
            Call {i + 1}: {formatDuration(c.latencyMs)}
            {c.usage ? `, ${c.usage.totalTokens} tokens` : ''}
            {c.withTools ? ', with tools' : ''}
          </span>
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
      {debug.conversations.map((c, i) => (
        <Conversation key={i} conversation={c} />
      ))}
    </div>
  );
}
