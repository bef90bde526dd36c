/**
 * One planning run's bookkeeping: every LLM attempt (tokens, latency, status) summed for the
 * iteration and the agent's budget, the debug capture, the run's deadline, the notes explaining the
 * mode chosen, and what the endpoint was found to support (persisted per endpoint).
 */
import type { DebugConversation, IterationDebug, PolicyDecision, StepRefusal, Usage } from '../../../src-shared/domain/ai';
import { type EndpointCapabilities, type FeatureVerdict, type LlmFeature, RUN_TIME_FACTOR, endpointKey } from '../../../src-shared/domain/settings';
import { PROMPT_VERSION } from '../../../src-shared/planner/prompt';
import type { PlannedStep } from '../../../src-shared/planner/parser';
import type { ToolDef } from '../../../src-shared/tools/catalog';
import { type ChatMessage, type ChatRequest, type ChatResult, LlmError, type LlmAttempt, type LlmClient } from '../llm/client';
import { safeEndpoint } from '../llm/errors';
import { ZERO_USAGE, addUsage } from '../llm/usage';

export interface PlanStepOut extends PlannedStep {
  kind: 'read' | 'write';
  /** read steps already executed in tools mode */
  result?: unknown;
  /** set when the call could not be used (unknown or denied tool, invalid details, no reason): recorded, never executed */
  refused?: StepRefusal;
}

export type DebugCapture = Omit<IterationDebug, 'iterationId' | 'capturedAt'>;

export interface PlanOutcome {
  summary: string;
  steps: PlanStepOut[];
  /** every attempt, failed ones included (estimated where the endpoint reported nothing) */
  usage: Usage;
  model: string | null;
  latencyMs: number;
  mode: 'json' | 'tools';
  /** why the run was planned the way it was (fallbacks, what the endpoint refused), or null */
  note: string | null;
  debug: DebugCapture;
}

/** llm: the call failed; length: cut off at max tokens; invalid-plan: the answer is not a usable plan */
export type PlanErrorKind = 'llm' | 'length' | 'invalid-plan' | 'aborted';

export class PlanError extends Error {
  constructor(
    readonly kind: PlanErrorKind,
    message: string,
    readonly usage: Usage,
    readonly latencyMs: number,
    readonly note: string | null,
    readonly debug: DebugCapture,
    /** the client's error when the LLM call failed */
    readonly llmError?: LlmError,
  ) {
    super(message);
    this.name = 'PlanError';
  }
  get status(): number | undefined {
    return this.llmError?.status;
  }
}

export type PlanPhase = 'calling-llm' | 'validating';

/** Where what an endpoint supports is remembered (the settings, persisted per endpoint). */
export interface CapabilityStore {
  capabilities(key: string): EndpointCapabilities;
  learnCapability(key: string, feature: LlmFeature, verdict: FeatureVerdict): boolean;
}

export interface PlannerDeps {
  llm: LlmClient;
  /** all tools the agent may use (deny already filtered out) */
  allowed: ReadonlyMap<string, ToolDef>;
  /** every catalog tool, to tell "denied" from "unknown" */
  catalog: ReadonlyMap<string, ToolDef>;
  /** the agent's decision for an allowed tool: tells the model whether a write is applied or reviewed */
  decision(tool: ToolDef): PolicyDecision;
  runRead(toolName: string, params: Record<string, unknown>): unknown;
  capabilities: CapabilityStore;
  onPhase?(phase: PlanPhase, round: number): void;
  signal?: AbortSignal;
}

/** The structured-output form of a JSON-mode call (none: the plan is asked for in the text only). */
export type StructuredForm = Exclude<LlmFeature, 'tools'>;

export class Session {
  usage = ZERO_USAGE;
  latencyMs = 0;
  model: string | null = null;
  readonly debug: DebugCapture;
  readonly key: string;
  readonly deadline: number;
  readonly maxTokens: number;
  private readonly notes: string[] = [];

  constructor(readonly deps: PlannerDeps) {
    const cfg = deps.llm.currentConfig();
    this.key = endpointKey(cfg);
    this.maxTokens = cfg.maxTokens;
    this.deadline = deps.llm.clock() + RUN_TIME_FACTOR * cfg.timeoutMs;
    this.debug = { promptVersion: PROMPT_VERSION, endpoint: { baseUrl: safeEndpoint(cfg.baseUrl), model: cfg.model }, conversations: [] };
  }

  get capabilities(): EndpointCapabilities {
    return this.deps.capabilities.capabilities(this.key);
  }

  learn(feature: LlmFeature, ok: boolean, note: string): void {
    this.deps.capabilities.learnCapability(this.key, feature, { ok, note: note.slice(0, 500), at: new Date(this.deps.llm.clock()).toISOString() });
  }

  /** A sentence for the run's details (why this mode, what the endpoint refused). */
  note(text: string): void {
    this.notes.push(text);
    this.debug.notes = [...this.notes];
  }

  get noteText(): string | null {
    return this.notes.length ? this.notes.join(' ') : null;
  }

  conversation(mode: 'json' | 'tools', messages: ChatMessage[], tools?: unknown[]): DebugConversation {
    const c: DebugConversation = { mode, messages: messages as unknown as DebugConversation['messages'], ...(tools ? { tools } : {}), calls: [] };
    this.debug.conversations.push(c);
    return c;
  }

  /**
   * One chat call within the run's deadline, every attempt recorded and counted; a failure becomes
   * a PlanError carrying everything spent so far.
   */
  async call(conv: DebugConversation, messages: ChatMessage[], extra: Pick<ChatRequest, 'tools' | 'responseFormat' | 'jsonSchema' | 'grammar'>, form: StructuredForm | null = null): Promise<ChatResult> {
    const record = { sentMessages: messages.length, withTools: Boolean(extra.tools), withResponseFormat: Boolean(extra.responseFormat), structured: form };
    if (extra.responseFormat) conv.responseFormat = extra.responseFormat;
    try {
      const result = await this.deps.llm.chat({ messages, ...extra, signal: this.deps.signal, deadline: this.deadline });
      const spent = this.spend(result.attempts);
      conv.calls.push({ ...record, latencyMs: spent.latencyMs, usage: spent.usage, raw: result.raw, finishReason: result.finishReason, attempts: result.attempts });
      this.model = result.model ?? this.model;
      return result;
    } catch (error) {
      const llmError = error instanceof LlmError ? error : null;
      const spent = this.spend(llmError?.attempts ?? []);
      const message = (error as Error).message;
      conv.calls.push({ ...record, latencyMs: spent.latencyMs, usage: spent.usage, raw: null, error: message, attempts: llmError?.attempts ?? [] });
      throw new PlanError(llmError?.kind === 'aborted' ? 'aborted' : 'llm', message, this.usage, this.latencyMs, this.noteText, this.debug, llmError ?? undefined);
    }
  }

  private spend(attempts: LlmAttempt[]): { usage: Usage; latencyMs: number } {
    const usage = attempts.reduce((sum, a) => addUsage(sum, a.usage), ZERO_USAGE);
    const latencyMs = attempts.reduce((sum, a) => sum + a.latencyMs, 0);
    this.usage = addUsage(this.usage, usage);
    this.latencyMs += latencyMs;
    return { usage, latencyMs };
  }

  fail(kind: 'invalid-plan' | 'length', message: string): PlanError {
    return new PlanError(kind, message, this.usage, this.latencyMs, this.noteText, this.debug);
  }

  /** The answer was cut off at max tokens: its own failure, in plain words. */
  cutOff(): PlanError {
    return this.fail(
      'length',
      `The model ran out of tokens: its answer was cut off at the limit of ${this.maxTokens} tokens before the plan was complete. Raise "Max tokens" in Settings or shorten the mission's inputs.`,
    );
  }

  outcome(mode: 'json' | 'tools', summary: string, steps: PlanStepOut[]): PlanOutcome {
    return { summary, steps, usage: this.usage, model: this.model, latencyMs: this.latencyMs, mode, note: this.noteText, debug: this.debug };
  }
}
