/**
 * "A year of use" (issue 15): a realistic, deterministic change log for the benches, soak tests and
 * screenshots to share. Twelve missions across every cadence, their runs (iterations) and the
 * proposals those runs staged, most decided and the newest ones pending, and the user's tasks and
 * notes with a year of edits and a few deletions, in the order they happened, spread over the
 * year before `end`, as batches of changes: the user's changes from the renderer's client in
 * batches of up to `batch` (valid `sync.push` input), each mission run as the engine writes it (one
 * batch: the iteration and its proposals, by the mission runner, for the Store: the api refuses
 * changes that claim the runner's origin).
 *
 * The missions' runs are written in their final form, one change per iteration and per proposal
 * (a decided proposal is inserted decided, as the screenshot seed does), so that issue 15's mix of
 * 2,000 iterations and 5,050 proposals fits in 10,000 changes; the rest of the log is tasks and
 * notes. Executions of approved proposals are recorded on the proposal, not replayed as changes.
 *
 * No runtime import from the project (types only), so plain Node loads this file too
 * (`node --experimental-strip-types`, as scripts/screenshots.mjs loads e2e fixtures) and a
 * script can push the user's batches to a host over HTTP; `seedYearOfUse` writes them all through a Store.
 */
import type { Cadence, Iteration, IterationStep, Mission, Proposal, ProposalStatus } from '../../src-shared/domain/ai';
import type { Actor } from '../../src-shared/domain/actor';
import type { ChangeIn } from '../../src-shared/domain/change';
import type { Note, Task } from '../../src-shared/tools/modules';

/** The log sizes issue 15 measures at. */
export const YEAR_OF_USE_SIZES = [10_000, 100_000, 1_000_000] as const;

export interface YearOfUseOptions {
  /** changes in the log once seeded (e.g. one of YEAR_OF_USE_SIZES) */
  changes: number;
  /** mission runs over the year (default 2,000) */
  iterations?: number;
  /** proposals decided by the user (approved, rejected, reverted, expired, failed; default 5,000) */
  decidedProposals?: number;
  /** the newest proposals, still waiting in the inbox (default 50) */
  pendingProposals?: number;
  /** share of the task and note changes that create a record; the others edit or delete one (default 0.1) */
  recordShare?: number;
  /** the instant the year ends (ISO; default YEAR_OF_USE_END); the log covers the 365 days before it */
  end?: string;
  /** seed of the pseudo-random choices (default 1): the same options give the same log */
  seed?: number;
  /** at most this many changes per batch (default 1,000; sync.push takes up to 10,000) */
  batch?: number;
}

export const YEAR_OF_USE_END = '2026-11-29T12:00:00.000Z';

export interface YearOfUseBatch {
  clientId: string;
  changes: ChangeIn[];
}

/** What a year of use holds, returned when its batches are done. */
export interface YearOfUseSummary {
  changes: number;
  batches: number;
  missions: number;
  iterations: number;
  decidedProposals: number;
  pendingProposals: number;
  /** records created (deleted ones included) */
  tasks: number;
  notes: number;
  deleted: number;
  start: string;
  end: string;
}

// Where records live and who writes them, as the engine spells them (src-shared/domain/ai.ts,
// src-shared/tools/modules.ts, src-shared/domain/actor.ts, store.ts; year-of-use.test.ts checks they agree).
export const YEAR_OF_USE_PLACES = {
  missions: { app: 'ai', table: 'aiMissions' },
  iterations: { app: 'ai', table: 'aiIterations' },
  proposals: { app: 'ai', table: 'aiProposals' },
  tasks: { app: 'todo', table: 'tasks' },
  notes: { app: 'notes', table: 'notes' },
} as const;
export const YEAR_OF_USE_ACTORS = {
  user: { kind: 'user', principalId: 'user:local', displayName: 'You' },
  runner: { kind: 'system', principalId: 'system:mission-runner', displayName: 'Mission runner' },
} as const satisfies Record<string, Actor>;
export const YEAR_OF_USE_CLIENTS = { renderer: 'year-of-use-renderer', engine: 'engine' } as const;
const DEFAULT_AGENT_ID = 'agent:default';
const PROMPT_VERSION = 'plan-v3-review';
const NODE = { user: 'a11ce0000000000a', engine: 'e0000000000000e1' } as const;

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;
const MIN_FILLER = 100;

interface MissionSpec {
  title: string;
  objective: string;
  cadence: Cadence;
  state: Mission['state'];
  /** its share of the year's runs */
  weight: number;
}

const MISSIONS: MissionSpec[] = [
  { title: 'Inbox zero for tasks', objective: 'Go through my open tasks; propose completing, dating and rewording them.', cadence: { kind: 'daily', atHour: 9, atMinute: 0 }, state: 'active', weight: 365 },
  { title: 'Morning briefing', objective: "Read today's tasks and notes; propose what to do first.", cadence: { kind: 'daily', atHour: 7, atMinute: 30 }, state: 'active', weight: 365 },
  { title: 'Evening review', objective: 'Look back at the day; propose follow-ups for tomorrow.', cadence: { kind: 'daily', atHour: 18, atMinute: 0 }, state: 'active', weight: 365 },
  { title: 'Weekly planning from my notes', objective: 'Plan the coming week from my notes and calendar.', cadence: { kind: 'weekly', dayOfWeek: 1, atHour: 8, atMinute: 0 }, state: 'active', weight: 52 },
  { title: 'Goal check-in', objective: "Check my goals' progress and propose one small task per goal behind.", cadence: { kind: 'weekly', dayOfWeek: 5, atHour: 17, atMinute: 0 }, state: 'active', weight: 52 },
  { title: 'Summarise my reading list', objective: 'Summarise what I read this week into a note.', cadence: { kind: 'weekly', dayOfWeek: 0, atHour: 10, atMinute: 0 }, state: 'active', weight: 52 },
  { title: 'Meeting notes to tasks', objective: "Turn today's meeting notes into tasks.", cadence: { kind: 'cron', expression: '0 13 * * 1-5' }, state: 'active', weight: 260 },
  { title: 'Calendar gaps', objective: 'Find free slots and propose focus blocks.', cadence: { kind: 'interval', everyMinutes: 720 }, state: 'active', weight: 730 },
  { title: 'Quarterly review', objective: 'Review the quarter: what was done, what slipped.', cadence: { kind: 'manual' }, state: 'active', weight: 4 },
  { title: 'Trip to Lisbon', objective: 'Plan the trip: bookings, packing, the days there.', cadence: { kind: 'manual' }, state: 'done', weight: 6 },
  { title: 'Habit tracker', objective: 'Nudge me about my habits every day.', cadence: { kind: 'interval', everyMinutes: 1440 }, state: 'paused', weight: 30 },
  { title: 'Budget watch', objective: 'On the first of the month, propose tasks for bills due.', cadence: { kind: 'cron', expression: '0 8 1 * *' }, state: 'archived', weight: 12 },
];

/** Small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VERBS = ['Call', 'Email', 'Draft', 'Review', 'Book', 'Plan', 'Fix', 'Buy', 'Prepare', 'Send', 'Read', 'Sort out'];
const OBJECTS = ['Anna about the supplier', 'the Q1 budget', 'the dentist', 'the quarterly report', 'flights to Lisbon', 'the team offsite', 'the bike light', 'the insurance renewal', 'the sprint demo', 'the design tool licence', 'birthday present for Sam', 'the tax return'];
const SENTENCES = [
  'Decisions from the stand-up: ship the budget draft by Friday.',
  'Anna owns the supplier call and needs our numbers first.',
  'Open question: do we renew the design tool licence?',
  'Mornings are for focused work; meetings after 13:00.',
  'Follow up with Maria on the roadmap review.',
  'Ideas for the weekend: climbing gym, the new ramen place.',
  'Reading: Designing Data-Intensive Applications, chapter 5.',
  'Remember to water the plants before the trip.',
];
const TAGS = ['work', 'personal', 'meetings', 'reading', 'ideas', 'travel'];
const PRIORITIES = ['low', 'medium', 'high'] as const;
const DECIDED: [ProposalStatus, number][] = [
  ['approved', 0.7],
  ['rejected', 0.18],
  ['reverted', 0.05],
  ['expired', 0.05],
  ['failed', 0.02],
];

const id36 = (prefix: string, n: number) => `${prefix}-${n.toString(36).padStart(5, '0')}`;
const stamp = (ms: number, counter: number, node: string) => `${new Date(ms).toISOString()}-${counter.toString(16).padStart(4, '0')}-${node}`;
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Fields of a change, each stamped `at`. */
function stamped(values: Record<string, unknown>, at: string): NonNullable<ChangeIn['fields']> {
  const fields: NonNullable<ChangeIn['fields']> = {};
  for (const [name, value] of Object.entries(values)) fields[name] = { value, at };
  return fields;
}

/** Approximately the next run after `ms` (enough for a schedule that is not due at once). */
function nextRunAfter(cadence: Cadence, ms: number): string | null {
  switch (cadence.kind) {
    case 'manual':
      return null;
    case 'interval':
      return new Date(ms + cadence.everyMinutes * 60_000).toISOString();
    case 'weekly':
      return new Date(ms + 7 * DAY_MS).toISOString();
    default:
      return new Date(ms + DAY_MS).toISOString();
  }
}

interface Plan {
  changes: number;
  iterations: number;
  decided: number;
  pending: number;
  filler: number;
  recordShare: number;
  startMs: number;
  endMs: number;
  batch: number;
  seed: number;
}

function planOf(options: YearOfUseOptions): Plan {
  const iterations = options.iterations ?? 2_000;
  const decided = options.decidedProposals ?? 5_000;
  const pending = options.pendingProposals ?? 50;
  const recordShare = options.recordShare ?? 0.1;
  const endMs = Date.parse(options.end ?? YEAR_OF_USE_END);
  const batch = options.batch ?? 1_000;
  if (![iterations, decided, pending, batch].every((n) => Number.isInteger(n) && n >= 0) || iterations < 1 || batch < 1) {
    throw new RangeError('A year of use needs whole numbers: at least 1 iteration and a batch of at least 1, no negative proposal counts.');
  }
  if (pending + decided > 0 && iterations < 2) throw new RangeError('A year of use with proposals needs at least 2 iterations (runs with and without proposals).');
  if (!(recordShare > 0 && recordShare <= 1)) throw new RangeError(`recordShare must be in (0, 1], got ${recordShare}.`);
  if (Number.isNaN(endMs)) throw new RangeError(`end must be an ISO instant, got ${options.end}.`);
  const core = 2 * MISSIONS.length + iterations + decided + pending;
  if (!Number.isInteger(options.changes) || options.changes < core + MIN_FILLER) {
    throw new RangeError(
      `A year of use with ${iterations} iterations and ${decided + pending} proposals needs at least ${core + MIN_FILLER} changes (got ${options.changes}): ask for more changes or fewer runs.`,
    );
  }
  return { changes: options.changes, iterations, decided, pending, filler: options.changes - core, recordShare, startMs: endMs - YEAR_MS, endMs, batch, seed: options.seed ?? 1 };
}

/** The batches of a year of use, in the order they happened; returns what they hold. */
export function* yearOfUse(options: YearOfUseOptions): Generator<YearOfUseBatch, YearOfUseSummary> {
  const plan = planOf(options);
  const log = new YearLog(plan);
  yield* log.batches();
  return log.summary();
}

/**
 * Writes a year of use through a Store (`push` per batch, then `settle`); returns what it holds.
 * `arrive`, when given, is told each batch's instant (its newest stamp) before the batch is
 * pushed: a Store whose clock follows it records the year's arrival times (history compaction
 * goes by them).
 */
export function seedYearOfUse(
  store: { push(clientId: string, changes: ChangeIn[]): unknown; settle(): void },
  options: YearOfUseOptions,
  arrive?: (at: string) => void,
): YearOfUseSummary {
  const batches = yearOfUse(options);
  for (;;) {
    const next = batches.next();
    if (next.done) {
      store.settle();
      return next.value;
    }
    if (arrive) arrive(batchInstant(next.value));
    store.push(next.value.clientId, next.value.changes);
  }
}

/** The newest instant stamped in a batch (the ISO prefix of its stamps). */
export function batchInstant(batch: YearOfUseBatch): string {
  let newest = '';
  for (const change of batch.changes) {
    for (const write of Object.values(change.fields ?? {})) {
      const at = ('at' in write ? write.at : write.updatedAt).slice(0, 24);
      if (at > newest) newest = at;
    }
  }
  return newest;
}

/** A set of record numbers with O(1) add, remove and uniform pick. */
class Alive {
  private readonly items: string[] = [];
  private readonly index = new Map<string, number>();
  get size(): number {
    return this.items.length;
  }
  add(id: string): void {
    this.index.set(id, this.items.length);
    this.items.push(id);
  }
  pick(random: () => number): string {
    return this.items[Math.floor(random() * this.items.length)]!;
  }
  remove(id: string): void {
    const at = this.index.get(id)!;
    const last = this.items.pop()!;
    this.index.delete(id);
    if (last !== id) {
      this.items[at] = last;
      this.index.set(last, at);
    }
  }
}

/** The generator's state as it walks the year, one slot of time per change. */
class YearLog {
  private readonly plan: Plan;
  private readonly random: () => number;
  private slot = 0;
  private readonly tasks = new Alive();
  private readonly notes = new Alive();
  private readonly counts = { tasks: 0, notes: 0, deleted: 0, batches: 0, changes: 0 };
  private readonly missionIds = MISSIONS.map((_, i) => id36('mission', i));
  private readonly lastRun = new Map<string, number>();
  private readonly cumulativeWeights: number[];
  /** proposals per iteration: every tenth run stages none (nothing to do, or failed) */
  private readonly proposalsPer: number[];

  // No parameter properties: plain Node's type stripping does not take them.
  constructor(plan: Plan) {
    this.plan = plan;
    this.random = prng(plan.seed);
    let sum = 0;
    this.cumulativeWeights = MISSIONS.map((m) => (sum += m.weight));
    const proposals = plan.decided + plan.pending;
    const staging = Array.from({ length: plan.iterations }, (_, j) => j).filter((j) => proposals === 0 || j % 10 !== 9 || plan.iterations < 10);
    this.proposalsPer = new Array<number>(plan.iterations).fill(0);
    staging.forEach((j, k) => {
      this.proposalsPer[j] = Math.floor(((k + 1) * proposals) / staging.length) - Math.floor((k * proposals) / staging.length);
    });
  }

  summary(): YearOfUseSummary {
    const { plan, counts } = this;
    return {
      changes: counts.changes,
      batches: counts.batches,
      missions: MISSIONS.length,
      iterations: plan.iterations,
      decidedProposals: plan.decided,
      pendingProposals: plan.pending,
      tasks: counts.tasks,
      notes: counts.notes,
      deleted: counts.deleted,
      start: new Date(plan.startMs).toISOString(),
      end: new Date(plan.endMs).toISOString(),
    };
  }

  /** The instant of the next slot: the year divided evenly among the changes. */
  private timeOf(slot: number): number {
    return this.plan.startMs + Math.floor((slot * YEAR_MS) / this.plan.changes);
  }

  private emit(clientId: string, changes: ChangeIn[]): YearOfUseBatch {
    this.counts.batches++;
    this.counts.changes += changes.length;
    return { clientId, changes };
  }

  *batches(): Generator<YearOfUseBatch> {
    const { plan } = this;
    yield this.emit(YEAR_OF_USE_CLIENTS.renderer, this.missionInserts());
    // The middle of the year: runs placed evenly among the user's changes.
    const middle = plan.changes - 2 * MISSIONS.length;
    const middleEnd = MISSIONS.length + middle;
    let run = 0;
    let fillerDone = 0;
    let proposalsDone = 0;
    let userBatch: ChangeIn[] = [];
    while (this.slot < middleEnd) {
      const runDueAt = MISSIONS.length + Math.floor(((run + 0.5) * middle) / plan.iterations);
      if (run < plan.iterations && (this.slot >= runDueAt || fillerDone === plan.filler)) {
        if (userBatch.length) yield this.emit(YEAR_OF_USE_CLIENTS.renderer, userBatch);
        userBatch = [];
        const count = this.proposalsPer[run]!;
        yield this.emit(YEAR_OF_USE_CLIENTS.engine, this.missionRun(run, proposalsDone, count));
        proposalsDone += count;
        run++;
      } else {
        userBatch.push(this.userChange(fillerDone++));
        if (userBatch.length >= plan.batch) {
          yield this.emit(YEAR_OF_USE_CLIENTS.renderer, userBatch);
          userBatch = [];
        }
      }
    }
    if (userBatch.length) yield this.emit(YEAR_OF_USE_CLIENTS.renderer, userBatch);
    yield this.emit(YEAR_OF_USE_CLIENTS.engine, this.missionSchedules());
  }

  private missionInserts(): ChangeIn[] {
    return MISSIONS.map((m, i) => {
      const ms = this.timeOf(this.slot++);
      const mission: Omit<Mission, 'id'> = {
        title: m.title,
        conceptMarkdown: '',
        objective: m.objective,
        inputs: [],
        cadence: m.cadence,
        state: 'active',
        nextRunAt: nextRunAfter(m.cadence, ms),
        lastRunAt: null,
        agentId: DEFAULT_AGENT_ID,
        failureStreak: 0,
        needsAttention: false,
        planWhileWaiting: false,
        createdAt: new Date(ms).toISOString(),
      };
      const { missions } = YEAR_OF_USE_PLACES;
      return { eventId: `${this.missionIds[i]}/created`, ...missions, id: this.missionIds[i]!, op: 'insert', fields: stamped(mission, stamp(ms, 0, NODE.user)), actor: YEAR_OF_USE_ACTORS.user, origin: 'user' };
    });
  }

  /** At the end of the year: each mission's state, last run and next run. */
  private missionSchedules(): ChangeIn[] {
    return MISSIONS.map((m, i) => {
      const ms = this.timeOf(this.slot++);
      const id = this.missionIds[i]!;
      const last = this.lastRun.get(id);
      const fields = {
        state: m.state,
        lastRunAt: last === undefined ? null : new Date(last).toISOString(),
        nextRunAt: m.state === 'active' ? nextRunAfter(m.cadence, this.plan.endMs) : null,
        failureStreak: 0,
      };
      return { eventId: `${id}/year-end`, ...YEAR_OF_USE_PLACES.missions, id, op: 'update', fields: stamped(fields, stamp(ms, 0, NODE.engine)), actor: YEAR_OF_USE_ACTORS.runner, origin: 'system' };
    });
  }

  private pickMission(): number {
    const total = this.cumulativeWeights.at(-1)!;
    const x = this.random() * total;
    return this.cumulativeWeights.findIndex((c) => x < c);
  }

  /** One run as the engine writes it: the iteration and the proposals it staged, one batch. */
  private missionRun(run: number, firstProposal: number, count: number): ChangeIn[] {
    const finishedMs = this.timeOf(this.slot);
    this.slot += 1 + count;
    const m = this.pickMission();
    const mission = MISSIONS[m]!;
    const missionId = this.missionIds[m]!;
    this.lastRun.set(missionId, finishedMs);
    const iterationId = id36('iteration', run);
    const latencyMs = 1_500 + Math.floor(this.random() * 20_000);
    const failed = count === 0 && run % 20 === 19;
    const steps: IterationStep[] = [];
    const proposals: ChangeIn[] = [];
    for (let k = 0; k < count; k++) {
      const n = firstProposal + k;
      const proposal = this.proposal(n, { missionId, missionTitle: mission.title, iterationId, index: k, createdMs: finishedMs });
      steps.push({ index: k, summary: proposal.summary ?? '', toolName: proposal.toolName, params: proposal.params, rationale: proposal.rationale, kind: 'write', policy: 'propose', proposalId: proposal.id });
      const { id, ...fields } = proposal;
      proposals.push({ eventId: `${id}/staged`, ...YEAR_OF_USE_PLACES.proposals, id, op: 'insert', fields: stamped(fields, stamp(finishedMs, k + 1, NODE.engine)), actor: YEAR_OF_USE_ACTORS.runner, origin: 'system' });
    }
    const pending = count > 0 && firstProposal + count > this.plan.decided;
    const iteration: Omit<Iteration, 'id'> = {
      missionId,
      agentId: DEFAULT_AGENT_ID,
      source: 'runner',
      startedAt: new Date(finishedMs - latencyMs).toISOString(),
      finishedAt: new Date(finishedMs).toISOString(),
      status: failed ? 'failed' : pending ? 'awaiting-review' : 'done',
      summary: failed ? 'The LLM call failed.' : count ? `${count} change${count === 1 ? '' : 's'} planned.` : 'Nothing to do this time.',
      steps,
      model: 'llama3.1:8b',
      usage: { promptTokens: 1_200 + count * 150, completionTokens: 80 + count * 120, totalTokens: 1_280 + count * 270 },
      latencyMs,
      promptVersion: PROMPT_VERSION,
      plannerMode: run % 3 === 0 ? 'json' : 'tools',
      error: failed ? 'The LLM did not answer within 120 s.' : null,
    };
    const iterationChange: ChangeIn = {
      eventId: `${iterationId}/written`,
      ...YEAR_OF_USE_PLACES.iterations,
      id: iterationId,
      op: 'insert',
      fields: stamped(iteration, stamp(finishedMs, 0, NODE.engine)),
      actor: YEAR_OF_USE_ACTORS.runner,
      origin: 'system',
    };
    return [iterationChange, ...proposals];
  }

  /** Proposal number `n` of the year: the first `decided` are decided, the rest pending. */
  private proposal(n: number, at: { missionId: string; missionTitle: string; iterationId: string; index: number; createdMs: number }): Proposal {
    const pending = n >= this.plan.decided;
    const [module, toolName, params, summary] = this.proposedStep(pending, at.createdMs);
    const id = `${at.iterationId}.${at.index}`;
    const base: Proposal = {
      id,
      missionId: at.missionId,
      iterationId: at.iterationId,
      agentId: DEFAULT_AGENT_ID,
      agentName: 'Companion',
      missionTitle: at.missionTitle,
      module,
      toolName,
      params,
      originalParams: null,
      rationale: SENTENCES[n % SENTENCES.length]!,
      summary,
      status: 'pending',
      createdAt: new Date(at.createdMs).toISOString(),
      decidedAt: null,
      decidedBy: null,
      feedback: null,
      execution: null,
    };
    if (pending) return base;
    const status = this.decidedStatus();
    const decidedMs = Math.min(at.createdMs + 600_000 + Math.floor(this.random() * 2 * DAY_MS), this.plan.endMs);
    const decidedAt = new Date(decidedMs).toISOString();
    const executed = status === 'approved' || status === 'reverted';
    return {
      ...base,
      status,
      decidedAt,
      decidedBy: status === 'expired' ? null : YEAR_OF_USE_ACTORS.user.principalId,
      feedback: status === 'rejected' ? 'Not this week.' : null,
      execution: executed ? { at: decidedAt, eventIds: [`${id}/executed`] } : status === 'failed' ? { at: decidedAt, eventIds: [], error: 'The task no longer exists.' } : null,
      ...(status === 'reverted' ? { revertedAt: new Date(Math.min(decidedMs + 3_600_000, this.plan.endMs)).toISOString() } : {}),
    };
  }

  /**
   * What a run proposes. A pending proposal only creates a record, so approving it works whatever
   * the user did to other records after it was staged; decided ones also change existing records.
   */
  private proposedStep(pending: boolean, ms: number): [module: string, toolName: string, params: Record<string, unknown>, summary: string] {
    const r = this.random();
    if (r < 0.45 || (pending && r < 0.8) || this.tasks.size === 0 || this.notes.size === 0) {
      const title = this.taskTitle();
      const params = { title, dueDate: ymd(ms + (1 + Math.floor(this.random() * 14)) * DAY_MS), priority: PRIORITIES[Math.floor(this.random() * 3)]! };
      return ['todo', 'create_task', params, `Create task '${title}'`];
    }
    if (pending || r >= 0.9) {
      const title = `Summary, ${ymd(ms)}`;
      return ['notes', 'create_note', { title, content: this.noteText() }, `Create note '${title}'`];
    }
    if (r < 0.65) {
      const taskId = this.tasks.pick(this.random);
      return ['todo', 'complete_task', { taskId }, `Complete task ${taskId}`];
    }
    if (r < 0.8) {
      const taskId = this.tasks.pick(this.random);
      const priority = PRIORITIES[Math.floor(this.random() * 3)]!;
      return ['todo', 'update_task', { taskId, priority }, `Update task ${taskId}: priority → ${priority}`];
    }
    const noteId = this.notes.pick(this.random);
    const content = SENTENCES[Math.floor(this.random() * SENTENCES.length)]!;
    return ['notes', 'append_to_note', { noteId, content }, `Append to note ${noteId}`];
  }

  private decidedStatus(): ProposalStatus {
    let x = this.random();
    for (const [status, share] of DECIDED) {
      if (x < share) return status;
      x -= share;
    }
    return 'approved';
  }

  private taskTitle(): string {
    return `${VERBS[Math.floor(this.random() * VERBS.length)]} ${OBJECTS[Math.floor(this.random() * OBJECTS.length)]}`;
  }

  private noteText(): string {
    const parts: string[] = [];
    const count = 2 + Math.floor(this.random() * 5);
    for (let i = 0; i < count; i++) parts.push(`- ${SENTENCES[Math.floor(this.random() * SENTENCES.length)]}`);
    return parts.join('\n');
  }

  /** The user's change number `f`: a new task or note at an even share, otherwise an edit or (rarely) a deletion. */
  private userChange(f: number): ChangeIn {
    const ms = this.timeOf(this.slot++);
    const at = stamp(ms, 0, NODE.user);
    const iso = new Date(ms).toISOString();
    const inserts = Math.ceil((f + 1) * this.plan.recordShare);
    const user = { actor: YEAR_OF_USE_ACTORS.user, origin: 'user' as const };
    if (this.counts.tasks + this.counts.notes < inserts || this.tasks.size + this.notes.size === 0) {
      if (this.random() < 0.7) {
        const id = id36('task', this.counts.tasks++);
        this.tasks.add(id);
        const task: Task = { title: this.taskTitle(), description: null, dueDate: this.random() < 0.6 ? ymd(ms + Math.floor(this.random() * 14) * DAY_MS) : null, priority: PRIORITIES[Math.floor(this.random() * 3)]!, done: false, completedAt: null, createdAt: iso };
        return { eventId: `${id}/created`, ...YEAR_OF_USE_PLACES.tasks, id, op: 'insert', fields: stamped({ ...task }, at), ...user };
      }
      const id = id36('note', this.counts.notes++);
      this.notes.add(id);
      const note: Note = { title: `Notes, ${ymd(ms)}`, content: this.noteText(), tags: [TAGS[Math.floor(this.random() * TAGS.length)]!], createdAt: iso, updatedAt: iso };
      return { eventId: `${id}/created`, ...YEAR_OF_USE_PLACES.notes, id, op: 'insert', fields: stamped({ ...note }, at), ...user };
    }
    const onTask = this.notes.size === 0 || (this.tasks.size > 0 && this.random() < 0.7);
    const alive = onTask ? this.tasks : this.notes;
    const place = onTask ? YEAR_OF_USE_PLACES.tasks : YEAR_OF_USE_PLACES.notes;
    const id = alive.pick(this.random);
    const eventId = `${id}/${f}`;
    const r = this.random();
    if (r < 0.01 && alive.size > 1) {
      alive.remove(id);
      this.counts.deleted++;
      return { eventId, ...place, id, op: 'delete', fields: { deletedAt: { value: iso, at } }, ...user };
    }
    let fields: Record<string, unknown>;
    if (onTask) {
      if (r < 0.4) fields = { done: true, completedAt: iso };
      else if (r < 0.65) fields = { title: this.taskTitle() };
      else if (r < 0.85) fields = { priority: PRIORITIES[Math.floor(this.random() * 3)]! };
      else fields = { dueDate: ymd(ms + Math.floor(this.random() * 21) * DAY_MS) };
    } else {
      fields = r < 0.7 ? { content: this.noteText(), updatedAt: iso } : { tags: [TAGS[Math.floor(this.random() * TAGS.length)]!, TAGS[Math.floor(this.random() * TAGS.length)]!], updatedAt: iso };
    }
    return { eventId, ...place, id, op: 'update', fields: stamped(fields, at), ...user };
  }
}
