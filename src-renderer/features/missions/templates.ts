/**
 * Starting points for a first mission. Each fills the editor (nothing is created until the user
 * saves) and may pre-select inputs from what the user already has.
 */
import type { Cadence } from '../../../src-shared/domain/ai';

export interface MissionTemplate {
  id: string;
  title: string;
  blurb: string;
  objective: string;
  conceptMarkdown: string;
  cadence: Cadence;
  /** pre-select the newest records of this module as inputs (up to `count`) */
  inputs?: { module: string; count: number };
}

export const TEMPLATES: readonly MissionTemplate[] = [
  {
    id: 'weekly-planning',
    title: 'Weekly planning from my notes',
    blurb: 'Every Monday morning, turns your notes into tasks and calendar blocks for the week.',
    objective:
      'Read my notes and my calendar for the coming week and propose what gets me through it: concrete tasks with due dates and priorities, and calendar blocks for focused work.',
    conceptMarkdown:
      '## How I plan\n\n- One task per concrete next step, with a verb first ("Call Anna", not "Anna").\n- Due dates within this week; **high** priority only for what has a deadline.\n- Block at most two hours of focus per day.\n',
    cadence: { kind: 'weekly', dayOfWeek: 1, atHour: 8, atMinute: 0 },
    inputs: { module: 'notes', count: 5 },
  },
  {
    id: 'inbox-zero',
    title: 'Inbox zero for tasks',
    blurb: 'Every morning, tidies your task list: what is done, what is vague, what has no date.',
    objective:
      'Go through my open tasks. Propose completing tasks that are clearly done, setting due dates and priorities where they are missing, and rewording vague tasks into concrete next steps.',
    conceptMarkdown: '## Rules\n\n- Never delete anything.\n- Prefer fewer, clearer tasks.\n- Overdue tasks get a new realistic due date.\n',
    cadence: { kind: 'daily', atHour: 9, atMinute: 0 },
  },
  {
    id: 'goal-check-in',
    title: 'Goal check-in',
    blurb: 'Every Friday, checks your goals against what you did and suggests a next step for each.',
    objective:
      "Check my goals' progress for this week. Propose progress updates backed by what my tasks and notes show, and one small task for each goal that is behind.",
    conceptMarkdown: '## Tone\n\nEncouraging, factual. A goal behind schedule gets one small, doable task — not a lecture.\n',
    cadence: { kind: 'weekly', dayOfWeek: 5, atHour: 17, atMinute: 0 },
    inputs: { module: 'goals', count: 10 },
  },
];

export function templateById(id: string | undefined): MissionTemplate | undefined {
  return TEMPLATES.find((t) => t.id === id);
}
