import { tryParseDuration } from '@aurora/core';
import type { AlertSelector, PlaybookSpec } from '@aurora/sdk';
import { and, eq, gte, inArray, like, lt, sql } from 'drizzle-orm';
import {
  type Controller,
  type ControllerDecision,
  type DecisionLog,
  type Leadership,
  SingleProcessLeadership,
  unrecordedDecisions,
} from '../../platform/leadership/index.js';
import { type Db, rowsOf, type Tx } from '../../platform/store/engine.js';
import { FencedWriteError } from '../../platform/store/index.js';
import { alertRules, alerts, workflowRuns } from '../../platform/store/schema.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import { latestPlaybooks } from './routes.js';
import { FIRST_ACTION_POSITION, type PlaybookRunInput, playbookWorkflowName } from './workflow.js';

type AlertRow = typeof alerts.$inferSelect;

/**
 * Whether a firing alert is what a playbook's trigger selects. `ruleName` is the name of the
 * threshold rule that raised the alert (undefined for live detection's, or a deleted rule's).
 */
export function selects(
  selector: AlertSelector,
  alert: Pick<AlertRow, 'metric' | 'node' | 'labels'>,
  ruleName?: string,
): boolean {
  if (selector.rule !== undefined && selector.rule !== ruleName) return false;
  if (selector.metric !== undefined && selector.metric !== alert.metric) return false;
  if (selector.node !== undefined && selector.node !== alert.node) return false;
  for (const [k, v] of Object.entries(selector.labels ?? {})) if (alert.labels[k] !== v) return false;
  return true;
}

/**
 * Starts playbook runs on the leader: one run per firing alert (with a node) and matching playbook,
 * keyed by both so a trigger seen again starts nothing new, unless the playbook's cool-down or
 * rate limit, counted from stored runs, holds it back. Runs whose alert resolved while they were
 * still queued are cancelled here too.
 */
export class PlaybookTrigger implements Controller {
  readonly name = 'playbook-trigger';
  readonly intervalMs: number;

  constructor(
    private readonly o: {
      db: Db;
      engine: WorkflowEngine;
      now: () => number;
      intervalMs?: number;
      /** Fences the runs it starts and cancels (default: one process that always leads). */
      leadership?: Leadership;
      /** The audit chain, where runs started and cancelled are recorded (default: not recorded). */
      decisions?: DecisionLog;
    },
  ) {
    this.intervalMs = o.intervalMs ?? 2_000;
  }

  /**
   * What runs in the transaction that starts or cancels a run: the leader's fence (a deposed
   * leader's start or cancel is rolled back), then the decision's audit entry, so a run is never
   * started or cancelled by this controller without its record, nor recorded without being so.
   */
  #recorded(decision: ControllerDecision): (tx: Tx) => Promise<void> {
    const leadership = this.o.leadership ?? new SingleProcessLeadership();
    const epoch = leadership.epoch;
    const fence = leadership.fence();
    return async (tx) => {
      if (fence && rowsOf(await tx.execute(fence)).length === 0) throw new FencedWriteError();
      await (this.o.decisions ?? unrecordedDecisions).record(tx, this.name, epoch, [decision]);
    };
  }

  async runOnce(): Promise<void> {
    await this.cancelStale();
    const books = await latestPlaybooks(this.o.db);
    if (books.length === 0) return;
    const firing = await this.o.db.select().from(alerts).where(eq(alerts.state, 'firing'));
    const ruleNames = new Map<string, string>();
    if (books.some((b) => (b.spec as PlaybookSpec).trigger.alert.rule !== undefined)) {
      for (const r of await this.o.db.select({ id: alertRules.id, name: alertRules.name }).from(alertRules)) {
        ruleNames.set(`rule:${r.id}`, r.name);
      }
    }
    for (const book of books) {
      const spec = book.spec as PlaybookSpec;
      for (const alert of firing) {
        if (alert.node === null || !selects(spec.trigger.alert, alert, ruleNames.get(alert.source))) continue;
        const key = `playbook:${book.name}:${alert.id}`;
        const [existing] = await this.o.db
          .select({ id: workflowRuns.id })
          .from(workflowRuns)
          .where(eq(workflowRuns.idempotencyKey, key));
        if (existing || !(await this.#allowed(book.name, spec, alert.node))) continue;
        const input: PlaybookRunInput = {
          playbook: book.name,
          version: book.version,
          alertId: alert.id,
          node: alert.node,
        };
        await this.o.engine.start(playbookWorkflowName(book.name, book.version), input, key, (tx, run) =>
          this.#recorded({
            decision: 'playbook.run-started',
            subject: { run: run.id, alert: alert.id, node: alert.node },
            detail: { playbook: `${book.name}@${book.version}`, metric: alert.metric },
          })(tx),
        );
      }
    }
  }

  /** The cool-down (since the last run on this node) and the rate limit both leave room. */
  async #allowed(playbook: string, spec: PlaybookSpec, node: string): Promise<boolean> {
    const now = this.o.now();
    const ofPlaybook = like(workflowRuns.workflow, `${playbookWorkflowName(playbook, 0).slice(0, -1)}%`);
    const onNode = sql`${workflowRuns.input}->>'node' = ${node}`;
    const count = async (sinceMs: number, perNode: boolean) => {
      const [row] = await this.o.db
        .select({ n: sql<number>`count(*)::int` })
        .from(workflowRuns)
        .where(and(ofPlaybook, gte(workflowRuns.createdAt, now - sinceMs), perNode ? onNode : undefined));
      return Number(row?.n ?? 0);
    };
    const cooldownMs = spec.cooldown === undefined ? 0 : (tryParseDuration(spec.cooldown) ?? 0);
    if (cooldownMs > 0 && (await count(cooldownMs, true)) > 0) return false;
    if (spec.rateLimit) {
      const windowMs = tryParseDuration(spec.rateLimit.window) ?? 0;
      if ((await count(windowMs, spec.rateLimit.per === 'node')) >= spec.rateLimit.max) return false;
    }
    return true;
  }

  /**
   * Cancels playbook runs that have not acted yet (queued, or waiting for approval) and whose alert
   * resolved: never act on a stale signal.
   */
  async cancelStale(): Promise<number> {
    const active = await this.o.db
      .select({
        id: workflowRuns.id,
        cursor: workflowRuns.cursor,
        alertId: sql<string>`${workflowRuns.input}->>'alertId'`,
      })
      .from(workflowRuns)
      .where(
        and(
          like(workflowRuns.workflow, 'playbook:%'),
          inArray(workflowRuns.status, ['pending', 'waiting']),
          lt(workflowRuns.cursor, FIRST_ACTION_POSITION),
        ),
      );
    if (active.length === 0) return 0;
    const resolved = new Set(
      (
        await this.o.db
          .select({ id: alerts.id })
          .from(alerts)
          .where(
            and(
              inArray(
                alerts.id,
                active.map((r) => r.alertId),
              ),
              eq(alerts.state, 'resolved'),
            ),
          )
      ).map((r) => r.id),
    );
    let cancelled = 0;
    for (const run of active) {
      if (!resolved.has(run.alertId)) continue;
      const where = run.cursor === 0 ? 'was queued' : 'waited for approval';
      const reason = `alert ${run.alertId} resolved while the run ${where}`;
      const recorded = this.#recorded({
        decision: 'playbook.run-cancelled',
        subject: { run: run.id, alert: run.alertId },
        detail: { reason },
      });
      if (await this.o.engine.cancel(run.id, reason, recorded)) cancelled++;
    }
    return cancelled;
  }
}
