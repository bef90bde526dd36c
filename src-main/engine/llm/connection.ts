/**
 * The connection test and the capability probe: tiny requests (a few tokens, temperature 0, ONE
 * attempt, a short deadline), so a test finishes in a moment even against a slow local server and
 * nothing keeps generating on the server if the person who asked has gone: there is no need to
 * notice a closed page, the request is over before that matters.
 *
 * The test checks the answer is sane (a chat completion with text) and says plainly when the model
 * did not answer what was asked. It learns nothing about capabilities: the probe does that, on
 * request, one feature at a time, and remembers each finding for the endpoint.
 */
import { FEATURE_WORDS, type FeatureVerdict, type LlmFeature, endpointKey } from '../../../src-shared/domain/settings';
import type { ChatRequest, ChatResult, LlmClient } from './client';
import { LlmError } from './errors';
import { saysUnsupported } from './unsupported';

/** At most this long per request of a test or probe (or the configured timeout, if shorter). */
export const TEST_TIMEOUT_MS = 15_000;
const TEST_MAX_TOKENS = 8;
const PROBE_MAX_TOKENS = 48;

export interface ConnectionTestResult {
  ok: boolean;
  latencyMs: number;
  model: string | null;
  error: string | null;
  warning: string | null;
}

function tiny(llm: LlmClient, request: Omit<ChatRequest, 'maxAttempts' | 'deadline' | 'temperature'>, maxTokens: number): Promise<ChatResult> {
  return llm.chat({ ...request, maxTokens: request.maxTokens ?? maxTokens, temperature: 0, maxAttempts: 1, deadline: llm.clock() + Math.min(TEST_TIMEOUT_MS, llm.currentConfig().timeoutMs) });
}

export async function testConnection(llm: LlmClient): Promise<ConnectionTestResult> {
  const started = llm.clock();
  try {
    const answer = await tiny(llm, { messages: [{ role: 'user', content: 'Reply with the single word: ok' }] }, TEST_MAX_TOKENS);
    const text = answer.content.trim();
    const warning = !text
      ? 'The endpoint answered, but with no text.'
      : /\bok\b/i.test(text)
        ? null
        : `The model did not answer as asked (it said “${text.replace(/\s+/g, ' ').slice(0, 40)}”): it may be too weak to plan reliably.`;
    return { ok: true, latencyMs: llm.clock() - started, model: answer.model ?? llm.currentConfig().model, error: null, warning };
  } catch (error) {
    return { ok: false, latencyMs: llm.clock() - started, model: null, error: (error as Error).message, warning: null };
  }
}

export interface ProbeCheck {
  feature: LlmFeature;
  /** null: could not tell (the request failed for another reason); nothing was remembered */
  ok: boolean | null;
  note: string;
}

const STATUS_SCHEMA = { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } }, required: ['status'], additionalProperties: false };
const STATUS_GRAMMAR = 'root ::= "{" [ ]? "\\"status\\"" [ ]? ":" [ ]? "\\"ok\\"" [ ]? "}"\n';
const REPORT_TOOL = {
  type: 'function',
  function: { name: 'report_status', description: 'Report your status.', parameters: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } }, required: ['status'] } },
};

const PROBES: Record<LlmFeature, { request: Omit<ChatRequest, 'messages'>; works: (a: ChatResult) => boolean }> = {
  tools: { request: { tools: [REPORT_TOOL] }, works: (a) => a.toolCalls.some((c) => c.name === 'report_status') },
  responseFormat: { request: { responseFormat: { type: 'json_schema', json_schema: { name: 'status', strict: true, schema: STATUS_SCHEMA } } }, works: isStatusOk },
  jsonSchema: { request: { jsonSchema: STATUS_SCHEMA }, works: isStatusOk },
  grammar: { request: { grammar: STATUS_GRAMMAR }, works: isStatusOk },
};

function isStatusOk(answer: ChatResult): boolean {
  try {
    return (JSON.parse(answer.content.trim()) as { status?: unknown }).status === 'ok';
  } catch {
    return false;
  }
}

/** Asks the endpoint about each feature with a tiny request and remembers what it showed. */
export async function probeCapabilities(llm: LlmClient, learn: (key: string, feature: LlmFeature, verdict: FeatureVerdict) => void): Promise<{ checks: ProbeCheck[]; latencyMs: number }> {
  const started = llm.clock();
  const key = endpointKey(llm.currentConfig());
  const checks: ProbeCheck[] = [];
  for (const [feature, probe] of Object.entries(PROBES) as [LlmFeature, (typeof PROBES)[LlmFeature]][]) {
    const ask = feature === 'tools' ? 'Call the function report_status with status "ok".' : 'Reply with the JSON object {"status": "ok"}.';
    let check: ProbeCheck;
    try {
      const answer = await tiny(llm, { messages: [{ role: 'user', content: ask }], ...probe.request }, PROBE_MAX_TOKENS);
      check = probe.works(answer)
        ? { feature, ok: true, note: `The endpoint took ${FEATURE_WORDS[feature]} and the model used it (probe).` }
        : feature === 'tools'
          ? { feature, ok: false, note: 'Asked to call a tool, the model answered in plain text (probe).' }
          : { feature, ok: false, note: `The endpoint took ${FEATURE_WORDS[feature]} but the answer did not follow it (probe).` };
    } catch (error) {
      check =
        error instanceof LlmError && saysUnsupported(error)
          ? { feature, ok: false, note: `The endpoint refused ${FEATURE_WORDS[feature]} (it answered ${error.status}: "${error.detail.slice(0, 120)}").` }
          : { feature, ok: null, note: `Could not tell: ${(error as Error).message}` };
    }
    if (check.ok !== null) learn(key, feature, { ok: check.ok, note: check.note, at: new Date(llm.clock()).toISOString() });
    checks.push(check);
  }
  return { checks, latencyMs: llm.clock() - started };
}
