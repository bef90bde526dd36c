/**
 * Reads of iterations and their proposals by indexed fields: the pending proposals (the status
 * bar's count, an iteration's "approve all") and a mission's last iterations (the prompt's history).
 */
import type { Iteration, Proposal } from '../../../src-shared/domain/ai';
import type { PrepareRecordsQuery, RecordsQuery } from './records-query';

export class IterationQueries {
  private readonly pendingCount: RecordsQuery;
  private readonly pendingOfIteration: RecordsQuery;
  private readonly recentOfMission: RecordsQuery;

  constructor(prepare: PrepareRecordsQuery) {
    this.pendingCount = prepare(
      `SELECT COUNT(*) AS n FROM records INDEXED BY records_proposals_status
       WHERE app_id = 'ai' AND table_name = 'aiProposals' AND deleted = 0 AND json_extract(data, '$.status') = 'pending'`,
    );
    this.pendingOfIteration = prepare(
      `SELECT record_id AS id, data FROM records WHERE app_id = 'ai' AND table_name = 'aiProposals' AND deleted = 0
       AND json_extract(data, '$.iterationId') = ? AND json_extract(data, '$.status') = 'pending'`,
    );
    this.recentOfMission = prepare(
      `SELECT record_id AS id, data FROM records INDEXED BY records_iterations_mission
       WHERE app_id = 'ai' AND table_name = 'aiIterations' AND deleted = 0 AND json_extract(data, '$.missionId') = ?
       ORDER BY json_extract(data, '$.startedAt') DESC LIMIT ?`,
    );
  }

  /** How many proposals wait for a decision, over all missions. */
  pendingProposals(): number {
    return (this.pendingCount.get() as { n: number }).n;
  }

  /** The proposals of one iteration that wait for a decision, in no particular order. */
  pendingProposalsOf(iterationId: string): Proposal[] {
    const rows = this.pendingOfIteration.all(iterationId) as { id: string; data: string }[];
    return rows.map((r) => ({ ...(JSON.parse(r.data) as Proposal), id: r.id }));
  }

  /** A mission's newest `limit` iterations (with their ids), newest first. */
  recentIterations(missionId: string, limit: number): Iteration[] {
    return (this.recentOfMission.all(missionId, limit) as { id: string; data: string }[]).map((r) => ({ ...(JSON.parse(r.data) as Iteration), id: r.id }));
  }
}
