import { IncidentDetail, IncidentList, IncidentsQuery, Problem } from '@aurora/sdk';
import { Type } from '@sinclair/typebox';
import { desc, eq, inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { alertView } from '../../alerting/index.js';
import { AuroraError } from '../../platform/http/errors.js';
import type { Db } from '../../platform/store/engine.js';
import { alerts, incidentAlerts, incidents, type StoredRootCause, silences } from '../../platform/store/schema.js';

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };
const security = [{ admin: [] }];
const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

type IncidentRow = typeof incidents.$inferSelect;

function rootCauseView(c: StoredRootCause) {
  return {
    component: c.component,
    score: c.score,
    onsetAt: isoOrNull(c.onsetMs),
    evidence: c.evidence.map((e) => ({
      metric: e.metric,
      score: e.score,
      direction: e.direction,
      peakAt: iso(e.peakMs),
      peakValue: e.peakValue,
      onsetAt: isoOrNull(e.onsetMs),
      normalMedian: e.normalMedian,
      normalSpread: e.normalSpread,
    })),
  };
}

function incidentView(r: IncidentRow, alertCount: number) {
  return {
    id: r.id,
    status: r.status as 'open' | 'resolved',
    openedAt: iso(r.openedAt),
    resolvedAt: isoOrNull(r.resolvedAt),
    nodes: r.nodes,
    services: r.services,
    alertCount,
    rankedAt: isoOrNull(r.rankedAt),
    rootCauses: r.rootCauses.map(rootCauseView),
  };
}

async function alertCounts(db: Db, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: incidentAlerts.incidentId })
    .from(incidentAlerts)
    .where(inArray(incidentAlerts.incidentId, ids));
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.id, (out.get(r.id) ?? 0) + 1);
  return out;
}

/** Incidents and their root-cause rankings. */
export async function registerIncidentRoutes(app: FastifyInstance, db: Db, now: () => number): Promise<void> {
  app.get(
    '/v1/incidents',
    {
      schema: {
        summary: 'Incidents, newest first: alerts grouped by time and topology, with ranked root causes',
        tags: ['healing'],
        security,
        querystring: IncidentsQuery,
        response: { 200: IncidentList, ...errors },
      },
    },
    async (request) => {
      const q = request.query as IncidentsQuery;
      const rows = await db
        .select()
        .from(incidents)
        .where(q.status ? eq(incidents.status, q.status) : undefined)
        .orderBy(desc(incidents.openedAt), desc(incidents.id))
        .limit(q.limit ?? 100);
      const counts = await alertCounts(
        db,
        rows.map((r) => r.id),
      );
      return { items: rows.map((r) => incidentView(r, counts.get(r.id) ?? 0)) };
    },
  );

  app.get(
    '/v1/incidents/:id',
    {
      schema: {
        summary: 'One incident with its alerts and the evidence behind each root-cause candidate',
        tags: ['healing'],
        security,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: IncidentDetail, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const [row] = await db.select().from(incidents).where(eq(incidents.id, id));
      if (!row) {
        throw new AuroraError(
          'AURORA_INCIDENT_NOT_FOUND',
          `no incident with id "${id}"; list them with GET /v1/incidents`,
        );
      }
      const members = (
        await db
          .select({ alertId: incidentAlerts.alertId })
          .from(incidentAlerts)
          .where(eq(incidentAlerts.incidentId, id))
      ).map((r) => r.alertId);
      const rows = members.length
        ? await db.select().from(alerts).where(inArray(alerts.id, members)).orderBy(alerts.startsAt, alerts.id)
        : [];
      const all = await db.select().from(silences);
      const t = now();
      return { ...incidentView(row, rows.length), alerts: rows.map((a) => alertView(a, all, t)) };
    },
  );
}
