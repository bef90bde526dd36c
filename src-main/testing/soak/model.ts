/**
 * The soak test's model: a reply factory for THE scripted LLM server (a real HTTP server) that
 * plans like a forgetful model. Per mission (found by the prompt's "# Mission: <title>"), its first
 * answer of a run often repeats its previous plan word for word; otherwise it plans 1–3 changes
 * from small pools (so fresh plans repeat earlier ones too), and now and then a plan with a defect
 * (a call without a reason, details that are not valid, an action the app does not have), which it
 * repairs half of the time when told. Later rounds of a run close with a one-line summary.
 *
 * Each mission draws from its own seeded stream, so what it plans does not depend on the order in
 * which concurrent runs reach the server.
 */
import type { RecordedRequest, ScriptedReply, ScriptedToolCall } from '../llm-server';
import { type Random, seeded, streamSeed } from './random';

export const SOAK_TASK_IDS = Array.from({ length: 12 }, (_, i) => `task-${i + 1}`);
export const SOAK_NOTE_IDS = ['note-inbox', 'note-meeting', 'note-ideas', 'note-journal'];

const TITLES = [
  'Call Anna about the offer',
  'Pay the rent',
  'Book the dentist',
  'Reply to Marc',
  'Renew the passport',
  'Order printer ink',
  'Plan the team offsite',
  'Water the plants',
  'Back up the laptop',
  'Prepare the quarterly report',
  'Send the invoice to ACME',
  'Buy a birthday present for Lea',
  'Read the design review',
  'Fix the bike light',
  'Cancel the gym trial',
  'Write the weekly update',
];
const DAYS = ['2026-10-12', '2026-10-13', '2026-10-16', '2026-10-20', '2026-10-23', '2026-10-29', '2026-11-03'];
const LINES = ['- follow up next week', '- decided: go with option B', '- open question: budget?', '- Anna confirmed Friday'];
const TAGS = ['work', 'home', 'later', 'waiting'];

type Step = ScriptedToolCall;

function freshStep(r: Random): Step {
  const rationale = r.pick(['It keeps the week on track.', 'The notes ask for it.', 'It was mentioned in the meeting.', 'It is due soon.']);
  switch (r.int(0, 7)) {
    case 0:
    case 1:
    case 2:
      return { name: 'create_task', arguments: { title: r.pick(TITLES), ...(r.chance(0.5) ? { dueDate: r.pick(DAYS) } : {}), ...(r.chance(0.3) ? { priority: r.pick(['low', 'medium', 'high']) } : {}), rationale } };
    case 3:
      return { name: 'update_task', arguments: { taskId: r.pick(SOAK_TASK_IDS), priority: r.pick(['low', 'medium', 'high']), rationale } };
    case 4:
      return { name: 'append_to_note', arguments: { noteId: r.pick(SOAK_NOTE_IDS), content: r.pick(LINES), rationale } };
    case 5:
      return { name: 'add_tag_to_note', arguments: { noteId: r.pick(SOAK_NOTE_IDS), tag: r.pick(TAGS), rationale } };
    case 6: {
      const day = r.pick(DAYS);
      const hour = r.int(8, 17);
      const at = (h: number) => `${day}T${String(h).padStart(2, '0')}:00`;
      return { name: 'create_event', arguments: { title: r.pick(['Dentist', '1:1 with Marc', 'Offsite planning', 'Call with ACME']), startTime: at(hour), endTime: at(hour + 1), rationale } };
    }
    default:
      return { name: 'complete_task', arguments: { taskId: r.pick(SOAK_TASK_IDS), rationale } };
  }
}

/** One of the plan's calls made unusable, as weak models do. */
function withDefect(steps: Step[], r: Random): { steps: Step[]; repair: Step | null } {
  const i = r.int(0, steps.length - 1);
  const good = steps[i]!;
  const args = good.arguments as Record<string, unknown>;
  const kind = r.int(0, 2);
  let bad: Step;
  if (kind === 0) {
    const { rationale: _dropped, ...rest } = args;
    bad = { name: good.name, arguments: rest };
  } else if (kind === 1) bad = { name: 'create_task', arguments: { title: '', dueDate: 'next friday', rationale: 'broken' } };
  else bad = { name: 'delete_everything', arguments: { rationale: 'tidy up' } };
  const out = [...steps];
  out[i] = bad;
  // An unknown action is not repaired (there is nothing to repair it into).
  return { steps: out, repair: kind === 2 ? null : kind === 0 ? good : { name: 'create_task', arguments: { title: r.pick(TITLES), rationale: 'fixed' } } };
}

export interface SoakModelStats {
  /** chat requests answered */
  requests: number;
  /** runs' first answers: a plan */
  plans: number;
  /** of them, the previous plan word for word */
  repeated: number;
  /** of them, with a defect */
  defective: number;
  /** of them, "Nothing to do" */
  nothing: number;
}

interface MissionState {
  random: Random;
  /** the previous plan and the call it repairs a defect with */
  last: { steps: Step[]; repair: Step | null } | null;
  repair: Step | null;
}

export function soakModel(seed: number): { reply: (request: RecordedRequest) => ScriptedReply; stats: SoakModelStats } {
  const stats: SoakModelStats = { requests: 0, plans: 0, repeated: 0, defective: 0, nothing: 0 };
  const missions = new Map<string, MissionState>();
  const state = (title: string): MissionState => {
    let s = missions.get(title);
    if (!s) missions.set(title, (s = { random: seeded(streamSeed(seed, title)), last: null, repair: null }));
    return s;
  };
  const reply = (request: RecordedRequest): ScriptedReply => {
    stats.requests++;
    const messages: { role: string; content: string | null }[] = request.body?.messages ?? [];
    const title = /^# Mission: (.*)$/m.exec(messages.find((m) => m.role === 'user')?.content ?? '')?.[1] ?? '?';
    const m = state(title);
    if (messages.at(-1)?.role === 'tool') {
      // A later round: repair a refused call when asked (half of the time), else close the run.
      const repair = m.repair;
      m.repair = null;
      if (repair && m.random.chance(0.5)) return { toolCalls: [repair] };
      return { content: 'Planned the next steps.' };
    }
    stats.plans++;
    const r = m.random;
    if (m.last && r.chance(0.6)) {
      stats.repeated++;
      m.repair = m.last.repair;
      return { toolCalls: m.last.steps };
    }
    if (r.chance(0.05)) {
      stats.nothing++;
      m.last = null;
      return { content: 'Nothing to do' };
    }
    let steps = Array.from({ length: r.int(1, 3) }, () => freshStep(r));
    m.repair = null;
    if (r.chance(0.1)) {
      stats.defective++;
      const defect = withDefect(steps, r);
      steps = defect.steps;
      m.repair = defect.repair;
    }
    m.last = { steps, repair: m.repair };
    return { toolCalls: steps };
  };
  return { reply, stats };
}
