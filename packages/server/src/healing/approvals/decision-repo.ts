import { asc, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/store/engine.js';
import { runApprovals } from '../../platform/store/schema.js';
import type { StoredDecision } from './plan.js';

function toDecision(r: typeof runApprovals.$inferSelect): StoredDecision {
  return {
    approver: r.approver,
    name: r.name,
    level: r.level,
    decision: r.decision as StoredDecision['decision'],
    reason: r.reason,
    at: r.decidedAt,
  };
}

/** People's decisions on runs' approvals, one per person and run. */
export class DecisionRepo {
  constructor(private readonly db: Db) {}

  /** Stores a decision; false when this person already decided on this run. */
  async add(runId: string, d: StoredDecision): Promise<boolean> {
    const rows = await this.db
      .insert(runApprovals)
      .values({
        runId,
        approver: d.approver,
        name: d.name,
        level: d.level,
        decision: d.decision,
        reason: d.reason,
        decidedAt: d.at,
      })
      .onConflictDoNothing()
      .returning({ runId: runApprovals.runId });
    return rows.length > 0;
  }

  /** A run's decisions, oldest first. */
  async of(runId: string): Promise<StoredDecision[]> {
    return (await this.byRun([runId])).get(runId) ?? [];
  }

  /** Decisions of several runs at once (a page of runs), oldest first per run. */
  async byRun(runIds: readonly string[]): Promise<Map<string, StoredDecision[]>> {
    const out = new Map<string, StoredDecision[]>();
    if (runIds.length === 0) return out;
    const rows = await this.db
      .select()
      .from(runApprovals)
      .where(inArray(runApprovals.runId, [...runIds]))
      .orderBy(asc(runApprovals.decidedAt), asc(runApprovals.seq));
    for (const r of rows) {
      const list = out.get(r.runId) ?? [];
      list.push(toDecision(r));
      out.set(r.runId, list);
    }
    return out;
  }

  /** The one decision of a person on a run, if any. */
  async find(runId: string, approver: string): Promise<StoredDecision | undefined> {
    return (await this.of(runId)).find((d) => d.approver === approver);
  }
}
