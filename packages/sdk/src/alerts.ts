import { type Static, Type } from '@sinclair/typebox';

const Time = Type.String({ format: 'date-time' });
const LabelMap = Type.Record(Type.String(), Type.String());

/** A point live detection found anomalous, with the detector's sentence. */
export const Anomaly = Type.Object({
  id: Type.String(),
  metric: Type.String(),
  labels: LabelMap,
  node: Type.Union([Type.String(), Type.Null()]),
  at: Time,
  value: Type.Number(),
  score: Type.Number({ minimum: 0, maximum: 1 }),
  explanation: Type.String(),
  alertId: Type.Union([Type.String(), Type.Null()]),
});
export type Anomaly = Static<typeof Anomaly>;

export const AnomalyList = Type.Object({ items: Type.Array(Anomaly) });
export type AnomalyList = Static<typeof AnomalyList>;

export const AnomaliesQuery = Type.Object({
  node: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  metric: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export type AnomaliesQuery = Static<typeof AnomaliesQuery>;

export const AlertState = Type.Union([Type.Literal('firing'), Type.Literal('resolved')]);
export type AlertState = Static<typeof AlertState>;

/** An alert: anomalies of one series (or a threshold rule's breach) on one node, grouped in time. */
export const Alert = Type.Object({
  id: Type.String(),
  state: AlertState,
  node: Type.Union([Type.String(), Type.Null()]),
  metric: Type.String(),
  labels: LabelMap,
  startsAt: Time,
  endsAt: Type.Union([Time, Type.Null()]),
  summary: Type.String(),
  score: Type.Number({ minimum: 0, maximum: 1 }),
  source: Type.String({ description: '"anomaly", or "rule:<rule id>" for a threshold rule' }),
  silenced: Type.Boolean({ description: 'a silence matches it; it is not sent to Alertmanager or webhooks' }),
});
export type Alert = Static<typeof Alert>;

export const AlertList = Type.Object({ items: Type.Array(Alert) });
export type AlertList = Static<typeof AlertList>;

export const AlertsQuery = Type.Object({
  state: Type.Optional(AlertState),
  node: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
});
export type AlertsQuery = Static<typeof AlertsQuery>;

export const ThresholdOp = Type.Union([Type.Literal('>'), Type.Literal('>='), Type.Literal('<'), Type.Literal('<=')]);

/** `selector op value for duration`, e.g. `disk_used_pct{node="db-1"} > 90 for 5m`. */
export const CreateAlertRule = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' }),
  selector: Type.String({ minLength: 1, maxLength: 4096, description: 'Prometheus series selector' }),
  op: ThresholdOp,
  value: Type.Number(),
  for: Type.String({ minLength: 1, maxLength: 32, description: 'how long the condition must hold, e.g. 5m' }),
});
export type CreateAlertRule = Static<typeof CreateAlertRule>;

export const AlertRule = Type.Object({
  id: Type.String(),
  name: Type.String(),
  selector: Type.String(),
  op: ThresholdOp,
  value: Type.Number(),
  forMs: Type.Integer(),
  createdAt: Time,
});
export type AlertRule = Static<typeof AlertRule>;

export const AlertRuleList = Type.Object({ items: Type.Array(AlertRule) });
export type AlertRuleList = Static<typeof AlertRuleList>;

/** Mutes alerts whose node, metric and labels match every matcher, until `endsAt`. */
export const CreateSilence = Type.Object({
  matchers: Type.Record(Type.String(), Type.String({ maxLength: 2048 }), {
    description: 'equality matchers on "node", "metric" or any label; at least one, at most 16',
  }),
  endsAt: Type.Optional(Time),
  duration: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'instead of endsAt, e.g. 2h' })),
  comment: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type CreateSilence = Static<typeof CreateSilence>;

export const Silence = Type.Object({
  id: Type.String(),
  matchers: LabelMap,
  startsAt: Time,
  endsAt: Time,
  comment: Type.String(),
  state: Type.Union([Type.Literal('active'), Type.Literal('expired')]),
});
export type Silence = Static<typeof Silence>;

export const SilenceList = Type.Object({ items: Type.Array(Silence) });
export type SilenceList = Static<typeof SilenceList>;

/** One attempt to deliver an alert to a receiver. */
export const AlertDelivery = Type.Object({
  id: Type.String(),
  receiver: Type.String(),
  alertId: Type.String(),
  state: AlertState,
  attempt: Type.Integer(),
  outcome: Type.Union([Type.Literal('delivered'), Type.Literal('failed'), Type.Literal('gave_up')]),
  status: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  at: Time,
});
export type AlertDelivery = Static<typeof AlertDelivery>;

export const AlertDeliveryList = Type.Object({ items: Type.Array(AlertDelivery) });
export type AlertDeliveryList = Static<typeof AlertDeliveryList>;
