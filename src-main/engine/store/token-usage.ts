/** Tokens each agent used per local day (local, never synced): what daily budgets are checked against. */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

export class TokenUsage {
  private readonly selectOne: Statement;
  private readonly selectDay: Statement;
  private readonly upsert: Statement;
  private readonly pruneOlder: Statement;

  constructor(db: Db) {
    this.selectOne = db.prepare('SELECT tokens FROM token_usage WHERE day = ? AND agent_id = ?').pluck();
    this.selectDay = db.prepare('SELECT agent_id, tokens FROM token_usage WHERE day = ?');
    this.upsert = db.prepare(
      'INSERT INTO token_usage (day, agent_id, tokens) VALUES (?, ?, ?) ON CONFLICT(day, agent_id) DO UPDATE SET tokens = tokens + excluded.tokens',
    );
    this.pruneOlder = db.prepare('DELETE FROM token_usage WHERE day < ?');
  }

  /** Deletes the days before `day` (budgets are per day; history/keeper.ts keeps a year); how many rows went. */
  pruneBefore(day: string): number {
    return this.pruneOlder.run(day).changes;
  }

  /** Tokens the agent used on `day` (YYYY-MM-DD, the user's wall clock). */
  tokens(day: string, agentId: string): number {
    return (this.selectOne.get(day, agentId) as number | undefined) ?? 0;
  }

  /** Every agent's tokens on `day`. */
  byAgent(day: string): Record<string, number> {
    const rows = this.selectDay.all(day) as { agent_id: string; tokens: number }[];
    return Object.fromEntries(rows.map((r) => [r.agent_id, r.tokens]));
  }

  add(day: string, agentId: string, tokens: number): void {
    this.upsert.run(day, agentId, tokens);
  }
}
