import { type Static, Type } from '@sinclair/typebox';
import { Alert } from './alerts.js';

const Time = Type.String({ format: 'date-time' });

/** Why one metric makes a component a root-cause candidate: how far from normal it went, and when. */
export const RootCauseEvidence = Type.Object({
  metric: Type.String(),
  score: Type.Number({ description: 'robust score: (value − normal median) / normal spread' }),
  direction: Type.Union([Type.Literal('up'), Type.Literal('down')]),
  peakAt: Time,
  peakValue: Type.Number(),
  onsetAt: Type.Union([Time, Type.Null()]),
  normalMedian: Type.Number(),
  normalSpread: Type.Number(),
});
export type RootCauseEvidence = Static<typeof RootCauseEvidence>;

/** One ranked root-cause candidate (a node), most likely first. */
export const RootCauseCandidate = Type.Object({
  component: Type.String(),
  score: Type.Number(),
  onsetAt: Type.Union([Time, Type.Null()]),
  evidence: Type.Array(RootCauseEvidence),
});
export type RootCauseCandidate = Static<typeof RootCauseCandidate>;

export const IncidentStatus = Type.Union([Type.Literal('open'), Type.Literal('resolved')]);
export type IncidentStatus = Static<typeof IncidentStatus>;

/** Alerts that overlap in time and topology (one node, or nodes of one service), as one incident. */
export const Incident = Type.Object({
  id: Type.String(),
  status: IncidentStatus,
  openedAt: Time,
  resolvedAt: Type.Union([Time, Type.Null()]),
  nodes: Type.Array(Type.String()),
  services: Type.Array(Type.String()),
  alertCount: Type.Integer({ minimum: 0 }),
  rankedAt: Type.Union([Time, Type.Null()]),
  rootCauses: Type.Array(RootCauseCandidate),
});
export type Incident = Static<typeof Incident>;

export const IncidentDetail = Type.Composite([Incident, Type.Object({ alerts: Type.Array(Alert) })]);
export type IncidentDetail = Static<typeof IncidentDetail>;

export const IncidentList = Type.Object({ items: Type.Array(Incident) });
export type IncidentList = Static<typeof IncidentList>;

export const IncidentsQuery = Type.Object({
  status: Type.Optional(IncidentStatus),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});
export type IncidentsQuery = Static<typeof IncidentsQuery>;
