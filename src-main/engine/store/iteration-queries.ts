/**
 * Reads of iterations and their proposals by indexed fields: the pending proposals (the status
 * bar's count, an iteration's "approve all", the missions waiting for review), a mission's last
 * iterations (the prompt's history) and the changes a mission made or proposed since a time (the
 * runner's check against repeated work).
 */
import type { Iteration, Proposal, ProposalStatus } from '../../../src-shared/domain/ai';
import type { PrepareRecordsQuery, RecordsQuery } from './records-query';

const PENDING = `FROM records INDEXED BY records_proposals_status
  WHERE app_id = 'ai' AND table_name = 'aiProposals' AND deleted = 0 AND json_extract(data, '$.status') = 'pending'`;

/** Proposals waiting for review of one mission: how many, and since when. */
export interface ReviewWait {
  count: number;
  /** createdAt of the oldest */
  oldestAt: string;
}

/** A write step of one of a mission's runs, with its proposal's fate when it made one. */
export interface MissionChange {
  toolName: string;
  /** the step's params (what the model asked for) */
  params: Record<string, unknown>;
  /** 'auto' when it was applied at once, 'propose' when it became a proposal */
  policy: 'auto' | 'propose';
  /** the run's start */
  at: string;
  proposalStatus: ProposalStatus | null;
  /** the proposal's params (the user's edit when approved after editing) */
  proposalParams: Record<string, unknown> | null;
  originalParams: Record<string, unknown> | null;
}

export class IterationQueries {
  private readonly pendingCount: RecordsQuery;
  private readonly pendingOfIteration: RecordsQuery;
  private readonly pendingOfMission: RecordsQuery;
  private readonly pendingByMission: RecordsQuery;
  private readonly recentOfMission: RecordsQuery;
  private readonly changesOfMission: RecordsQuery;

  constructor(prepare: PrepareRecordsQuery) {
    this.pendingCount = prepare(`SELECT COUNT(*) AS n ${PENDING}`);
    this.pendingOfIteration = prepare(`SELECT record_id AS id, data ${PENDING} AND json_extract(data, '$.iterationId') = ?`);
    this.pendingOfMission = prepare(`SELECT record_id AS id, data ${PENDING} AND json_extract(data, '$.missionId') = ?`);
    this.pendingByMission = prepare(
      `SELECT json_extract(data, '$.missionId') AS missionId, COUNT(*) AS n, MIN(json_extract(data, '$.createdAt')) AS oldestAt ${PENDING}
       GROUP BY json_extract(data, '$.missionId')`,
    );
    this.recentOfMission = prepare(
      `SELECT record_id AS id, data FROM records INDEXED BY records_iterations_mission
       WHERE app_id = 'ai' AND table_name = 'aiIterations' AND deleted = 0 AND json_extract(data, '$.missionId') = ?
       ORDER BY json_extract(data, '$.startedAt') DESC LIMIT ?`,
    );
    // The mission's runs since a time (the index's range), each used write step, and its proposal by key.
    this.changesOfMission = prepare(
      `SELECT json_extract(s.value, '$.toolName') AS toolName, json_extract(s.value, '$.params') AS params,
              json_extract(s.value, '$.policy') AS policy, json_extract(it.data, '$.startedAt') AS at,
              json_extract(p.data, '$.status') AS proposalStatus, json_extract(p.data, '$.params') AS proposalParams,
              json_extract(p.data, '$.originalParams') AS originalParams
       FROM records AS it INDEXED BY records_iterations_mission
       JOIN json_each(it.data, '$.steps') AS s
       LEFT JOIN records AS p ON p.app_id = 'ai' AND p.table_name = 'aiProposals' AND p.deleted = 0
         AND p.record_id = json_extract(s.value, '$.proposalId')
       WHERE it.app_id = 'ai' AND it.table_name = 'aiIterations' AND it.deleted = 0
         AND json_extract(it.data, '$.missionId') = ? AND json_extract(it.data, '$.startedAt') >= ?
         AND json_extract(s.value, '$.kind') = 'write' AND json_extract(s.value, '$.error') IS NULL
         AND json_extract(s.value, '$.refused') IS NULL AND json_extract(s.value, '$.policy') IN ('auto', 'propose')
       ORDER BY json_extract(it.data, '$.startedAt') DESC LIMIT ?`,
    );
  }

  /** How many proposals wait for a decision, over all missions. */
  pendingProposals(): number {
    return (this.pendingCount.get() as { n: number }).n;
  }

  /** The proposals of one iteration that wait for a decision, in no particular order. */
  pendingProposalsOf(iterationId: string): Proposal[] {
    return proposals(this.pendingOfIteration.all(iterationId));
  }

  /** The proposals of one mission that wait for a decision, in no particular order. */
  pendingProposalsOfMission(missionId: string): Proposal[] {
    return proposals(this.pendingOfMission.all(missionId));
  }

  /** Per mission with proposals waiting for review: how many and since when. */
  waitingForReview(): Map<string, ReviewWait> {
    const rows = this.pendingByMission.all() as { missionId: string | null; n: number; oldestAt: string | null }[];
    return new Map(rows.filter((r) => r.missionId).map((r) => [r.missionId!, { count: r.n, oldestAt: r.oldestAt ?? '' }]));
  }

  /** A mission's newest `limit` iterations (with their ids), newest first. */
  recentIterations(missionId: string, limit: number): Iteration[] {
    return (this.recentOfMission.all(missionId, limit) as { id: string; data: string }[]).map((r) => ({ ...(JSON.parse(r.data) as Iteration), id: r.id }));
  }

  /** The write steps a mission's runs applied or proposed since `since` (newest first, at most `limit`), with their proposals' fate. */
  changesSince(missionId: string, since: string, limit: number): MissionChange[] {
    const rows = this.changesOfMission.all(missionId, since, limit) as Record<string, string | null>[];
    return rows.map((r) => ({
      toolName: r.toolName ?? '',
      params: json(r.params) ?? {},
      policy: r.policy === 'auto' ? 'auto' : 'propose',
      at: r.at ?? '',
      proposalStatus: (r.proposalStatus as ProposalStatus | null) ?? null,
      proposalParams: json(r.proposalParams),
      originalParams: json(r.originalParams),
    }));
  }
}

function proposals(rows: unknown[]): Proposal[] {
  return (rows as { id: string; data: string }[]).map((r) => ({ ...(JSON.parse(r.data) as Proposal), id: r.id }));
}

function json(text: string | null | undefined): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
