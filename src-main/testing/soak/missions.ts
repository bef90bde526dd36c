/** The soak test's world: ten missions across every cadence, three agents, the records they work on. */
import type { Engine } from '../../engine/index';
import { putRecord } from '../../engine/testing/harness';
import { SOAK_NOTE_IDS, SOAK_TASK_IDS } from './model';

export interface SoakMission {
  id: string;
  title: string;
  cadence: Record<string, unknown>;
  agentId?: string;
  planWhileWaiting?: boolean;
}

export const SOAK_MISSIONS: readonly SoakMission[] = [
  { id: 'inbox-1min', title: 'Turn the inbox note into tasks', cadence: { kind: 'interval', everyMinutes: 1 } },
  { id: 'cron-2min', title: 'Watch the meeting notes', cadence: { kind: 'cron', expression: '*/2 * * * *' } },
  { id: 'auto-5min', title: 'Keep the task list tidy', cadence: { kind: 'interval', everyMinutes: 5 }, agentId: 'agent:autopilot' },
  { id: 'anyway-10min', title: 'Collect ideas', cadence: { kind: 'interval', everyMinutes: 10 }, planWhileWaiting: true },
  { id: 'half-hourly', title: 'Follow up on replies', cadence: { kind: 'interval', everyMinutes: 30 } },
  { id: 'hourly-mixed', title: 'Plan the week', cadence: { kind: 'interval', everyMinutes: 60 }, agentId: 'agent:mixed' },
  { id: 'daily', title: 'Morning briefing', cadence: { kind: 'daily', atHour: 7, atMinute: 30 } },
  { id: 'weekdays', title: 'Stand-up notes', cadence: { kind: 'cron', expression: '30 8 * * 1-5' } },
  { id: 'weekly', title: 'Weekly review', cadence: { kind: 'weekly', dayOfWeek: 1, atHour: 9, atMinute: 0 } },
  { id: 'manual', title: 'Tidy up on request', cadence: { kind: 'manual' } },
];
export const MANUAL_MISSION = 'manual';

export async function seedSoakWorld(engine: Engine, startIso: string): Promise<void> {
  await putRecord(engine, 'ai', 'agents', 'agent:autopilot', { name: 'Autopilot', policy: { tools: {}, modules: {}, fallback: 'auto' }, maxConcurrentMissions: 1 });
  await putRecord(engine, 'ai', 'agents', 'agent:mixed', { name: 'Mixed', policy: { tools: { create_task: 'auto' }, modules: {} }, maxConcurrentMissions: 1 });
  for (const [i, id] of SOAK_TASK_IDS.entries()) await putRecord(engine, 'todo', 'tasks', id, { title: `Task ${i + 1}`, done: false, priority: 'medium', createdAt: startIso });
  for (const id of SOAK_NOTE_IDS) await putRecord(engine, 'notes', 'notes', id, { title: id.replace('note-', ''), content: `Notes for ${id}`, tags: [], createdAt: startIso });
  for (const m of SOAK_MISSIONS) {
    await putRecord(engine, 'ai', 'aiMissions', m.id, {
      title: m.title,
      objective: `Keep "${m.title}" going.`,
      cadence: m.cadence,
      state: 'active',
      failureStreak: 0,
      needsAttention: false,
      inputs: [{ module: 'notes', table: 'notes', id: 'note-inbox' }],
      ...(m.agentId ? { agentId: m.agentId } : {}),
      ...(m.planWhileWaiting ? { planWhileWaiting: true } : {}),
      createdAt: startIso,
    });
  }
}
