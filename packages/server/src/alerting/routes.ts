import { randomUUID } from 'node:crypto';
import {
  AlertDeliveryList,
  AlertList,
  AlertRule,
  AlertRuleList,
  AlertsQuery,
  CreateAlertRule,
  CreateSilence,
  Problem,
  Silence,
  SilenceList,
} from '@aurora/sdk';
import { Type } from '@sinclair/typebox';
import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { AuroraError } from '../platform/http/errors.js';
import type { Db } from '../platform/store/engine.js';
import { alertDeliveries, alertRules, alerts, silences } from '../platform/store/schema.js';
import type { AlertChange } from './controller.js';
import { ruleView, validateRule } from './rules.js';
import { type AlertRow, isSilenced, type SilenceRow, silenceView, validateSilence } from './silences.js';

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };
const security = [{ admin: [] }];
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export function alertView(a: AlertRow, all: readonly SilenceRow[], now: number) {
  return {
    id: a.id,
    state: a.state as 'firing' | 'resolved',
    node: a.node,
    metric: a.metric,
    labels: a.labels,
    startsAt: new Date(a.startsAt).toISOString(),
    endsAt: a.endsAt === null ? null : new Date(a.endsAt).toISOString(),
    summary: a.summary,
    score: a.score,
    source: a.source,
    silenced: isSilenced(a, all, now),
  };
}

/** Alerts, threshold rules, silences and the delivery log. */
export async function registerAlertRoutes(
  app: FastifyInstance,
  db: Db,
  now: () => number,
  onChanged: (changes: readonly AlertChange[]) => void = () => {},
): Promise<void> {
  app.get(
    '/v1/alerts',
    {
      schema: {
        summary: 'Alerts, newest first: anomalies grouped per node and series, and threshold rule breaches',
        tags: ['alerts'],
        security,
        querystring: AlertsQuery,
        response: { 200: AlertList, ...errors },
      },
    },
    async (request) => {
      const q = request.query as AlertsQuery;
      const where: SQL[] = [];
      if (q.state) where.push(eq(alerts.state, q.state));
      if (q.node) where.push(eq(alerts.node, q.node));
      const rows = await db
        .select()
        .from(alerts)
        .where(where.length ? and(...where) : undefined)
        .orderBy(desc(alerts.startsAt), desc(alerts.id))
        .limit(q.limit ?? 200);
      const all = await db.select().from(silences);
      const t = now();
      return { items: rows.map((a) => alertView(a, all, t)) };
    },
  );

  app.post(
    '/v1/alerts/:id/resolve',
    {
      schema: {
        summary: 'Resolve an alert by hand (it fires again, as a new alert, if the trouble recurs)',
        tags: ['alerts'],
        security,
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const t = now();
      const done = await db
        .update(alerts)
        .set({ state: 'resolved', endsAt: t, updatedAt: t })
        .where(and(eq(alerts.id, id), eq(alerts.state, 'firing')))
        .returning({ id: alerts.id, node: alerts.node, source: alerts.source });
      if (done.length > 0)
        onChanged(done.map((a) => ({ alert: a.id, node: a.node, source: a.source, state: 'resolved' })));
      else {
        const [exists] = await db.select({ id: alerts.id }).from(alerts).where(eq(alerts.id, id));
        if (!exists)
          throw new AuroraError('AURORA_ALERT_NOT_FOUND', `no alert with id "${id}"; list them with GET /v1/alerts`);
      }
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/alert-rules',
    { schema: { summary: 'Threshold rules', tags: ['alerts'], security, response: { 200: AlertRuleList, ...errors } } },
    async () => ({ items: (await db.select().from(alertRules).orderBy(alertRules.name)).map(ruleView) }),
  );

  app.post(
    '/v1/alert-rules',
    {
      schema: {
        summary: 'Create a threshold rule: selector op value for a duration, e.g. disk_used_pct > 90 for 5m',
        tags: ['alerts'],
        security,
        body: CreateAlertRule,
        response: { 201: AlertRule, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as CreateAlertRule;
      const { forMs } = validateRule(body);
      const row = {
        id: randomUUID(),
        name: body.name,
        selector: body.selector,
        op: body.op,
        value: body.value,
        forMs,
        createdAt: now(),
      };
      const inserted = await db.insert(alertRules).values(row).onConflictDoNothing().returning({ id: alertRules.id });
      if (inserted.length === 0) {
        throw new AuroraError(
          'AURORA_ALERT_RULE_NAME_TAKEN',
          `name: a rule named "${body.name}" exists; choose another name or delete it first`,
          'name',
        );
      }
      return reply.code(201).send(ruleView(row));
    },
  );

  app.delete(
    '/v1/alert-rules/:id',
    {
      schema: {
        summary: 'Delete a threshold rule (its firing alerts resolve)',
        tags: ['alerts'],
        security,
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const gone = await db.delete(alertRules).where(eq(alertRules.id, id)).returning({ id: alertRules.id });
      if (gone.length === 0) {
        throw new AuroraError(
          'AURORA_ALERT_RULE_NOT_FOUND',
          `no rule with id "${id}"; list them with GET /v1/alert-rules`,
        );
      }
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/silences',
    {
      schema: {
        summary: 'Silences, active and expired',
        tags: ['alerts'],
        security,
        response: { 200: SilenceList, ...errors },
      },
    },
    async () => {
      const t = now();
      return { items: (await db.select().from(silences).orderBy(desc(silences.endsAt))).map((s) => silenceView(s, t)) };
    },
  );

  app.post(
    '/v1/silences',
    {
      schema: {
        summary: 'Silence alerts matching every matcher until endsAt (or for a duration)',
        tags: ['alerts'],
        security,
        body: CreateSilence,
        response: { 201: Silence, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as CreateSilence;
      const t = now();
      const endsAt = validateSilence(body, t);
      const row = { id: randomUUID(), matchers: body.matchers, startsAt: t, endsAt, comment: body.comment };
      await db.insert(silences).values(row);
      return reply.code(201).send(silenceView(row, t));
    },
  );

  app.delete(
    '/v1/silences/:id',
    {
      schema: {
        summary: 'End a silence now',
        tags: ['alerts'],
        security,
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const t = now();
      const ended = await db
        .update(silences)
        .set({ endsAt: t })
        .where(eq(silences.id, id))
        .returning({ id: silences.id });
      if (ended.length === 0) {
        throw new AuroraError(
          'AURORA_SILENCE_NOT_FOUND',
          `no silence with id "${id}"; list them with GET /v1/silences`,
        );
      }
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/alert-deliveries',
    {
      schema: {
        summary: 'The delivery log: every attempt to send an alert to a webhook or Alertmanager, newest first',
        tags: ['alerts'],
        security,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) }),
        response: { 200: AlertDeliveryList, ...errors },
      },
    },
    async (request) => {
      const { limit } = request.query as { limit?: number };
      const rows = await db
        .select()
        .from(alertDeliveries)
        .orderBy(desc(alertDeliveries.id))
        .limit(limit ?? 100);
      return {
        items: rows.map((d) => ({
          id: String(d.id),
          receiver: d.receiver,
          alertId: d.alertId,
          state: d.state as 'firing' | 'resolved',
          attempt: d.attempt,
          outcome: d.outcome as 'delivered' | 'failed' | 'gave_up',
          status: d.status,
          error: d.error,
          at: new Date(d.at).toISOString(),
        })),
      };
    },
  );
}
