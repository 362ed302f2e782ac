import { LABEL_LIMITS } from '@aurora/sdk';

/**
 * Metric and label names as Prometheus defines them, and how the agent's
 * dotted names map onto them.
 */

/** A valid metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*` (colons are for recording rules, but accepted). */
export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** A valid label name: `[a-zA-Z_][a-zA-Z0-9_]*`; names starting with `__` are reserved. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The label that carries the metric name in remote_write and in selectors. */
export const NAME_LABEL = '__name__';

/** The label Aurora adds to every series an agent reports: the node's name. */
export const NODE_LABEL = 'node';

/**
 * The Prometheus name of an agent metric: every `.` becomes `_`
 * (`cpu.usage_pct` → `cpu_usage_pct`). Agent names are `[a-z][a-z0-9_.]*`,
 * so the result is always a valid metric name. Two agent names that differ
 * only by `.` versus `_` (`a.b_c`, `a_b.c`) land in the same series.
 *
 * @example
 * agentMetricName('disk.used_pct'); // 'disk_used_pct'
 */
export function agentMetricName(name: string): string {
  return name.includes('.') ? name.replaceAll('.', '_') : name;
}

/**
 * A label name from an agent, made valid for Prometheus: characters outside
 * `[a-zA-Z0-9_]` become `_`, a leading digit gets a `_` prefix, and `node`
 * (which Aurora sets itself) becomes `exported_node`, as Prometheus renames
 * a scraped label that clashes with a target label; a name that would start
 * with the reserved `__` (`__x`, `~#x`) gets the same `exported` prefix, so
 * every label name the contract allows is stored rather than refused. A
 * prefix never makes a name longer than the contract allows: the end of a
 * name at the limit gives way.
 */
export function agentLabelName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_]/g, '_');
  if (out === '' || /^[0-9]/.test(out)) out = `_${out}`;
  if (out.startsWith('__')) out = `exported${out}`;
  if (out === NODE_LABEL) out = `exported_${NODE_LABEL}`;
  return out.length > LABEL_LIMITS.maxNameLength ? out.slice(0, LABEL_LIMITS.maxNameLength) : out;
}
