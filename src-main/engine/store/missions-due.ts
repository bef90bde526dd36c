/**
 * The runner's reads of active missions by `nextRunAt`, all through the partial index
 * `records_due_missions` of the migrations: its WHERE is spelled literally (a bound parameter would
 * not prove the index applies), so a tick reads only active missions, however large the log and
 * the other tables are.
 */
import type { Mission } from '../../../src-shared/domain/ai';
import type { PrepareRecordsQuery, RecordsQuery } from './records-query';

/** A mission's stored fields with its id, as synced (not validated here). */
export type MissionRow = Mission & { id: string };

const ACTIVE_MISSIONS = `FROM records INDEXED BY records_due_missions
  WHERE app_id = 'ai' AND table_name = 'aiMissions' AND deleted = 0 AND json_extract(data, '$.state') = 'active'`;
const NEXT_RUN = `json_extract(data, '$.nextRunAt')`;

export class MissionsDue {
  private readonly dueAt: RecordsQuery;
  private readonly after: RecordsQuery;
  private readonly soonest: RecordsQuery;
  private readonly withoutNextRun: RecordsQuery;

  constructor(prepare: PrepareRecordsQuery) {
    this.dueAt = prepare(`SELECT record_id AS id, data ${ACTIVE_MISSIONS} AND ${NEXT_RUN} > '' AND ${NEXT_RUN} <= ?`);
    this.after = prepare(`SELECT record_id AS id, data ${ACTIVE_MISSIONS} AND ${NEXT_RUN} > ?`);
    this.soonest = prepare(
      `SELECT record_id AS id, ${NEXT_RUN} AS at, COALESCE(json_extract(data, '$.planWhileWaiting'), 0) AS planWhileWaiting
       ${ACTIVE_MISSIONS} AND ${NEXT_RUN} > '' ORDER BY ${NEXT_RUN} LIMIT ?`,
    );
    this.withoutNextRun = prepare(
      `SELECT record_id AS id, data ${ACTIVE_MISSIONS} AND ${NEXT_RUN} IS NULL
       AND COALESCE(json_extract(data, '$.needsAttention'), 0) = 0 AND COALESCE(json_extract(data, '$.cadence.kind'), 'manual') <> 'manual'`,
    );
  }

  /** Active missions whose nextRunAt (an ISO instant) is at or before `at`. */
  due(at: string): MissionRow[] {
    return missionRows(this.dueAt.all(at));
  }

  /** Active missions whose next run is after `at`. */
  upcoming(at: string): MissionRow[] {
    return missionRows(this.after.all(at));
  }

  /** The `limit` earliest next runs of active missions, earliest first (with the mission's planWhileWaiting). */
  earliest(limit: number): { id: string; at: string; planWhileWaiting: boolean }[] {
    return (this.soonest.all(limit) as { id: string; at: string; planWhileWaiting: number }[]).map((r) => ({ ...r, planWhileWaiting: r.planWhileWaiting === 1 }));
  }

  /** Active missions with a cadence but no next run that are not waiting for the user. */
  unscheduled(): MissionRow[] {
    return missionRows(this.withoutNextRun.all());
  }
}

function missionRows(rows: unknown[]): MissionRow[] {
  return (rows as { id: string; data: string }[]).map((r) => ({ ...(JSON.parse(r.data) as Mission), id: r.id }));
}
