/** Records of the `ai` app: missions, iterations, proposals, agents. */
import { z } from 'zod';
import { cronProblem } from '../cadence';

export const AI_APP = 'ai';
export const TABLES = {
  missions: 'aiMissions',
  iterations: 'aiIterations',
  proposals: 'aiProposals',
  agents: 'agents',
} as const;

export const Cadence = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('manual') }),
  z.object({ kind: z.literal('interval'), everyMinutes: z.number().int().min(1).max(60 * 24 * 366) }),
  z.object({ kind: z.literal('daily'), atHour: z.number().int().min(0).max(23), atMinute: z.number().int().min(0).max(59).default(0) }),
  z.object({
    kind: z.literal('weekly'),
    dayOfWeek: z.number().int().min(0).max(6),
    atHour: z.number().int().min(0).max(23),
    atMinute: z.number().int().min(0).max(59).default(0),
  }),
  z.object({ kind: z.literal('cron'), expression: z.string().min(1).max(200) }).superRefine((c, ctx) => {
    const problem = cronProblem(c.expression);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['expression'] });
  }),
]);
export type Cadence = z.infer<typeof Cadence>;

export const MissionState = z.enum(['active', 'paused', 'done', 'archived']);
export const InputRef = z.object({ module: z.string().min(1), table: z.string().min(1), id: z.string().min(1) });
export type InputRef = z.infer<typeof InputRef>;

export const Mission = z.object({
  id: z.string(),
  title: z.string().min(1).max(500),
  conceptMarkdown: z.string().max(100_000).default(''),
  objective: z.string().max(10_000).default(''),
  inputs: z.array(InputRef).default([]),
  cadence: Cadence.default({ kind: 'manual' }),
  state: MissionState.default('active'),
  nextRunAt: z.string().nullish(),
  lastRunAt: z.string().nullish(),
  agentId: z.string().nullish(),
  failureStreak: z.number().int().min(0).default(0),
  needsAttention: z.boolean().default(false),
  /**
   * false (the default): while proposals of this mission wait for review it is not planned again
   * (it runs once when the last one is decided). true: it plans on its cadence anyway, and a
   * step identical to a waiting proposal is refused as "already proposed".
   */
  planWhileWaiting: z.boolean().default(false),
  createdAt: z.string().optional(),
  deletedAt: z.string().nullish(),
});
export type Mission = z.infer<typeof Mission>;

/** A device as the plans it made name it: its sync client id and the name people gave it. */
export const PlannedBy = z.object({ id: z.string(), name: z.string() });
export type PlannedBy = z.infer<typeof PlannedBy>;

export const StepKind = z.enum(['read', 'write']);
/**
 * Why a step of a plan was not used (recorded on the step, shown to the user, never dropped):
 * the model named a tool that does not exist or the agent may not use, gave details the tool
 * cannot take or no reason; or the step repeats a change of this mission that is waiting for
 * review, was made recently, or was rejected or undone by the user recently (runner README).
 */
export const StepRefusal = z.enum(['unknown-tool', 'denied', 'invalid-params', 'no-reason', 'already-proposed', 'already-done', 'already-declined']);
export type StepRefusal = z.infer<typeof StepRefusal>;
export const IterationStep = z.object({
  index: z.number().int().min(0),
  summary: z.string(),
  toolName: z.string(),
  params: z.record(z.string(), z.unknown()),
  rationale: z.string(),
  kind: StepKind,
  policy: z.enum(['auto', 'propose', 'deny']).optional(),
  proposalId: z.string().optional(),
  result: z.unknown().optional(),
  error: z.string().optional(),
  /** set when the step was not used; `error` then says why in words */
  refused: StepRefusal.optional(),
  /** for `invalid-params`: what was wrong with which detail */
  issues: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })).optional(),
});
export type IterationStep = z.infer<typeof IterationStep>;

export const IterationStatus = z.enum(['running', 'awaiting-review', 'done', 'failed', 'skipped']);
export type IterationStatus = z.infer<typeof IterationStatus>;

export const Usage = z.object({ promptTokens: z.number(), completionTokens: z.number(), totalTokens: z.number() });
export type Usage = z.infer<typeof Usage>;

export const Iteration = z.object({
  id: z.string(),
  missionId: z.string(),
  agentId: z.string(),
  source: z.literal('runner'),
  startedAt: z.string(),
  finishedAt: z.string().nullish(),
  status: IterationStatus,
  summary: z.string(),
  steps: z.array(IterationStep),
  model: z.string().nullish(),
  usage: Usage.nullish(),
  latencyMs: z.number().nullish(),
  promptVersion: z.string(),
  plannerMode: z.string().nullish(),
  /** why the run was planned the way it was (a fallback, what the endpoint refused), in plain words */
  plannerNote: z.string().nullish(),
  error: z.string().nullish(),
  /** the device whose runner made this plan */
  plannedBy: PlannedBy.nullish(),
  /** set when devices that could not reach each other planned this same due time: their names (one set of cards is kept) */
  plannedOn: z.array(z.string()).nullish(),
});
export type Iteration = z.infer<typeof Iteration>;

/**
 * Local-only debug capture of one iteration's LLM traffic (never synced: it holds the resolved
 * inputs in clear). One conversation per planner mode tried; each call records how many of the
 * conversation's messages it sent, so the transcript is stored once.
 */
/** One HTTP attempt of a call: a call is retried when that can help, and every attempt is counted. */
export const DebugAttempt = z.object({
  /** HTTP status, or null when no answer came (timeout, unreachable, cancelled) */
  status: z.number().int().nullable(),
  outcome: z.enum(['ok', 'http-error', 'timeout', 'unreachable', 'aborted', 'bad-response']),
  latencyMs: z.number(),
  usage: Usage,
  /** no usage was reported: the tokens are an estimate */
  estimated: z.boolean(),
  finishReason: z.string().nullish(),
  error: z.string().optional(),
});
export type DebugAttempt = z.infer<typeof DebugAttempt>;
export const DebugCall = z.object({
  sentMessages: z.number().int(),
  withTools: z.boolean(),
  withResponseFormat: z.boolean(),
  /** how the output was constrained: response_format, llama.cpp's json_schema or grammar, or not at all */
  structured: z.enum(['responseFormat', 'jsonSchema', 'grammar']).nullish(),
  /** over all attempts */
  latencyMs: z.number(),
  usage: Usage.nullable(),
  raw: z.unknown(),
  finishReason: z.string().nullish(),
  error: z.string().optional(),
  /** absent in captures made before attempts were recorded */
  attempts: z.array(DebugAttempt).optional(),
});
export const DebugConversation = z.object({
  mode: z.enum(['json', 'tools']),
  messages: z.array(z.record(z.string(), z.unknown())),
  tools: z.array(z.unknown()).optional(),
  responseFormat: z.unknown().optional(),
  calls: z.array(DebugCall),
});
export const IterationDebug = z.object({
  iterationId: z.string(),
  capturedAt: z.string(),
  promptVersion: z.string(),
  endpoint: z.object({ baseUrl: z.string(), model: z.string() }),
  conversations: z.array(DebugConversation),
  stopReason: z.string().optional(),
  /** the planner's choices in plain words (fallbacks, what the endpoint refused) */
  notes: z.array(z.string()).optional(),
});
export type DebugCall = z.infer<typeof DebugCall>;
export type DebugConversation = z.infer<typeof DebugConversation>;
export type IterationDebug = z.infer<typeof IterationDebug>;

export const ProposalStatus = z.enum(['pending', 'approved', 'rejected', 'expired', 'failed', 'reverted']);
export type ProposalStatus = z.infer<typeof ProposalStatus>;

export const Execution = z.object({
  at: z.string(),
  eventIds: z.array(z.string()),
  /** what each touched record held before (null = it did not exist), so revert can restore it */
  before: z
    .array(z.object({ app: z.string(), table: z.string(), id: z.string(), fields: z.record(z.string(), z.unknown()).nullable() }))
    .optional(),
  result: z.unknown().optional(),
  error: z.string().optional(),
});

export type Execution = z.infer<typeof Execution>;

export const Proposal = z.object({
  id: z.string(),
  missionId: z.string(),
  iterationId: z.string(),
  agentId: z.string(),
  agentName: z.string().optional(),
  missionTitle: z.string().optional(),
  module: z.string(),
  toolName: z.string(),
  params: z.record(z.string(), z.unknown()),
  /** the model's params when the user edited them before approving */
  originalParams: z.record(z.string(), z.unknown()).nullish(),
  rationale: z.string(),
  summary: z.string().optional(),
  status: ProposalStatus,
  createdAt: z.string(),
  decidedAt: z.string().nullish(),
  decidedBy: z.string().nullish(),
  feedback: z.string().nullish(),
  execution: Execution.nullish(),
  revertedAt: z.string().nullish(),
  /** the device whose runner staged it */
  plannedBy: PlannedBy.nullish(),
  /** as on its iteration: the devices that planned this due time while they could not reach each other */
  plannedOn: z.array(z.string()).nullish(),
});
export type Proposal = z.infer<typeof Proposal>;

export const PolicyDecision = z.enum(['auto', 'propose', 'deny']);
export type PolicyDecision = z.infer<typeof PolicyDecision>;
export const Policy = z.object({
  tools: z.record(z.string(), PolicyDecision).default({}),
  modules: z.record(z.string(), PolicyDecision).default({}),
  /** applies to tools without a tool or module entry; unset = each tool's default (reads auto, writes propose) */
  fallback: PolicyDecision.nullish(),
});
export type Policy = z.infer<typeof Policy>;

export const Agent = z.object({
  id: z.string(),
  name: z.string().min(1).max(200),
  role: z.string().max(2000).default(''),
  systemPrompt: z.string().max(20_000).default(''),
  policy: Policy.default({ tools: {}, modules: {} }),
  maxTokensPerDay: z.number().int().min(0).nullish(),
  maxConcurrentMissions: z.number().int().min(1).max(100).default(1),
  state: z.enum(['active', 'paused', 'archived']).default('active'),
});
export type Agent = z.infer<typeof Agent>;

export const DEFAULT_AGENT_ID = 'agent:default';
export const DEFAULT_AGENT: Agent = {
  id: DEFAULT_AGENT_ID,
  name: 'Companion',
  role: 'Plans your missions and proposes changes for you to review.',
  systemPrompt: '',
  policy: { tools: {}, modules: {}, fallback: null },
  maxTokensPerDay: null,
  // Bounded only by the runner's LLM concurrency setting (at most 16); agents the user creates default to 1.
  maxConcurrentMissions: 16,
  state: 'active',
};

/** Proposal ids are deterministic so staging twice can never make two cards for one step. */
export function proposalIdFor(iterationId: string, stepIndex: number): string {
  return `${iterationId}.${stepIndex}`;
}
