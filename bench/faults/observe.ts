/** What the bench reads from the control plane about one fault: alerts, incidents, agent actions. */
import type { Alert, Incident, NodeAction } from '@aurora/sdk';
import type { Api, BenchNode } from './cluster.js';

/** Firing alerts on the node on one of the metrics. */
export async function firingAlerts(api: Api, node: string, metrics: readonly string[]): Promise<Alert[]> {
  const { items } = await api.call<{ items: Alert[] }>('GET', `/v1/alerts?state=firing&node=${node}`);
  return items.filter((a) => metrics.includes(a.metric));
}

/** A firing alert on the node, on one of the metrics, that was not firing before the fault. */
export async function newAlert(
  api: Api,
  node: string,
  metrics: readonly string[],
  before: Set<string>,
): Promise<Alert | undefined> {
  return (await firingAlerts(api, node, metrics)).find((a) => !before.has(a.id));
}

export interface Ranking {
  incident: string;
  /** 1-based rank of the node among the candidates, null when it is not one. */
  rank: number | null;
  candidates: string[];
}

/**
 * The root-cause ranking of the incident on `node` that was active after `sinceMs`, when it has
 * been ranked since then; the most recently opened such incident wins.
 */
export async function rankingFor(api: Api, node: string, sinceMs: number): Promise<Ranking | undefined> {
  const { items } = await api.call<{ items: Incident[] }>('GET', '/v1/incidents?limit=50');
  const mine = items
    .filter((i) => i.nodes.includes(node) && (i.status === 'open' || Date.parse(i.resolvedAt ?? '') >= sinceMs))
    .filter((i) => i.rankedAt !== null && Date.parse(i.rankedAt) >= sinceMs)
    .sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt));
  const incident = mine[0];
  if (!incident) return undefined;
  const candidates = incident.rootCauses.map((c) => c.component);
  const at = candidates.indexOf(node);
  return { incident: incident.id, rank: at < 0 ? null : at + 1, candidates };
}

export interface ActionSeen {
  node: string;
  kind: string;
  status: string;
  createdAt: string;
}

/** Agent actions queued on any node since `sinceMs`. */
export async function actionsSince(api: Api, nodes: BenchNode[], sinceMs: number): Promise<ActionSeen[]> {
  const seen: ActionSeen[] = [];
  for (const node of nodes) {
    const { items } = await api.call<{ items: NodeAction[] }>('GET', `/v1/nodes/${node.name}/actions`);
    for (const a of items) {
      if (Date.parse(a.createdAt) >= sinceMs) {
        seen.push({ node: a.node, kind: a.kind, status: a.status, createdAt: a.createdAt });
      }
    }
  }
  return seen;
}
