/** The backends a node serves in services, as the node page's traffic card lists them. */
import type { Service } from '@aurora/sdk';

/** One backend on the node: its service and port, and the weight it declared and keeps. */
export interface NodeBackend {
  service: string;
  port: number;
  weight: number;
  effectiveWeight: number;
  anomalous: boolean;
  /** Why it keeps less than it declared, in words; undefined when it keeps all of it. */
  why: string | undefined;
}

/**
 * The node's backends across services, by service name then port. `share` is the node's traffic
 * share (1 when not lowered), which together with a firing anomaly alert and the node's state
 * explains an effective weight below the declared one.
 */
export function backendsOn(services: readonly Service[], node: string, share: number): NodeBackend[] {
  const out: NodeBackend[] = [];
  for (const s of services) {
    for (const b of s.backends) {
      if (b.node !== node) continue;
      const reasons: string[] = [];
      if (b.effectiveWeight === 0 && b.weight > 0) reasons.push(`node ${b.nodeState ?? 'gone'}: no traffic`);
      else {
        if (share < 1) reasons.push(`traffic share ${Math.round(share * 100)} %`);
        if (b.anomalous) reasons.push('anomaly alert firing');
      }
      out.push({
        service: s.name,
        port: b.port,
        weight: b.weight,
        effectiveWeight: b.effectiveWeight,
        anomalous: b.anomalous,
        why: reasons.length > 0 ? reasons.join(', ') : undefined,
      });
    }
  }
  return out.sort((a, b) => a.service.localeCompare(b.service) || a.port - b.port);
}

/** A weight as a short number: at most two decimals, no trailing zeros. */
export function formatWeight(weight: number): string {
  return String(Math.round(weight * 100) / 100);
}
