import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNull, lt, type SQL, sql } from 'drizzle-orm';
import {
  type Controller,
  type ControllerDecision,
  type DecisionLog,
  decideFenced,
  type Leadership,
  unrecordedDecisions,
} from '../platform/leadership/index.js';
import type { Db, Tx } from '../platform/store/engine.js';
import { alertRules, alerts, anomalies } from '../platform/store/schema.js';
import { parseSelector, type QueryEngine } from '../telemetry/index.js';
import { RULE_BUCKETS, ruleHeld, type ThresholdOp } from './rules.js';

/** Options of the {@link AlertController}. */
export interface AlertControllerOptions {
  db: Db;
  query: QueryEngine;
  leadership: Leadership;
  now: () => number;
  /** An anomaly alert resolves after its series has had no anomaly for this long. */
  resolveAfterMs: number;
  intervalMs?: number;
  /** How often threshold rules are evaluated (default 15 s, Prometheus' default evaluation interval). */
  ruleIntervalMs?: number;
  /**
   * How old a series' newest reading may be and its rule still count as held (default 10 s):
   * readings arrive in heartbeats, so allow one heartbeat interval between sends and one more
   * for a heartbeat that is late or retried.
   */
  sampleLateMs?: number;
  /** The audit chain, where an alert's firing and resolving are recorded (default: not recorded). */
  decisions?: DecisionLog;
  /** Told of the alerts that fired or resolved, once the transaction that did so has committed. */
  onChanged?: (changes: readonly AlertChange[]) => void;
}

/** An alert that fired or resolved. */
export interface AlertChange {
  alert: string;
  node: string | null;
  source: string;
  state: 'firing' | 'resolved';
}

type AlertRow = typeof alerts.$inferSelect;

/** An alert's firing or resolving as the audit chain records it. */
function alertDecision(
  decision: 'alert.fired' | 'alert.resolved',
  a: Pick<AlertRow, 'id' | 'node' | 'source' | 'metric' | 'labels'>,
  reason: string,
): ControllerDecision {
  return {
    decision,
    subject: { alert: a.id, node: a.node },
    detail: { source: a.source, metric: a.metric, labels: a.labels, reason },
  };
}

/** What identifies one alerting thing: the source, the node and the series. */
export function fingerprint(source: string, metric: string, labels: Record<string, string>): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${source}|${metric}{${pairs.join(',')}}`;
}

type AnomalyRow = typeof anomalies.$inferSelect;

/**
 * Turns anomalies into alerts on the leader: anomalies of one series (so of
 * one node) join the alert firing for it, or open one; an alert whose series
 * stayed free of anomalies for `resolveAfterMs` resolves. Threshold rules
 * fire an alert per series once their condition held for the rule's
 * duration, and resolve it when it stops holding. At most one alert per
 * fingerprint fires (a partial unique index), so alerts are never doubled.
 */
export class AlertController implements Controller {
  readonly name = 'alerts';
  readonly intervalMs: number;
  #lastRulesAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly o: AlertControllerOptions) {
    this.intervalMs = o.intervalMs ?? 500;
  }

  async runOnce(): Promise<void> {
    await this.group();
    await this.resolveQuiet();
    if (this.o.now() - this.#lastRulesAt >= (this.o.ruleIntervalMs ?? 15_000)) {
      this.#lastRulesAt = this.o.now();
      await this.evaluateRules();
    }
  }

  /**
   * A fenced transaction; the alerts it fires or resolves are appended to the audit chain in it, and
   * announced through `onChanged` once it has committed.
   */
  async #fenced<T>(work: (tx: Tx, decide: (d: ControllerDecision) => void) => Promise<T>): Promise<T> {
    const changes: AlertChange[] = [];
    const result = await decideFenced(
      this.o.db,
      this.o.leadership,
      this.o.decisions ?? unrecordedDecisions,
      this.name,
      (tx, decide) =>
        work(tx, (d) => {
          const subject = d.subject as { alert: string; node: string | null };
          const state = d.decision === 'alert.fired' ? 'firing' : 'resolved';
          changes.push({ alert: subject.alert, node: subject.node, source: String(d.detail?.source), state });
          decide(d);
        }),
    );
    if (changes.length > 0) this.o.onChanged?.(changes);
    return result;
  }

  /** Resolves the firing alerts `where` selects, each recorded with `reason`. */
  async #resolve(tx: Tx, decide: (d: ControllerDecision) => void, where: SQL, now: number, reason: string) {
    const resolved = await tx
      .update(alerts)
      .set({ state: 'resolved', endsAt: now, updatedAt: now })
      .where(and(eq(alerts.state, 'firing'), where))
      .returning({
        id: alerts.id,
        node: alerts.node,
        source: alerts.source,
        metric: alerts.metric,
        labels: alerts.labels,
      });
    for (const a of resolved) decide(alertDecision('alert.resolved', a, reason));
  }

  /** Assigns anomalies not yet alerted to the alert of their series, opening one where none fires. */
  async group(): Promise<number> {
    const now = this.o.now();
    return this.#fenced(async (tx, decide) => {
      const rows: AnomalyRow[] = await tx
        .select()
        .from(anomalies)
        .where(isNull(anomalies.alertId))
        .orderBy(asc(anomalies.id))
        .limit(1_000)
        .for('update', { skipLocked: true });
      if (rows.length === 0) return 0;
      const byPrint = new Map<string, AnomalyRow[]>();
      for (const r of rows) {
        const key = fingerprint('anomaly', r.metric, r.labels);
        const group = byPrint.get(key);
        if (group) group.push(r);
        else byPrint.set(key, [r]);
      }
      const firing = await tx
        .select()
        .from(alerts)
        .where(and(eq(alerts.state, 'firing'), inArray(alerts.fingerprint, [...byPrint.keys()])));
      const open = new Map(firing.map((a) => [a.fingerprint, a]));
      for (const [print, group] of byPrint) {
        const top = group.reduce((a, b) => (b.score > a.score ? b : a));
        const lastAt = Math.max(...group.map((g) => g.at));
        const existing = open.get(print);
        let id: string;
        if (existing) {
          id = existing.id;
          await tx
            .update(alerts)
            .set({
              lastSeenAt: Math.max(existing.lastSeenAt, lastAt),
              score: Math.max(existing.score, top.score),
              updatedAt: now,
            })
            .where(eq(alerts.id, id));
        } else {
          id = randomUUID();
          const first = group[0] as AnomalyRow;
          await tx.insert(alerts).values({
            id,
            fingerprint: print,
            source: 'anomaly',
            state: 'firing',
            node: first.node,
            metric: first.metric,
            labels: first.labels,
            startsAt: first.at,
            endsAt: null,
            lastSeenAt: lastAt,
            summary: `${first.metric}${first.node ? ` on ${first.node}` : ''}: ${first.explanation}`,
            score: top.score,
            notifiedState: null,
            updatedAt: now,
          });
          decide(alertDecision('alert.fired', { ...first, id, source: 'anomaly' }, first.explanation));
        }
        await tx
          .update(anomalies)
          .set({ alertId: id })
          .where(
            inArray(
              anomalies.id,
              group.map((g) => g.id),
            ),
          );
      }
      return rows.length;
    });
  }

  /** Resolves anomaly alerts whose series has been free of anomalies for `resolveAfterMs`. */
  async resolveQuiet(): Promise<void> {
    const now = this.o.now();
    await this.#fenced((tx, decide) =>
      this.#resolve(
        tx,
        decide,
        and(eq(alerts.source, 'anomaly'), lt(alerts.lastSeenAt, now - this.o.resolveAfterMs)) as SQL,
        now,
        `no anomaly for ${Math.round(this.o.resolveAfterMs / 1000)} s`,
      ),
    );
  }

  /** Evaluates every threshold rule once: fires an alert per series in breach for the rule's duration, resolves the rest. */
  async evaluateRules(): Promise<void> {
    const rules = await this.o.db.select().from(alertRules);
    const now = this.o.now();
    for (const rule of rules) {
      const op = rule.op as ThresholdOp;
      const lateMs = this.o.sampleLateMs ?? 10_000;
      const from = now - rule.forMs - lateMs;
      const answer = await this.o.query.range({
        selector: parseSelector(rule.selector),
        from,
        to: now,
        stepMs: Math.max(1_000, Math.floor(rule.forMs / RULE_BUCKETS)),
        agg: op === '>' || op === '>=' ? 'min' : 'max',
      });
      const source = `rule:${rule.id}`;
      const breached = new Map<string, { labels: Record<string, string>; metric: string; last: number }>();
      for (const s of answer.series) {
        const points = JSON.parse(s.pointsJson) as [number, number | string][];
        if (!ruleHeld(points, op, rule.value, rule.forMs, now, lateMs)) continue;
        const last = points[points.length - 1]?.[1];
        breached.set(fingerprint(source, s.name, s.labels), {
          labels: s.labels,
          metric: s.name,
          last: typeof last === 'number' ? last : Number.NaN,
        });
      }
      await this.#fenced(async (tx, decide) => {
        const firing = await tx
          .select()
          .from(alerts)
          .where(and(eq(alerts.state, 'firing'), eq(alerts.source, source)));
        const open = new Set(firing.map((a) => a.fingerprint));
        const held = firing.filter((a) => breached.has(a.fingerprint));
        const ended = firing.filter((a) => !breached.has(a.fingerprint));
        // One statement for the alerts still breached and one for those no longer, not one per alert.
        if (held.length > 0) {
          await tx
            .update(alerts)
            .set({ lastSeenAt: now })
            .where(
              inArray(
                alerts.id,
                held.map((a) => a.id),
              ),
            );
        }
        if (ended.length > 0) {
          await tx
            .update(alerts)
            .set({ state: 'resolved', endsAt: now, updatedAt: now })
            .where(
              inArray(
                alerts.id,
                ended.map((a) => a.id),
              ),
            );
          for (const a of ended) decide(alertDecision('alert.resolved', a, `rule ${rule.name} no longer breached`));
        }
        for (const [print, b] of breached) {
          if (open.has(print)) continue;
          const node = b.labels.node ?? b.labels.instance ?? null;
          const id = randomUUID();
          decide(
            alertDecision(
              'alert.fired',
              { id, node, source, metric: b.metric, labels: b.labels },
              `rule ${rule.name}: ${rule.op} ${rule.value} for ${Math.round(rule.forMs / 1000)} s`,
            ),
          );
          await tx.insert(alerts).values({
            id,
            fingerprint: print,
            source,
            state: 'firing',
            node,
            metric: b.metric,
            labels: b.labels,
            startsAt: from,
            endsAt: null,
            lastSeenAt: now,
            summary: `${rule.name}: ${b.metric}${node ? ` on ${node}` : ''} ${rule.op} ${rule.value} for ${Math.round(rule.forMs / 1000)} s (now ${b.last})`,
            score: 1,
            notifiedState: null,
            updatedAt: now,
          });
        }
      });
    }
    // Alerts of deleted rules resolve with them.
    await this.#fenced((tx, decide) =>
      this.#resolve(
        tx,
        decide,
        sql`${alerts.source} like 'rule:%' and substr(${alerts.source}, 6) not in (select id from alert_rules)`,
        now,
        'its rule was deleted',
      ),
    );
  }
}
