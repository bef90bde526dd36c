/**
 * What the configured endpoint (base URL + model) was found to support, learnt from its answers
 * during runs or asked explicitly ("Detect now"), and remembered per endpoint. "Forget" clears it,
 * so the next run or detection finds out again (e.g. after restarting llama.cpp with other flags).
 */
import { FEATURE_ORDER, FEATURE_WORDS, type EndpointCapabilities as Capabilities, type LlmFeature } from '../../../src-shared/domain/settings';
import { api } from '../../api/client';
import { formatDateTime } from '../../lib/format';
import { useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';

const LABELS: Record<LlmFeature, string> = {
  tools: 'Tool calling',
  responseFormat: 'Structured output (JSON schema)',
  jsonSchema: 'llama.cpp JSON schema option',
  grammar: 'llama.cpp grammar',
};

function verdictText(capabilities: Capabilities, feature: LlmFeature): { text: string; tone: 'ok' | 'warn' | 'muted' } {
  const v = capabilities[feature];
  if (!v) return { text: 'not known yet', tone: 'muted' };
  return v.ok ? { text: 'works', tone: 'ok' } : { text: 'does not work', tone: 'warn' };
}

export function EndpointCapabilities({
  capabilities,
  beforeProbe,
  onChange,
}: {
  capabilities: Capabilities;
  beforeProbe: () => Promise<void>;
  onChange: (capabilities: Capabilities) => void;
}) {
  const detect = useAction(async () => {
    await beforeProbe();
    const result = await api().call('llm.probe');
    onChange(result.capabilities);
    return result;
  });
  const forget = useAction(async () => onChange((await api().call('llm.resetCapabilities')).capabilities));
  const undetermined = detect.result?.checks.filter((c) => c.ok === null) ?? [];
  return (
    <section className="endpoint-capabilities" aria-labelledby="capabilities-heading">
      <h3 id="capabilities-heading">What this endpoint supports</h3>
      <p className="muted small">
        Learnt from its answers and remembered for this endpoint and model. In automatic mode a plan is asked for with tool calling where it works, otherwise
        as JSON held to the plan’s shape in the strongest way the endpoint accepts.
      </p>
      <dl className="capabilities">
        {FEATURE_ORDER.map((feature) => {
          const verdict = verdictText(capabilities, feature);
          const known = capabilities[feature];
          return (
            <div key={feature}>
              <dt>{LABELS[feature]}</dt>
              <dd>
                <span className={verdict.tone}>{verdict.text}</span>
                {known && (
                  <span className="muted small" title={`Since ${formatDateTime(known.at)}`}>
                    {' '}
                    — {known.note}
                  </span>
                )}
              </dd>
            </div>
          );
        })}
      </dl>
      <div className="actions">
        <button type="button" onClick={() => void detect.run()} disabled={detect.busy || forget.busy}>
          Detect now
        </button>
        <button type="button" onClick={() => void forget.run()} disabled={detect.busy || forget.busy || Object.keys(capabilities).length === 0}>
          Forget what was detected
        </button>
        {detect.busy && <span className="muted"> Asking the endpoint…</span>}
      </div>
      {undetermined.length > 0 && !detect.busy && (
        <p className="warn" role="status">
          Could not tell for {undetermined.map((c) => FEATURE_WORDS[c.feature]).join(', ')}: {undetermined[0]!.note}
        </p>
      )}
      <ErrorText error={detect.error ?? forget.error} />
    </section>
  );
}
