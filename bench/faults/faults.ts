/**
 * The faults the bench injects, each with what an operator sets up for it (an alert rule and a
 * playbook, through the API) and a check, independent of Aurora, that the fault is really gone.
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Api, BenchNode } from './cluster.js';
import { hogScript, servicePid } from './cluster.js';
import { alive, start, stop } from './processes.js';

export type FaultKind = 'crash' | 'hang' | 'disk-fill' | 'cpu-hog';
export const FAULT_KINDS: readonly FaultKind[] = ['crash', 'hang', 'disk-fill', 'cpu-hog'];

/**
 * The metrics (as stored) in which each kind shows: an alert on the faulted node on one of them,
 * from a threshold rule or from live detection, is the fault detected. Alerts on other metrics of
 * that node (live detection also judges the background churn) are not.
 */
export const SIGNALS: Record<FaultKind, readonly string[]> = {
  crash: ['service_up'],
  hang: ['service_up'],
  'disk-fill': ['clean_bytes'],
  'cpu-hog': ['process_cpu_pct', 'process_count'],
};

/** The agent action that heals each kind: a fault counts as resolved automatically only through it. */
export const HEALED_BY: Record<FaultKind, string> = {
  crash: 'restart-service',
  hang: 'restart-service',
  'disk-fill': 'clean-path',
  'cpu-hog': 'kill-process',
};

/** A fault in place: whether it is gone (checked on the machine itself) and how to undo it when nothing healed it. */
export interface Injected {
  kind: FaultKind;
  node: BenchNode;
  target: string;
  gone(): Promise<boolean>;
  /** Undoes what is left of the fault, as an operator would after the timeout. */
  undo(api: Api): Promise<void>;
}

/** Bytes of temp files that make a disk-fill fault: far above what background churn writes. */
export const FILL_BYTES = 64 * 1024 * 1024;
export const FILL_PATTERN = 'fill-*.tmp';

/** Alert rules and playbooks, as an operator would write them, for every kind on every node. */
export async function configureHealing(api: Api, nodes: BenchNode[]): Promise<void> {
  const rule = (name: string, selector: string, op: string, value: number) =>
    api.call('POST', '/v1/alert-rules', { name, selector, op, value, for: '10s' });
  const playbook = (name: string, lines: string[]) =>
    api.call('PUT', `/v1/playbooks/${name}`, { yaml: lines.join('\n') });

  // A crashed or hung service: service_up drops to 0 (the agent's health check fails on a hung one).
  await rule('service-down', 'service_up{service="web"}', '<', 1);
  await playbook('restart-web', [
    'trigger:',
    '  alert: { metric: service_up, labels: { service: web } }',
    'steps:',
    '  - agent: { action: restart-service, service: web }',
    '    timeout: 30s',
    '  - verify: alert-resolved',
    '    within: 2m',
    'cooldown: 5s',
  ]);
  // Temp files filling a node's sandbox, and a runaway process: the agent reports the bytes under
  // its clean roots and the CPU of the processes it may kill, per node.
  await rule('tmp-filling', 'clean_bytes', '>', FILL_BYTES / 2);
  // 10 % of a core: a spinning process got 20-28 % of a core on the loaded 2-core machine the bench
  // ran on, and a rule holds only when every second of its 10 s breaches (20 % never fired there).
  await rule('runaway-cpu', 'process_cpu_pct', '>', 10);
  // A playbook's parameters are fixed text, and every node has its own sandbox and process name, so
  // the clean and kill playbooks are per node (triggered by the node's alert only). They delete and
  // kill, so they answer their threshold rule only: live detection also flags a harmless burst of
  // files, and cleaning on it was an action on a healthy node. Restarting a service that is down is
  // right whoever noticed, so restart-web takes live detection's alerts too.
  for (const node of nodes) {
    await playbook(`clean-tmp-${node.name}`, [
      'trigger:',
      `  alert: { metric: clean_bytes, node: ${node.name}, rule: tmp-filling }`,
      'steps:',
      `  - agent: { action: clean-path, path: ${JSON.stringify(node.tmp)}, pattern: "${FILL_PATTERN}", olderThan: 0s }`,
      '    timeout: 30s',
      '  - verify: alert-resolved',
      '    within: 2m',
      'cooldown: 5s',
    ]);
    await playbook(`kill-hog-${node.name}`, [
      'trigger:',
      `  alert: { metric: process_cpu_pct, node: ${node.name}, labels: { name: ${node.hogName} }, rule: runaway-cpu }`,
      'steps:',
      `  - agent: { action: kill-process, name: ${node.hogName} }`,
      '    timeout: 30s',
      '  - verify: alert-resolved',
      '    within: 2m',
      'cooldown: 5s',
    ]);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function fillFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith('fill-') && f.endsWith('.tmp'));
}

/** Writes `bytes` of temp files into `dir`, 4 MB each. */
export function writeTempFiles(dir: string, bytes: number, prefix: string): void {
  const chunk = Buffer.alloc(4 * 1024 * 1024, 0x61);
  const stamp = Date.now();
  for (let i = 0; i * chunk.length < bytes; i++) {
    writeFileSync(
      path.join(dir, `${prefix}-${stamp}-${i}.tmp`),
      chunk.subarray(0, Math.min(chunk.length, bytes - i * chunk.length)),
    );
  }
}

export async function inject(kind: FaultKind, node: BenchNode, api: Api): Promise<Injected> {
  const restart = async () => {
    await api.call('POST', `/v1/nodes/${node.name}/actions`, { kind: 'restart-service', params: { service: 'web' } });
  };
  switch (kind) {
    case 'crash': {
      const pid = await servicePid(node);
      if (pid === undefined) throw new Error(`${node.name}: service not answering before the fault`);
      process.kill(pid, 'SIGKILL');
      return {
        kind,
        node,
        target: `${node.name}/web`,
        gone: async () => {
          const now = await servicePid(node);
          return now !== undefined && now !== pid;
        },
        undo: restart,
      };
    }
    case 'hang': {
      const pid = await servicePid(node);
      if (pid === undefined) throw new Error(`${node.name}: service not answering before the fault`);
      process.kill(pid, 'SIGSTOP');
      return {
        kind,
        node,
        target: `${node.name}/web`,
        gone: async () => (await servicePid(node)) !== undefined,
        undo: async () => {
          if (pidAlive(pid)) process.kill(pid, 'SIGCONT');
          await restart();
        },
      };
    }
    case 'disk-fill': {
      writeTempFiles(node.tmp, FILL_BYTES, 'fill');
      return {
        kind,
        node,
        target: `${node.name}/tmp`,
        gone: async () => fillFiles(node.tmp).length === 0,
        undo: async () => {
          for (const f of fillFiles(node.tmp)) rmSync(path.join(node.tmp, f), { force: true });
        },
      };
    }
    case 'cpu-hog': {
      const hog: ChildProcess = start(node.hogBin, [hogScript], { env: { DUTY: '1' } });
      return {
        kind,
        node,
        target: `${node.name}/${node.hogName}`,
        gone: async () => !alive(hog),
        undo: () => stop(hog, 1_000),
      };
    }
  }
}
