import type { PredictionKind } from '@aurora/sdk';
import type { CapacityRule } from '../platform/config/index.js';
import { ConfigError } from '../platform/config/index.js';
import { NODE_LABEL, parseSelector } from '../telemetry/index.js';

type Selector = ReturnType<typeof parseSelector>;

/** A compiled rule: which series, their capacity and what reaching it means. */
export interface PredictionRule {
  name: string;
  kind: PredictionKind;
  selector: Selector;
  match: string;
  capacity?: number;
  /** A metric whose latest value on the same labels is the capacity. */
  capacityMetric?: string;
  /** Share of capacity that counts as reached (saturated and leak rules). */
  share: number;
  /** What the series is, for the operator's sentence ("disk /var on node-3"). */
  subject(labels: Record<string, string>): string;
}

const on = (labels: Record<string, string>) => {
  const where = labels[NODE_LABEL] ?? labels.instance;
  return where ? ` on ${where}` : '';
};

/**
 * What the agent reports that has a known capacity: disks by mount (`disk_used_pct`, full at
 * 100 %), memory (`mem_used_bytes` against `mem_total_bytes` of the same node: a steady climb is a
 * leak, and it runs out at 95 % used) and CPU (`cpu_usage_pct`, saturated at 95 %). Network links
 * have no capacity the agent knows (it does not report link speed), so they are configured.
 */
export const BUILT_IN_RULES: readonly PredictionRule[] = [
  {
    name: 'disk',
    kind: 'full',
    match: 'disk_used_pct',
    selector: parseSelector('disk_used_pct'),
    capacity: 100,
    share: 1,
    subject: (l) => `disk ${l.mount ?? ''}${on(l)}`.replace('  ', ' '),
  },
  {
    name: 'memory',
    kind: 'leak',
    match: 'mem_used_bytes',
    selector: parseSelector('mem_used_bytes'),
    capacityMetric: 'mem_total_bytes',
    share: 0.95,
    subject: (l) => `memory${on(l)}`,
  },
  {
    name: 'cpu',
    kind: 'saturated',
    match: 'cpu_usage_pct',
    selector: parseSelector('cpu_usage_pct'),
    capacity: 100,
    share: 0.95,
    subject: (l) => `CPU${on(l)}`,
  },
];

/** Compiles `capacities` from aurora.yaml; a selector that does not parse is a ConfigError naming the entry. */
export function compileRules(configured: readonly CapacityRule[]): PredictionRule[] {
  const rules = [...BUILT_IN_RULES];
  for (const [i, c] of configured.entries()) {
    if (rules.some((r) => r.name === c.name)) {
      throw new ConfigError(`capacities: entry ${i} is named "${c.name}", which a built-in rule uses; rename it`);
    }
    let selector: Selector;
    try {
      selector = parseSelector(c.match);
    } catch (error) {
      throw new ConfigError(`capacities: entry ${i} (${c.name}): match: ${(error as Error).message}`);
    }
    rules.push({
      name: c.name,
      kind: c.kind,
      match: c.match,
      selector,
      ...(c.capacity !== undefined ? { capacity: c.capacity } : {}),
      ...(c.capacityMetric !== undefined ? { capacityMetric: c.capacityMetric } : {}),
      share: c.kind === 'full' ? 1 : (c.saturatedAt ?? 0.95),
      subject: (l) => {
        const rest = Object.entries(l)
          .filter(([k]) => k !== NODE_LABEL && k !== 'instance')
          .map(([k, v]) => `${k}=${v}`);
        return `${c.name}${rest.length ? ` {${rest.join(', ')}}` : ''}${on(l)}`;
      },
    });
  }
  return rules;
}
