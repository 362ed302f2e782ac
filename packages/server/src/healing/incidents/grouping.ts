/** An incident as grouping sees it: what it touches and when it was last active. */
export interface IncidentGroup {
  id: string;
  nodes: Set<string>;
  services: Set<string>;
  openedAt: number;
  /** The latest time one of its alerts was firing. */
  lastActivityAt: number;
}

/** The part of an alert grouping needs. */
export interface GroupableAlert {
  id: string;
  node: string | null;
  startsAt: number;
}

/**
 * The incident an alert joins: one whose activity reaches the alert's start (within `windowMs`) and
 * that touches the alert's node, or a node of a service the alert's node serves. The most recently
 * active such incident wins. Alerts without a node are never grouped: there is no topology to share.
 */
export function incidentFor(
  alert: GroupableAlert,
  groups: Iterable<IncidentGroup>,
  servicesOf: (node: string) => readonly string[],
  windowMs: number,
): IncidentGroup | undefined {
  if (alert.node === null) return undefined;
  const node = alert.node;
  const services = servicesOf(node);
  let best: IncidentGroup | undefined;
  for (const g of groups) {
    if (alert.startsAt > g.lastActivityAt + windowMs || alert.startsAt + windowMs < g.openedAt) continue;
    const shares = g.nodes.has(node) || services.some((s) => g.services.has(s));
    if (shares && (!best || g.lastActivityAt > best.lastActivityAt)) best = g;
  }
  return best;
}

/** Adds an alert's node and its services to an incident. */
export function absorb(group: IncidentGroup, alert: GroupableAlert, services: readonly string[]): void {
  if (alert.node !== null) group.nodes.add(alert.node);
  for (const s of services) group.services.add(s);
  group.openedAt = Math.min(group.openedAt, alert.startsAt);
}

/** An alert's time span as episodes see it: an end of null means it still fires. */
export interface AlertSpan {
  startsAt: number;
  endsAt: number | null;
}

/**
 * When the incident's latest episode began: the earliest start of the last run of alerts that
 * overlap one another (each starting before the ones before it had all ended). An incident that
 * resolved and was reopened by a related alert is ranked from that alert, not from its first
 * opening, or the earlier episode's cause would be the strongest move in the window. Undefined
 * for no alerts.
 */
export function episodeStart(spans: readonly AlertSpan[]): number | undefined {
  const sorted = [...spans].sort((a, b) => a.startsAt - b.startsAt);
  let start: number | undefined;
  let end = Number.NEGATIVE_INFINITY;
  for (const s of sorted) {
    if (start === undefined || s.startsAt > end) start = s.startsAt;
    end = Math.max(end, s.endsAt ?? Number.POSITIVE_INFINITY);
  }
  return start;
}
