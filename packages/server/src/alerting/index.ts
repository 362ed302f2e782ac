import type { FastifyInstance } from 'fastify';
import type { WebhookTarget } from '../platform/config/keys-detection.js';
import type { DecisionLog, Leadership } from '../platform/leadership/index.js';
import type { Store } from '../platform/store/index.js';
import type { QueryEngine } from '../telemetry/index.js';
import { type AlertChange, AlertController } from './controller.js';
import { AlertNotifier } from './notifier.js';
import { registerAlertRoutes } from './routes.js';

export { type AlertChange, AlertController, fingerprint } from './controller.js';
export { AlertNotifier, alertmanagerAlert, signWebhook } from './notifier.js';
export { alertView } from './routes.js';

/** Settings of the alerting capability. */
export interface AlertingOptions {
  store: Store;
  query: QueryEngine;
  leadership: Leadership;
  /** The audit chain, where alerts firing and resolving and webhook deliveries ending are recorded. */
  decisions: DecisionLog;
  now: () => number;
  resolveAfterMs: number;
  /** How old a series' newest reading may be and a threshold rule still count as held. */
  sampleLateMs?: number;
  alertmanagerUrls: readonly string[];
  webhooks: readonly WebhookTarget[];
  onPushError?: (receiver: string, error: unknown) => void;
  /** Told of alerts that fired or resolved, by the controller or by hand, once stored. */
  onChanged?: (changes: readonly AlertChange[]) => void;
}

/** Alerts: grouping anomalies and evaluating rules (leader), sending them out (leader), and their routes. */
export interface Alerting {
  controller: AlertController;
  notifier: AlertNotifier;
  registerRoutes(app: FastifyInstance): Promise<void>;
}

export function createAlerting(o: AlertingOptions): Alerting {
  const controller = new AlertController({
    db: o.store.db,
    query: o.query,
    leadership: o.leadership,
    decisions: o.decisions,
    now: o.now,
    resolveAfterMs: o.resolveAfterMs,
    sampleLateMs: o.sampleLateMs,
    ...(o.onChanged ? { onChanged: o.onChanged } : {}),
  });
  const notifier = new AlertNotifier({
    db: o.store.db,
    leadership: o.leadership,
    decisions: o.decisions,
    now: o.now,
    alertmanagerUrls: o.alertmanagerUrls,
    webhooks: o.webhooks,
    ...(o.onPushError ? { onError: o.onPushError } : {}),
  });
  return { controller, notifier, registerRoutes: (app) => registerAlertRoutes(app, o.store.db, o.now, o.onChanged) };
}
