import type { Service, ServiceBackend } from '@aurora/sdk';
import type { NodeRow } from '../platform/store/index.js';
import type { services } from '../platform/store/schema.js';

type ServiceRow = typeof services.$inferSelect;

/** Node states in which a node takes no new traffic: it is being emptied, held out, or gone quiet. */
const NO_TRAFFIC = new Set(['draining', 'cordoned', 'down']);

/** The address proxies dial for a node: the first one it reported, since agents list non-internal ones first. */
function nodeAddress(node: NodeRow): string | null {
  return node.facts?.addresses[0] ?? null;
}

/** What steers a node backend's weight besides its node's state. */
export interface Steering {
  /** Nodes with a firing anomaly alert. */
  anomalous: ReadonlySet<string>;
  /** The share of its weight such a node's backend keeps. */
  anomalyWeight: number;
}

const unsteered: Steering = { anomalous: new Set(), anomalyWeight: 1 };

/**
 * A stored service as proxies see it: node backends resolved to the node's address and zone, and an effective weight
 * of 0 while the node is draining, cordoned, down or deleted, else the declared weight times the node's traffic share
 * (an operator's or a playbook's) and, while it has a firing anomaly alert, the anomaly share. This is where the
 * control plane steers traffic.
 */
export function toService(row: ServiceRow, nodes: ReadonlyMap<string, NodeRow>, steering = unsteered): Service {
  const backends: ServiceBackend[] = row.backends.map((b) => {
    const weight = b.weight ?? 1;
    if (b.node !== undefined) {
      const node = nodes.get(b.node);
      const anomalous = steering.anomalous.has(b.node);
      const steered = weight * (node?.trafficShare ?? 1) * (anomalous ? steering.anomalyWeight : 1);
      return {
        id: `node:${b.node}:${b.port}`,
        node: b.node,
        address: node ? nodeAddress(node) : null,
        port: b.port,
        zone: b.zone ?? node?.zone ?? null,
        weight,
        // An operator's cordon or drain holds even while health moves the state to suspect and back.
        effectiveWeight: node && !NO_TRAFFIC.has(node.state) && node.operatorState === null ? steered : 0,
        nodeState: node?.state ?? null,
        anomalous,
      };
    }
    return {
      id: `${b.address}:${b.port}`,
      node: null,
      address: b.address ?? null,
      port: b.port,
      zone: b.zone ?? null,
      weight,
      effectiveWeight: weight,
      nodeState: null,
      anomalous: false,
    };
  });
  return {
    name: row.name,
    picker: row.picker as Service['picker'],
    healthPath: row.healthPath,
    backends,
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
