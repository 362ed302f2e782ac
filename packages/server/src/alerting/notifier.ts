import { createHmac } from 'node:crypto';
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { WebhookTarget } from '../platform/config/keys-detection.js';
import {
  type Controller,
  type ControllerDecision,
  type DecisionLog,
  decideFenced,
  type Leadership,
  unrecordedDecisions,
} from '../platform/leadership/index.js';
import type { Db, Tx } from '../platform/store/engine.js';
import { alertDeliveries, alertOutbox, alerts, silences } from '../platform/store/schema.js';
import { alertView } from './routes.js';
import { type AlertRow, isSilenced } from './silences.js';

/** Options of the {@link AlertNotifier}. */
export interface NotifierOptions {
  db: Db;
  leadership: Leadership;
  now: () => number;
  alertmanagerUrls: readonly string[];
  webhooks: readonly WebhookTarget[];
  /** How often firing alerts are sent to Alertmanager again (default 60 s, as Prometheus does). */
  resendMs?: number;
  /** Attempts per webhook delivery before it is given up (default 8). */
  maxAttempts?: number;
  /** Wait before the first retry; each further retry waits twice as long, up to 5 min (default 1 s). */
  backoffMs?: number;
  intervalMs?: number;
  /** Told of a push to Alertmanager that failed. */
  onError?: (receiver: string, error: unknown) => void;
  /** The audit chain, where a webhook delivered or given up is recorded (default: not recorded). */
  decisions?: DecisionLog;
}

/**
 * A receiver as the audit chain names it: its origin only. Webhook URLs often carry their secret in
 * the path (Slack's do), and the chain can never forget what it was given; the delivery id leads to
 * the full row in the delivery log.
 */
function receiverOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'unparseable URL';
  }
}

/**
 * Signs a webhook body: HMAC-SHA256 of `<timestamp>.<body>` with the
 * receiver's secret, hex, as `sha256=<hex>`. The timestamp travels in
 * `X-Aurora-Timestamp` so a receiver can refuse old replays.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** An alert as Alertmanager's API v2 takes it (`postableAlert`). */
export function alertmanagerAlert(a: AlertRow, now: number, resendMs: number) {
  const labels: Record<string, string> = {
    ...a.labels,
    alertname: a.source === 'anomaly' ? 'AuroraAnomaly' : 'AuroraThreshold',
    metric: a.metric,
    aurora_source: a.source,
  };
  if (a.node) labels.node = a.node;
  return {
    labels,
    annotations: { summary: a.summary, score: String(a.score) },
    startsAt: new Date(a.startsAt).toISOString(),
    // A firing alert carries an end a few resends ahead, as Prometheus does, so Alertmanager
    // resolves it by itself should this control plane stop sending.
    endsAt: new Date(a.state === 'firing' ? now + 4 * resendMs : (a.endsAt ?? now)).toISOString(),
  };
}

/**
 * Sends alerts out, on the leader: to each Alertmanager (API v2) when an
 * alert fires or resolves and every `resendMs` while it fires; and to each
 * webhook once per state change, signed, through an outbox in the store
 * that retries with exponential backoff and logs every attempt. Silenced
 * alerts are not sent.
 */
export class AlertNotifier implements Controller {
  readonly name = 'alert-notify';
  readonly intervalMs: number;
  #lastResendAt = Number.NEGATIVE_INFINITY;
  readonly #retryPush = new Set<string>();

  constructor(private readonly o: NotifierOptions) {
    this.intervalMs = o.intervalMs ?? 500;
  }

  async runOnce(): Promise<void> {
    await this.announce();
    await this.deliverWebhooks();
  }

  #fenced<T>(work: (tx: Tx, decide: (d: ControllerDecision) => void) => Promise<T>): Promise<T> {
    return decideFenced(this.o.db, this.o.leadership, this.o.decisions ?? unrecordedDecisions, this.name, work);
  }

  /** Finds alerts whose state receivers were not told of, queues their webhooks and pushes them to Alertmanager. */
  async announce(): Promise<void> {
    const now = this.o.now();
    const resendMs = this.o.resendMs ?? 60_000;
    const all = await this.o.db.select().from(silences);
    const changed = (
      await this.o.db
        .select()
        .from(alerts)
        .where(sql`${alerts.notifiedState} is distinct from ${alerts.state}`)
        .limit(1_000)
    ).filter((a) => !isSilenced(a, all, now));
    if (changed.length > 0) {
      await this.#fenced(async (tx) => {
        const rows = changed.flatMap((a) =>
          this.o.webhooks.map((w) => ({ receiver: w.url, alertId: a.id, state: a.state, attempts: 0, nextAt: now })),
        );
        if (rows.length > 0) await tx.insert(alertOutbox).values(rows);
        for (const a of changed) {
          await tx.update(alerts).set({ notifiedState: a.state }).where(eq(alerts.id, a.id));
        }
      });
    }
    if (this.o.alertmanagerUrls.length === 0) return;
    const push = new Map<string, AlertRow>(changed.map((a) => [a.id, a]));
    if (this.#retryPush.size > 0) {
      for (const a of await this.o.db
        .select()
        .from(alerts)
        .where(inArray(alerts.id, [...this.#retryPush]))) {
        if (!isSilenced(a, all, now)) push.set(a.id, a);
      }
    }
    if (now - this.#lastResendAt >= resendMs) {
      this.#lastResendAt = now;
      for (const a of await this.o.db.select().from(alerts).where(eq(alerts.state, 'firing'))) {
        if (!isSilenced(a, all, now)) push.set(a.id, a);
      }
    }
    if (push.size === 0) return;
    const body = JSON.stringify([...push.values()].map((a) => alertmanagerAlert(a, now, resendMs)));
    let failed = false;
    for (const url of this.o.alertmanagerUrls) {
      try {
        const res = await fetch(new URL('/api/v2/alerts', url), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        if (!res.ok) throw new Error(`Alertmanager answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      } catch (error) {
        failed = true;
        this.o.onError?.(url, error);
      }
    }
    this.#retryPush.clear();
    if (failed) for (const id of push.keys()) this.#retryPush.add(id);
  }

  /** Makes the webhook deliveries that are due; each attempt goes to the delivery log. */
  async deliverWebhooks(): Promise<void> {
    if (this.o.webhooks.length === 0) return;
    const now = this.o.now();
    const due = await this.o.db
      .select()
      .from(alertOutbox)
      .where(lte(alertOutbox.nextAt, now))
      .orderBy(asc(alertOutbox.id))
      .limit(100);
    if (due.length === 0) return;
    const byId = new Map(
      (
        await this.o.db
          .select()
          .from(alerts)
          .where(
            inArray(
              alerts.id,
              due.map((d) => d.alertId),
            ),
          )
      ).map((a) => [a.id, a]),
    );
    const all = await this.o.db.select().from(silences);
    const maxAttempts = this.o.maxAttempts ?? 8;
    const backoff = this.o.backoffMs ?? 1_000;
    await Promise.all(
      due.map(async (d) => {
        const target = this.o.webhooks.find((w) => w.url === d.receiver);
        const alert = byId.get(d.alertId);
        const attempt = d.attempts + 1;
        let status: number | null = null;
        let error: string | null = null;
        if (!target || !alert) {
          error = !target ? 'receiver no longer configured' : 'alert deleted';
        } else {
          const t = this.o.now();
          const payload = JSON.stringify({ version: 1, state: d.state, alert: alertView(alert, all, t) });
          try {
            const res = await fetch(target.url, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'x-aurora-delivery': `${d.id}`,
                'x-aurora-attempt': `${attempt}`,
                'x-aurora-timestamp': `${t}`,
                'x-aurora-signature': signWebhook(target.secret, t, payload),
              },
              body: payload,
              signal: AbortSignal.timeout(10_000),
            });
            status = res.status;
            await res.arrayBuffer().catch(() => undefined);
            if (!res.ok) error = `receiver answered ${res.status}`;
          } catch (e) {
            error = e instanceof Error ? e.message : String(e);
          }
        }
        const delivered = error === null;
        const final = delivered || !target || !alert || attempt >= maxAttempts;
        const outcome = delivered ? 'delivered' : final ? 'gave_up' : 'failed';
        await this.#fenced(async (tx, decide) => {
          // Only the end of a delivery is a decision; attempts that will be retried are in the delivery log.
          if (final) {
            decide({
              decision: delivered ? 'notification.delivered' : 'notification.given-up',
              subject: { alert: d.alertId, delivery: d.id },
              detail: { receiver: receiverOrigin(d.receiver), state: d.state, attempts: attempt, status, error },
            });
          }
          await tx.insert(alertDeliveries).values({
            receiver: d.receiver,
            alertId: d.alertId,
            state: d.state,
            attempt,
            outcome,
            status,
            error,
            at: this.o.now(),
          });
          if (final) await tx.delete(alertOutbox).where(eq(alertOutbox.id, d.id));
          else {
            const wait = Math.min(300_000, backoff * 2 ** (attempt - 1));
            await tx
              .update(alertOutbox)
              .set({ attempts: attempt, nextAt: this.o.now() + wait })
              .where(and(eq(alertOutbox.id, d.id)));
          }
        });
      }),
    );
  }
}
