import { randomUUID } from 'node:crypto';
import { and, eq, gte, inArray, isNull, or, sql } from 'drizzle-orm';
import {
  type Controller,
  type DecisionLog,
  decideFenced,
  type Leadership,
  unrecordedDecisions,
} from '../../platform/leadership/index.js';
import { rowsOf } from '../../platform/store/engine.js';
import { type Db, FencedWriteError } from '../../platform/store/index.js';
import { alerts, incidentAlerts, incidents, services } from '../../platform/store/schema.js';
import type { QueryEngine } from '../../telemetry/index.js';
import { absorb, episodeStart, type IncidentGroup, incidentFor } from './grouping.js';
import { DEFAULT_RANKING, type RankingWindow, rankIncident } from './ranking.js';

/** Settings of the incident controller. */
export interface IncidentControllerOptions {
  db: Db;
  query: QueryEngine;
  leadership: Leadership;
  now: () => number;
  /** Alerts starting within this long of an incident's last activity, on shared topology, join it. */
  groupWindowMs?: number;
  /** How often an open incident's root causes are ranked again. */
  rankEveryMs?: number;
  ranking?: RankingWindow;
  intervalMs?: number;
  /** The audit chain, where incidents opened, grown, resolved and reopened are recorded (default: not recorded). */
  decisions?: DecisionLog;
}

interface Tracked extends IncidentGroup {
  isNew: boolean;
  /** The status as read before this pass (open for a new one). */
  status: string;
  alertIds: string[];
}

/**
 * Groups alerts into incidents on the leader: an alert joins an incident it overlaps in time and
 * topology (same node, or a node of one service), else opens one; an incident resolves when all
 * its alerts have, and reopens if a related alert fires within the window. Open incidents are
 * ranked for root causes from the store's metrics. Writes are fenced by the leader's epoch.
 */
export class IncidentController implements Controller {
  readonly name = 'incidents';
  readonly intervalMs: number;
  readonly #windowMs: number;
  readonly #rankEveryMs: number;

  constructor(private readonly o: IncidentControllerOptions) {
    this.intervalMs = o.intervalMs ?? 2_000;
    this.#windowMs = o.groupWindowMs ?? 5 * 60_000;
    this.#rankEveryMs = o.rankEveryMs ?? 30_000;
  }

  async runOnce(): Promise<void> {
    const touched = await this.group();
    await this.rank(touched);
  }

  /** Assigns new alerts to incidents and updates every recent incident's state; returns the ids it changed. */
  async group(): Promise<Set<string>> {
    const now = this.o.now();
    const since = now - this.#windowMs;
    const fresh = await this.o.db
      .select({ id: alerts.id, node: alerts.node, startsAt: alerts.startsAt })
      .from(alerts)
      .leftJoin(incidentAlerts, eq(incidentAlerts.alertId, alerts.id))
      .where(and(isNull(incidentAlerts.alertId), or(eq(alerts.state, 'firing'), gte(alerts.endsAt, since))))
      .orderBy(alerts.startsAt, alerts.id);
    const recent = await this.o.db
      .select()
      .from(incidents)
      .where(or(eq(incidents.status, 'open'), gte(incidents.lastActivityAt, since)));
    const servicesOf = await this.#servicesByNode();
    const groups = new Map<string, Tracked>(
      recent.map((r) => [
        r.id,
        {
          id: r.id,
          nodes: new Set(r.nodes),
          services: new Set(r.services),
          openedAt: r.openedAt,
          lastActivityAt: r.lastActivityAt,
          isNew: false,
          status: r.status,
          alertIds: [],
        },
      ]),
    );
    for (const alert of fresh) {
      const svc = alert.node === null ? [] : (servicesOf.get(alert.node) ?? []);
      let group = incidentFor(alert, groups.values(), (n) => servicesOf.get(n) ?? [], this.#windowMs) as
        | Tracked
        | undefined;
      if (!group) {
        group = {
          id: randomUUID(),
          nodes: new Set(),
          services: new Set(),
          openedAt: alert.startsAt,
          lastActivityAt: alert.startsAt,
          isNew: true,
          status: 'open',
          alertIds: [],
        };
        groups.set(group.id, group);
      }
      absorb(group, alert, svc);
      group.lastActivityAt = Math.max(group.lastActivityAt, alert.startsAt);
      group.alertIds.push(alert.id);
    }
    return this.#write([...groups.values()], now);
  }

  async #servicesByNode(): Promise<Map<string, string[]>> {
    const byNode = new Map<string, string[]>();
    for (const s of await this.o.db.select({ name: services.name, backends: services.backends }).from(services)) {
      for (const b of s.backends) {
        if (b.node === undefined) continue;
        const list = byNode.get(b.node) ?? [];
        if (!list.includes(s.name)) list.push(s.name);
        byNode.set(b.node, list);
      }
    }
    return byNode;
  }

  async #write(groups: Tracked[], now: number): Promise<Set<string>> {
    const changed = new Set<string>();
    const log = this.o.decisions ?? unrecordedDecisions;
    await decideFenced(this.o.db, this.o.leadership, log, this.name, async (tx, decide, epoch) => {
      for (const g of groups) {
        if (g.isNew) {
          await tx.insert(incidents).values({
            id: g.id,
            status: 'open',
            openedAt: g.openedAt,
            lastActivityAt: g.lastActivityAt,
            nodes: [...g.nodes].sort(),
            services: [...g.services].sort(),
            rootCauses: [],
            updatedAt: now,
            epoch,
          });
        }
        if (g.alertIds.length > 0) {
          await tx
            .insert(incidentAlerts)
            .values(g.alertIds.map((alertId) => ({ alertId, incidentId: g.id, addedAt: now })))
            .onConflictDoNothing();
          changed.add(g.id);
        }
        // State follows the alerts: open while one fires; the latest activity is now, or the last end.
        const [state] = rowsOf<{ firing: number; last_end: number | null }>(
          await tx.execute(sql`
            select count(*) filter (where a.state = 'firing')::int as firing, max(a.ends_at)::float8 as last_end
            from incident_alerts ia join alerts a on a.id = ia.alert_id where ia.incident_id = ${g.id}`),
        );
        const firing = Number(state?.firing ?? 0) > 0;
        const lastActivityAt = firing ? now : Math.max(g.lastActivityAt, Number(state?.last_end ?? 0));
        const status = firing ? 'open' : 'resolved';
        // Decisions are the changes: opened, alerts joined, resolved, reopened; a pass that only moves
        // lastActivityAt forward (every pass while an alert fires) is not one.
        const subject = { incident: g.id };
        const detail = { alerts: g.alertIds, nodes: [...g.nodes].sort(), services: [...g.services].sort() };
        if (g.isNew) decide({ decision: 'incident.opened', subject, detail });
        else if (g.alertIds.length > 0) decide({ decision: 'incident.grouped', subject, detail });
        if (status !== g.status) {
          decide({ decision: status === 'open' ? 'incident.reopened' : 'incident.resolved', subject, detail });
        }
        await tx
          .update(incidents)
          .set({
            status,
            resolvedAt: firing ? null : lastActivityAt,
            lastActivityAt,
            openedAt: g.openedAt,
            nodes: [...g.nodes].sort(),
            services: [...g.services].sort(),
            updatedAt: now,
            epoch,
          })
          .where(eq(incidents.id, g.id));
      }
    });
    return changed;
  }

  /** Ranks open incidents that changed, were never ranked, or were ranked longer than `rankEveryMs` ago. */
  async rank(changed: ReadonlySet<string> = new Set()): Promise<void> {
    const now = this.o.now();
    const open = await this.o.db.select().from(incidents).where(eq(incidents.status, 'open'));
    const due = open.filter((r) => changed.has(r.id) || r.rankedAt === null || now - r.rankedAt >= this.#rankEveryMs);
    if (due.length === 0) return;
    const servicesOf = await this.#nodesByService();
    const spans = await this.o.db
      .select({ incident: incidentAlerts.incidentId, startsAt: alerts.startsAt, endsAt: alerts.endsAt })
      .from(incidentAlerts)
      .innerJoin(alerts, eq(alerts.id, incidentAlerts.alertId))
      .where(
        inArray(
          incidentAlerts.incidentId,
          due.map((r) => r.id),
        ),
      );
    for (const r of due) {
      const nodes = new Set(r.nodes);
      for (const s of r.services) for (const n of servicesOf.get(s) ?? []) nodes.add(n);
      // A reopened incident is ranked from the alert that reopened it (its latest episode).
      const episode = episodeStart(spans.filter((s) => s.incident === r.id)) ?? r.openedAt;
      const rootCauses = await rankIncident(this.o.query, {
        nodes: [...nodes].sort(),
        openedAt: episode,
        now,
        window: this.o.ranking ?? DEFAULT_RANKING,
      });
      const fence = this.o.leadership.fence();
      await this.o.db.transaction(async (tx) => {
        if (fence && rowsOf(await tx.execute(fence)).length === 0) throw new FencedWriteError();
        await tx
          .update(incidents)
          .set({ rootCauses, rankedAt: now, epoch: this.o.leadership.epoch })
          .where(and(eq(incidents.id, r.id), inArray(incidents.status, ['open'])));
      });
    }
  }

  async #nodesByService(): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const s of await this.o.db.select({ name: services.name, backends: services.backends }).from(services)) {
      out.set(
        s.name,
        s.backends.flatMap((b) => (b.node === undefined ? [] : [b.node])),
      );
    }
    return out;
  }
}
