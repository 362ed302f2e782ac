/**
 * Describes the machine for the control plane: what it is (OS, CPU, memory,
 * disks, addresses) plus what the operator said about it (labels, zone).
 * Strings and lists are clipped to the contract's limits so that an exotic
 * machine still gets its heartbeats accepted.
 */
import os from 'node:os';
import type { NodeFacts } from '@aurora/sdk';
import si from 'systeminformation';

/** What the operator configured about this node, merged into the facts. */
export interface FactsOptions {
  labels?: Record<string, string>;
  zone?: string | undefined;
  agentVersion: string;
}

const MAX_LIST = 256;

/** Truncates `value` to `max` characters; the contract rejects longer strings outright. */
function clip(value: unknown, max: number): string {
  return String(value ?? '').slice(0, max);
}

/** How long one fact may take before its fallback is used (some are read by running commands). */
const FACT_TIMEOUT_MS = 10_000;

/** Reads a fact, falling back when the platform cannot tell (facts are best effort; a crash or a hang is not). */
async function orElse<T>(read: () => Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), FACT_TIMEOUT_MS);
  });
  try {
    return await Promise.race([read(), timeout]);
  } catch {
    return fallback;
  } finally {
    clearTimeout(timer);
  }
}

/** Non-internal IPv4 and IPv6 addresses, without the `%zone` suffix of link-local ones. */
async function readAddresses(): Promise<string[]> {
  const nics = await si.networkInterfaces();
  const list = Array.isArray(nics) ? nics : [nics];
  const addresses = new Set<string>();
  for (const nic of list) {
    if (nic.internal) continue;
    for (const ip of [nic.ip4, nic.ip6]) {
      const bare = ip?.split('%')[0];
      if (bare) addresses.add(bare);
    }
  }
  return [...addresses].slice(0, MAX_LIST).map((a) => clip(a, 64));
}

/**
 * Collects the node's facts. Each part falls back to what Node itself knows
 * (or an empty value) when `systeminformation` cannot read it.
 *
 * @example
 * const facts = await collectFacts({ labels: { role: 'db' }, zone: 'eu-1', agentVersion: AGENT_VERSION });
 */
export async function collectFacts(options: FactsOptions): Promise<NodeFacts> {
  const [osInfo, cpu, mem, fsList, addresses] = await Promise.all([
    orElse(() => si.osInfo(), undefined),
    orElse(() => si.cpu(), undefined),
    orElse(() => si.mem(), undefined),
    orElse(() => si.fsSize(), []),
    orElse(readAddresses, []),
  ]);
  const model = cpu ? `${cpu.manufacturer} ${cpu.brand}`.trim() : (os.cpus()[0]?.model ?? '');
  const facts: NodeFacts = {
    hostname: clip(osInfo?.hostname || os.hostname() || 'unknown', 253),
    os: {
      platform: clip(osInfo?.platform || process.platform, 64),
      distro: clip(osInfo?.distro, 256),
      release: clip(osInfo?.release || os.release(), 256),
      kernel: clip(osInfo?.kernel || os.release(), 256),
    },
    arch: clip(osInfo?.arch || os.arch(), 64),
    cpus: { count: os.availableParallelism?.() ?? os.cpus().length, model: clip(model, 256) },
    memoryBytes: mem?.total || os.totalmem(),
    disks: fsList
      .filter((fs) => fs.mount && fs.size > 0)
      .slice(0, MAX_LIST)
      .map((fs) => ({ mount: clip(fs.mount, 1024), fs: clip(fs.type || fs.fs, 256), sizeBytes: fs.size })),
    addresses,
    labels: { ...(options.labels ?? {}) },
    agentVersion: clip(options.agentVersion, 64),
  };
  if (options.zone) facts.zone = clip(options.zone, 128);
  return facts;
}
