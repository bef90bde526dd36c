/**
 * THE contract between the renderer and the engine. Each method has a zod input and output; the
 * Electron IPC handlers, the HTTP host, the preload bridge and the renderer client are all derived
 * from this table. Adding a method = one entry here + one handler in src-main/engine/handlers.ts.
 */
import { z } from 'zod';
import { Actor } from './domain/actor';
import { ChangeOut, PushedChange, RecordOut, SnapshotRecordOut } from './domain/change';
import { IterationDebug, IterationStatus, Proposal, ProposalStatus } from './domain/ai';
import { EndpointCapabilities, LlmFeature, PublicSettings, SettingsPatch } from './domain/settings';
import { ApiError, ERROR_CODES, type ErrorIssue } from './api-errors';
import { BoundedJsonObject } from './json-shape';
import { EVENT_NAMES, METHOD_NAMES } from './api-names';

export { ApiError, ERROR_CODES, HTTP_STATUS, decodeError, encodeError, type ErrorBody, type ErrorCode, type ErrorIssue } from './api-errors';

const Empty = z.object({}).strict().default({});

export const TickResult = z.object({
  scannedAt: z.string(),
  due: z.number().int(),
  planned: z.number().int(),
  failed: z.number().int(),
  proposals: z.number().int(),
  autoExecuted: z.number().int(),
  parseFailures: z.number().int(),
  llmErrors: z.number().int(),
  skipped: z.record(z.string(), z.number().int()),
  durationMs: z.number(),
  tokens: z.number().int(),
  overlapSkipped: z.boolean().optional(),
});
export type TickResult = z.infer<typeof TickResult>;

export const RunPhase = z.enum(['queued', 'resolving-inputs', 'calling-llm', 'validating', 'writing']);
export type RunPhase = z.infer<typeof RunPhase>;
export const RunningIteration = z.object({
  missionId: z.string(),
  missionTitle: z.string(),
  iterationId: z.string(),
  phase: RunPhase,
  phaseStartedAt: z.string(),
  startedAt: z.string(),
  round: z.number().int().optional(),
  agentId: z.string().optional(),
  /** how long the run has been in this phase (e.g. waiting for the LLM) when the status was taken */
  phaseElapsedMs: z.number().optional(),
});
export type RunningIteration = z.infer<typeof RunningIteration>;

export const RunnerStatus = z.object({
  paused: z.boolean(),
  running: z.array(RunningIteration),
  lastTick: TickResult.nullable(),
  nextTickAt: z.string().nullable(),
  nextDueAt: z.string().nullable(),
  pendingProposals: z.number().int(),
  quarantined: z.number().int(),
  llm: z.object({
    configured: z.boolean(),
    lastError: z.string().nullable(),
    lastOkAt: z.string().nullable(),
    /** what the configured endpoint was found to support (persisted per endpoint; see Settings) */
    capabilities: EndpointCapabilities.optional(),
  }),
});
export type RunnerStatus = z.infer<typeof RunnerStatus>;

/** One run of the engine's history keeper (README "Data and history"): what it archived, compacted and dropped. */
export const HistoryRun = z.object({
  reason: z.enum(['daily', 'asked']),
  startedAt: z.string(),
  finishedAt: z.string(),
  horizonDays: z.number().int(),
  /** changes that arrived before this instant were compacted; runs and proposals that ended before it archived */
  cutoff: z.string(),
  /** the floor a sync client set: no change at or after this seq was compacted (null: none) */
  keepFrom: z.number().int().nullable(),
  archivedRuns: z.number().int(),
  archivedProposals: z.number().int(),
  compactedChanges: z.number().int(),
  compactedRecords: z.number().int(),
  /** unreadable log rows met (kept in the log, quarantined) */
  unreadable: z.number().int(),
  compactedThrough: z.number().int(),
  prunedActivity: z.number().int(),
  prunedDebugCaptures: z.number().int(),
  prunedTokenDays: z.number().int(),
  steps: z.number().int(),
  /** the longest step: how long a tick or an api call could have waited for it */
  longestStepMs: z.number(),
  /** which part of the run that step belonged to */
  longestStep: z.enum(['archive runs', 'archive proposals', 'compact the log', 'prune the audit trail', 'prune debug captures', 'prune token counts', 'checkpoint']).nullable(),
  totalMs: z.number(),
  error: z.string().nullable(),
});
export type HistoryRun = z.infer<typeof HistoryRun>;

export const HistoryStatus = z.object({
  horizonDays: z.number().int(),
  activityDays: z.number().int(),
  /** every change up to this log seq is compacted (0: none) */
  compactedThrough: z.number().int(),
  running: z.boolean(),
  lastRun: HistoryRun.nullable(),
  nextCheckAt: z.string().nullable(),
});
export type HistoryStatus = z.infer<typeof HistoryStatus>;

/**
 * The sync client's state (engine/sync/): whether this device mirrors its log with a sync server,
 * and how that goes. `waiting` counts own changes the server has not acknowledged yet (parked ones
 * aside), at most 100,000; `parked` counts changes the server refused, kept until tried again.
 */
export const ServerSyncState = z.enum(['off', 'starting', 'syncing', 'synced', 'offline', 'sign-in', 'error']);
export type ServerSyncState = z.infer<typeof ServerSyncState>;
export const ServerSyncStatus = z.object({
  state: ServerSyncState,
  serverUrl: z.string().nullable(),
  deviceName: z.string(),
  /** when a full exchange with the server last succeeded */
  lastSyncedAt: z.string().nullable(),
  /** since when the server cannot be reached (null while it can) */
  offlineSince: z.string().nullable(),
  nextRetryAt: z.string().nullable(),
  waiting: z.number().int(),
  parked: z.number().int(),
  /** the last failure, in words for people */
  lastError: z.string().nullable(),
  /** the live channel is open: other devices' changes arrive as they are made */
  live: z.boolean(),
  /** whether the server coordinates runners (claims); an upstream mana-sync does not */
  claims: z.enum(['supported', 'unsupported', 'unknown']),
  /** changes the server sent that could not be read (skipped), since the app started */
  unreadableReceived: z.number().int(),
});
export type ServerSyncStatus = z.infer<typeof ServerSyncStatus>;

/** A change the sync server refused, kept on this device with the server's reason. */
export const ParkedChange = z.object({
  seq: z.number().int(),
  app: z.string(),
  table: z.string(),
  id: z.string(),
  op: z.enum(['insert', 'update', 'delete']),
  /** the record's title (or name) when it has one, for people */
  title: z.string().nullable(),
  reason: z.string(),
  parkedAt: z.string(),
});
export type ParkedChange = z.infer<typeof ParkedChange>;

/** Preferences of the desktop shell (not of the engine): answered by Electron main, not the headless host. */
export const ShellPreferences = z.object({
  /** false where there is no desktop shell (the headless host, opened in a browser) */
  available: z.boolean(),
  launchAtLogin: z.boolean(),
  /** why launchAtLogin cannot be changed here (e.g. a development run), else null */
  launchAtLoginUnavailable: z.string().nullable(),
});
export type ShellPreferences = z.infer<typeof ShellPreferences>;

/** One change of the log as the audit timeline shows it: values are previews, long text cut. */
export const ActivityEntry = ChangeOut.pick({ seq: true, eventId: true, app: true, table: true, id: true, op: true, actor: true, origin: true, createdAt: true }).extend({
  fields: z.record(z.string(), z.unknown()),
});
export type ActivityEntry = z.infer<typeof ActivityEntry>;

/**
 * Names the history a replica copies. It changes only when the engine rewrote history a replica
 * may already hold (the repair of stamps from the future, at open): a replica that sees another
 * epoch than the one it copied drops its records and hydrates again (its outbox stays).
 */
export const ReplicaEpoch = z.string().min(1).max(100);

/** The `sync.snapshot` page format this side writes and reads: stamps packed as stored (see its `format`). */
export const SNAPSHOT_PAGE_FORMAT = 2;

export const methods = {
  'sync.push': {
    input: z.object({ clientId: z.string().min(1).max(200), changes: z.array(PushedChange).max(10_000) }).strict(),
    output: z.object({ accepted: z.number().int(), duplicates: z.number().int(), seq: z.number().int() }),
  },
  'sync.pull': {
    input: z
      .object({ since: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(10_000).default(1000) })
      .strict(),
    output: z.object({
      changes: z.array(ChangeOut),
      seq: z.number().int(),
      hasMore: z.boolean(),
      quarantined: z.number().int(),
      /**
       * The changes after `since` are older than the history the engine keeps (compacted into one
       * snapshot per record): no changes come back; re-hydrate from `sync.snapshot` and pull from
       * its seq. `compactedThrough` is the oldest cursor that can still pull.
       */
      cursorTooOld: z.literal(true).optional(),
      compactedThrough: z.number().int().optional(),
      epoch: ReplicaEpoch,
    }),
  },
  /**
   * Pages of the projection (records with their field stamps, tombstones included) for a new replica
   * to hydrate from. `seq` is the log position the page reflects; keep the FIRST page's seq as the
   * pull cursor (later pages may be newer, and re-pulling is harmless: the merge is idempotent).
   * `nextKey` is null on the last page.
   */
  'sync.snapshot': {
    input: z
      .object({ afterKey: z.string().max(1000).nullable().default(null), limit: z.number().int().min(1).max(10_000).default(1000) })
      .strict(),
    output: z.object({
      records: z.array(SnapshotRecordOut),
      seq: z.number().int(),
      nextKey: z.string().nullable(),
      epoch: ReplicaEpoch,
      /**
       * How the records' stamps are written: absent (format 1), every `meta` is `{field: stamp}`;
       * SNAPSHOT_PAGE_FORMAT, a `meta` may be packed as stored (SnapshotRecordOut). A replica
       * refuses a page of a format it does not know.
       */
      format: z.number().int().optional(),
    }),
  },
  'records.list': {
    input: z
      .object({
        app: z.string().min(1),
        table: z.string().min(1),
        limit: z.number().int().min(1).max(10_000).default(1000),
        includeDeleted: z.boolean().default(false),
      })
      .strict(),
    output: z.object({ records: z.array(RecordOut) }),
  },
  'records.get': {
    input: z.object({ app: z.string().min(1), table: z.string().min(1), id: z.string().min(1) }).strict(),
    output: z.object({ record: RecordOut.nullable() }),
  },
  'runner.tick': { input: Empty, output: TickResult },
  'runner.status': { input: Empty, output: RunnerStatus },
  'runner.setPaused': { input: z.object({ paused: z.boolean() }).strict(), output: RunnerStatus },
  'missions.runNow': {
    input: z.object({ missionId: z.string().min(1) }).strict(),
    output: z.object({ iterationId: z.string().nullable(), status: IterationStatus, error: z.string().nullable() }),
  },
  'missions.resume': {
    input: z.object({ missionId: z.string().min(1) }).strict(),
    output: z.object({ nextRunAt: z.string().nullable() }),
  },
  'missions.pause': {
    input: z.object({ missionId: z.string().min(1) }).strict(),
    output: z.object({}),
  },
  'runner.ticks': {
    input: z.object({ limit: z.number().int().min(1).max(1000).default(50) }).strict(),
    output: z.object({ ticks: z.array(TickResult) }),
  },
  'iterations.debug': {
    input: z.object({ iterationId: z.string().min(1) }).strict(),
    output: z.object({ debug: IterationDebug.nullable() }),
  },
  'agents.usage': {
    input: Empty,
    output: z.object({ day: z.string(), usage: z.record(z.string(), z.number()) }),
  },
  'proposals.approve': {
    input: z
      .object({ proposalId: z.string().min(1), params: BoundedJsonObject.optional(), feedback: z.string().max(10_000).optional() })
      .strict(),
    output: z.object({ proposal: Proposal }),
  },
  'proposals.reject': {
    input: z.object({ proposalId: z.string().min(1), feedback: z.string().max(10_000).optional() }).strict(),
    output: z.object({ proposal: Proposal }),
  },
  'proposals.revert': {
    input: z.object({ proposalId: z.string().min(1) }).strict(),
    output: z.object({ proposal: Proposal }),
  },
  /** Approves or rejects every pending proposal of one iteration, in step order; each outcome reported. */
  'proposals.decideAll': {
    input: z
      .object({ iterationId: z.string().min(1), decision: z.enum(['approve', 'reject']), feedback: z.string().max(10_000).optional() })
      .strict(),
    output: z.object({
      results: z.array(z.object({ proposalId: z.string(), status: ProposalStatus.nullable(), error: z.string().nullable() })),
    }),
  },
  /** The audit timeline: log entries newest first (values previewed), optionally for one app/table/record/origin. */
  'activity.list': {
    input: z
      .object({
        before: z.number().int().min(1).optional(),
        limit: z.number().int().min(1).max(500).default(50),
        app: z.string().min(1).max(100).optional(),
        table: z.string().min(1).max(100).optional(),
        id: z.string().min(1).max(200).optional(),
        origin: z.string().min(1).max(50).optional(),
      })
      .strict(),
    output: z.object({ entries: z.array(ActivityEntry), nextBefore: z.number().int().nullable() }),
  },
  /** What the history keeper keeps (README "Data and history") and its last run. */
  'history.status': { input: Empty, output: HistoryStatus },
  /** Archives and compacts now (as the daily run does), in small steps; answers when done. */
  'history.compact': { input: Empty, output: HistoryRun },
  'settings.get': { input: Empty, output: PublicSettings },
  'settings.update': { input: SettingsPatch, output: PublicSettings },
  /** One tiny request (a few tokens, one attempt): does the endpoint answer, and is the answer sane? */
  'llm.test': {
    input: Empty,
    output: z.object({
      ok: z.boolean(),
      latencyMs: z.number(),
      model: z.string().nullable(),
      error: z.string().nullable(),
      /** the endpoint answered, but not what was asked (e.g. a model too weak to follow instructions) */
      warning: z.string().nullable(),
    }),
  },
  /** Asks the endpoint, with tiny requests, which ways of planning it supports, and remembers the answers. */
  'llm.probe': {
    input: Empty,
    output: z.object({
      capabilities: EndpointCapabilities,
      checks: z.array(z.object({ feature: LlmFeature, ok: z.boolean().nullable(), note: z.string() })),
      latencyMs: z.number(),
    }),
  },
  /** Forgets what was detected about the configured endpoint, so the next run or probe finds out again. */
  'llm.resetCapabilities': { input: Empty, output: z.object({ capabilities: EndpointCapabilities }) },
  'llm.models': { input: Empty, output: z.object({ models: z.array(z.string()), error: z.string().nullable() }) },
  /** The sync client's state (the status bar and Settings → Sync). */
  'syncServer.status': { input: Empty, output: ServerSyncStatus },
  /** Exchanges changes with the sync server now (also after "Sign in again"); answers the state after it. */
  'syncServer.syncNow': { input: Empty, output: ServerSyncStatus },
  /** Changes the sync server refused, oldest first. */
  'syncServer.parked': {
    input: z.object({ limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    output: z.object({ changes: z.array(ParkedChange), total: z.number().int() }),
  },
  /** Pushes the parked changes again (all, or one by seq); those the server refuses again stay parked with its new reason. */
  'syncServer.retryParked': {
    input: z.object({ seq: z.number().int().min(1).optional() }).strict(),
    output: z.object({ accepted: z.number().int(), stillParked: z.number().int() }),
  },
  'shell.getPreferences': { input: Empty, output: ShellPreferences },
  'shell.setPreferences': { input: z.object({ launchAtLogin: z.boolean() }).strict(), output: ShellPreferences },
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export { EVENT_NAMES, METHOD_NAMES, isEventName, isMethodName } from './api-names';

/** Events the engine pushes to every connected UI. */
export const events = {
  'sync.changed': z.object({ seq: z.number().int() }),
  'runner.status': RunnerStatus,
  'runner.tick': TickResult,
  /** every phase change of a running iteration, as it happens (runner.status is coalesced) */
  'runner.phase': RunningIteration,
  'proposals.created': z.object({ count: z.number().int(), missionId: z.string(), missionTitle: z.string() }),
  'mission.attention': z.object({ missionId: z.string(), missionTitle: z.string(), reason: z.string() }),
  /** the sync client's state changed (a coarse signal: the waiting count moves without one) */
  'syncServer.status': ServerSyncStatus,
} as const;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

// The generated name lists (src-shared/api-names.generated.ts) must name exactly the methods and
// events above; when this fails to typecheck, run `npm run api-names`.
type SameNames<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type GeneratedNamesAreCurrent = [
  Holds<SameNames<(typeof METHOD_NAMES)[number], MethodName>>,
  Holds<SameNames<(typeof EVENT_NAMES)[number], EventName>>,
];

/** The zod schema of a failure's body (what src-shared/api-errors.ts encodes), for checking answers against the contract. */
export const ApiErrorBody = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    issues: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })).optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export function issuesOf(error: z.ZodError): ErrorIssue[] {
  return error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message }));
}

/** Parses a method's input or throws a BAD_INPUT ApiError carrying the zod issues. */
export function parseInput<M extends MethodName>(method: M, raw: unknown): ParsedInput<M> {
  const result = methods[method].input.safeParse(raw ?? {});
  if (!result.success) throw new ApiError('BAD_INPUT', `Invalid input for ${method}`, issuesOf(result.error));
  return result.data as ParsedInput<M>;
}

export { Actor };
