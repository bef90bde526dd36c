/** Test helper: changes as a renderer pushes them, for tests that drive the engine through any transport. */
import type { ChangeIn } from '../../../src-shared/domain/change';

/** The insert of an active, manually run mission (`create-<id>`, so pushing it twice is a no-op). */
export function missionInsert(id = 'm1', fields: Record<string, unknown> = {}, extra: Partial<ChangeIn> = {}): ChangeIn {
  return {
    eventId: `create-${id}`,
    app: 'ai',
    table: 'aiMissions',
    id,
    op: 'insert',
    data: { title: 'Plan my week', objective: 'Turn notes into tasks', cadence: { kind: 'manual' }, state: 'active', failureStreak: 0, ...fields },
    ...extra,
  };
}
