/**
 * A year of use, lived through the engine's api (issue 15's "DB size after a simulated year of one
 * hourly mission plus daily use"): where year-of-use.ts writes a year's log in its final form,
 * this drives a real engine hour by hour with a clock the caller moves, so every record is written
 * as the engine writes it:
 * - one mission every `everyMinutes` (default hourly, planned also while proposals wait for review),
 *   planned by the real runner (`runner.tick`)
 *   against an LLM the caller wires to `plannerReply`: each run looks through the open tasks (a
 *   read step, its result kept on the run) and one run in `proposeEvery` proposes two new tasks;
 * - every evening the user decides what waits (approve 70 %, reject 20 % with a reason, the rest
 *   the next evening), makes `editsPerDay` edits to tasks and notes (complete, rename, reprioritise,
 *   rewrite a note) and creates two tasks and a note, pushed as the renderer's client pushes;
 * - every night the history keeper's daily run (`history.compact`).
 * Deterministic for the same options. No runtime import from the project, like year-of-use.ts.
 */
import type { ChangeIn } from '../../src-shared/domain/change';
import { YEAR_OF_USE_ACTORS, YEAR_OF_USE_CLIENTS, YEAR_OF_USE_PLACES, prng } from './year-of-use';

export interface LivedYearOptions {
  /** days lived (default 365) */
  days?: number;
  /** the first day's midnight, UTC (default 2025-11-29) */
  start?: string;
  /** minutes between the mission's runs (default 60) */
  everyMinutes?: number;
  /** one run in this many proposes changes (default 12: twice a day when hourly) */
  proposeEvery?: number;
  /** the user's edits per day (default 15) */
  editsPerDay?: number;
  /** seed of the pseudo-random choices (default 1) */
  seed?: number;
}

/** What the simulation needs of an engine: its api, and its clock. */
export interface LivedYearDriver {
  /** moves the engine's clock (and timers) to `iso` */
  setTime(iso: string): void;
  call(method: string, input: unknown): Promise<unknown>;
}

export interface LivedYearSummary {
  days: number;
  runs: number;
  proposals: number;
  approved: number;
  rejected: number;
  userChanges: number;
  historyRuns: number;
  /** the longest step of any history run, ms, and which part of the run it was */
  longestHistoryStepMs: number;
  longestHistoryStep: string | null;
  /** the median over the history runs of each run's longest step, ms */
  medianLongestHistoryStepMs: number;
  start: string;
  end: string;
}

export const LIVED_MISSION_ID = 'mission-hourly';
const DAY_MS = 86_400_000;
const USER_NODE = 'a11ce0000000000b';
const TITLES = ['Call the plumber', 'Renew the passport', 'Book the dentist', 'Send the invoice', 'Plan the offsite', 'Water the plants', 'Review the budget', 'Reply to Anna'];
const NOTE_LINES = ['Decisions from the stand-up: ship the draft by Friday.', 'Ideas for the weekend: climbing, the new ramen place.', 'Follow up with Maria on the roadmap.', 'Reading: chapter 5, then the exercises.'];

/**
 * The planner's reply (JSON plan mode) for the LLM call number `call` (0-based) of a lived year:
 * what the caller's LLM answers, in order.
 */
export function plannerReply(call: number, options: LivedYearOptions = {}): string {
  const proposeEvery = options.proposeEvery ?? 12;
  const steps: unknown[] = [{ summary: 'Look through the open tasks', toolName: 'list_tasks', params: { filter: 'open', limit: 20 }, rationale: 'To see what is left.' }];
  if (call % proposeEvery === proposeEvery - 1) {
    for (let k = 0; k < 2; k++) {
      const title = `${TITLES[(call + k) % TITLES.length]} (${call}.${k})`;
      steps.push({ summary: `Create the task ${title}`, toolName: 'create_task', params: { title, priority: k ? 'low' : 'medium' }, rationale: 'It came up in the notes and is not on the list yet.' });
    }
  }
  const plan = { summary: steps.length > 1 ? 'Two tasks to add.' : 'Nothing new to add; the open tasks are in order.', steps };
  return `\`\`\`json\n${JSON.stringify(plan)}\n\`\`\``;
}

type Listed = { records: { id: string; data: Record<string, unknown>; deleted: boolean }[] };

/** Lives the year; returns what happened. */
export async function liveYear(driver: LivedYearDriver, options: LivedYearOptions = {}): Promise<LivedYearSummary> {
  const days = options.days ?? 365;
  const startMs = Date.parse(options.start ?? '2025-11-29T00:00:00.000Z');
  const everyMs = (options.everyMinutes ?? 60) * 60_000;
  const editsPerDay = options.editsPerDay ?? 15;
  const random = prng(options.seed ?? 1);
  const summary: LivedYearSummary = { days, runs: 0, proposals: 0, approved: 0, rejected: 0, userChanges: 0, historyRuns: 0, longestHistoryStepMs: 0, longestHistoryStep: null, medianLongestHistoryStepMs: 0, start: new Date(startMs).toISOString(), end: new Date(startMs + days * DAY_MS).toISOString() };
  let counter = 0;
  let created = 0;
  const longestSteps: number[] = [];
  const stamp = (ms: number) => `${new Date(ms).toISOString()}-${(counter++ % 0xffff).toString(16).padStart(4, '0')}-${USER_NODE}`;
  const push = async (changes: ChangeIn[]) => {
    summary.userChanges += changes.length;
    await driver.call('sync.push', { clientId: YEAR_OF_USE_CLIENTS.renderer, changes });
  };
  const user = { actor: YEAR_OF_USE_ACTORS.user, origin: 'user' as const };

  driver.setTime(summary.start);
  await push([
    {
      eventId: `${LIVED_MISSION_ID}/created`,
      ...YEAR_OF_USE_PLACES.missions,
      id: LIVED_MISSION_ID,
      op: 'insert',
      fields: Object.fromEntries(
        // planWhileWaiting: it runs every period, as the year of issue 15 has it; by default a mission
        // waits while its proposals wait for review, and with the evening's decisions this one then
        // ran 3,581 times in the year instead of 8,760 (measured): a lighter year than asked for
        Object.entries({ title: 'Keep my task list in order', objective: 'Look through my tasks and notes; propose what is missing.', conceptMarkdown: '', inputs: [], cadence: { kind: 'interval', everyMinutes: everyMs / 60_000 }, state: 'active', nextRunAt: summary.start, failureStreak: 0, needsAttention: false, planWhileWaiting: true, createdAt: summary.start }).map(([k, v]) => [k, { value: v, at: stamp(startMs) }]),
      ),
      ...user,
    },
  ]);

  for (let day = 0; day < days; day++) {
    const dayMs = startMs + day * DAY_MS;
    // the night's history run, as the keeper's daily schedule makes it
    driver.setTime(new Date(dayMs + 3 * 3_600_000).toISOString());
    const history = (await driver.call('history.compact', {})) as { longestStepMs: number; longestStep: string | null };
    summary.historyRuns++;
    if (history.longestStepMs > summary.longestHistoryStepMs) [summary.longestHistoryStepMs, summary.longestHistoryStep] = [history.longestStepMs, history.longestStep];
    longestSteps.push(history.longestStepMs);
    for (let ms = dayMs; ms < dayMs + DAY_MS; ms += everyMs) {
      driver.setTime(new Date(ms).toISOString());
      const tick = (await driver.call('runner.tick', {})) as { planned: number; proposals: number; failed: number };
      summary.runs += tick.planned + tick.failed;
      summary.proposals += tick.proposals;
      if (ms - dayMs === 18 * 3_600_000 || (everyMs > 18 * 3_600_000 && ms === dayMs)) await evening(ms);
    }
  }
  summary.medianLongestHistoryStepMs = [...longestSteps].sort((a, b) => a - b)[Math.floor(longestSteps.length / 2)] ?? 0;
  return summary;

  /** The user's evening: decisions, edits, new tasks and a note. */
  async function evening(ms: number): Promise<void> {
    const proposals = (await driver.call('records.list', { ...YEAR_OF_USE_PLACES.proposals, limit: 10_000 })) as Listed;
    for (const p of proposals.records.filter((r) => r.data.status === 'pending')) {
      const r = random();
      if (r < 0.7) {
        await driver.call('proposals.approve', { proposalId: p.id });
        summary.approved++;
      } else if (r < 0.9) {
        await driver.call('proposals.reject', { proposalId: p.id, feedback: 'Not this week.' });
        summary.rejected++;
      }
    }
    const tasks = ((await driver.call('records.list', { ...YEAR_OF_USE_PLACES.tasks, limit: 10_000 })) as Listed).records.filter((t) => !t.data.done);
    const notes = ((await driver.call('records.list', { ...YEAR_OF_USE_PLACES.notes, limit: 10_000 })) as Listed).records;
    const iso = new Date(ms).toISOString();
    const changes: ChangeIn[] = [];
    for (let e = 0; e < editsPerDay; e++) {
      const onNote = notes.length > 0 && (tasks.length === 0 || random() < 0.3);
      const eventId = `edit-${ms}-${e}`;
      if (onNote) {
        const note = notes[Math.floor(random() * notes.length)]!;
        const content = Array.from({ length: 2 + Math.floor(random() * 4) }, () => `- ${NOTE_LINES[Math.floor(random() * NOTE_LINES.length)]}`).join('\n');
        changes.push({ eventId, ...YEAR_OF_USE_PLACES.notes, id: note.id, op: 'update', fields: { content: { value: content, at: stamp(ms) }, updatedAt: { value: iso, at: stamp(ms) } }, ...user });
      } else if (tasks.length > 0) {
        const at = Math.floor(random() * tasks.length);
        const task = tasks[at]!;
        const r = random();
        const fields = r < 0.4 ? { done: true, completedAt: iso } : r < 0.7 ? { title: `${TITLES[Math.floor(random() * TITLES.length)]} (edited)` } : { priority: ['low', 'medium', 'high'][Math.floor(random() * 3)] };
        if (r < 0.4) tasks.splice(at, 1);
        changes.push({ eventId, ...YEAR_OF_USE_PLACES.tasks, id: task.id, op: 'update', fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { value: v, at: stamp(ms) }])), ...user });
      }
    }
    for (let k = 0; k < 3; k++) {
      const id = `lived-${created++}`;
      const note = k === 2;
      const values = note
        ? { title: `Notes, ${iso.slice(0, 10)}`, content: NOTE_LINES.join('\n'), tags: ['work'], createdAt: iso, updatedAt: iso }
        : { title: `${TITLES[Math.floor(random() * TITLES.length)]}`, description: null, dueDate: null, priority: 'medium', done: false, completedAt: null, createdAt: iso };
      const place = note ? YEAR_OF_USE_PLACES.notes : YEAR_OF_USE_PLACES.tasks;
      changes.push({ eventId: `${id}/created`, ...place, id, op: 'insert', fields: Object.fromEntries(Object.entries(values).map(([f, v]) => [f, { value: v, at: stamp(ms) }])), ...user });
    }
    await push(changes);
  }
}
