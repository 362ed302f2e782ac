/**
 * A seeded microservice recording with injected faults, in the layout of dataset.ts, for
 * developing root-cause ranking without anyone else's data. Eleven services call each other
 * along a fixed dependency graph; load arrives at `web` with a daily rhythm and drifts; every
 * service has its own background noise, GC spikes and log rotation. Faults change the target
 * and travel to its callers the way they do in production (latency and errors add up along
 * calls, a crashed process stops reporting and resets its counters); during every fault a
 * harmless change (a cron job, a cache warming, a log burst) happens on another service, so
 * the cause is never simply the only thing that moved.
 */
import { Random } from '../corpus/random.js';

/** Bump when the generated data changes for a given seed. */
export const RCA_GENERATOR_VERSION = 1;

export const STEP_MS = 15_000;

/** caller → callee with calls per request. */
export const EDGES: ReadonlyArray<readonly [string, string, number]> = [
  ['web', 'api', 1],
  ['api', 'search', 0.4],
  ['api', 'cart', 0.3],
  ['api', 'checkout', 0.1],
  ['api', 'auth', 0.5],
  ['search', 'cache', 0.8],
  ['search', 'inventory', 0.3],
  ['cart', 'cache', 0.5],
  ['cart', 'db-main', 0.5],
  ['checkout', 'payment', 1],
  ['checkout', 'inventory', 1],
  ['checkout', 'mail', 0.5],
  ['checkout', 'cart', 1],
  ['inventory', 'db-main', 1],
  ['auth', 'cache', 0.7],
  ['auth', 'db-main', 0.3],
];

/** Callees before callers, so latency and errors can be summed up the graph in one pass. */
export const COMPONENTS = [
  'db-main',
  'cache',
  'payment',
  'mail',
  'inventory',
  'cart',
  'auth',
  'search',
  'checkout',
  'api',
  'web',
] as const;

export const FAULT_KINDS = ['cpu-hog', 'memory-leak', 'disk-fill', 'latency', 'errors', 'crash'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const METRICS = [
  'container_cpu_usage_seconds_total',
  'container_memory_working_set_bytes',
  'container_fs_usage_bytes',
  'http_request_duration_seconds',
  'http_requests_per_second',
  'http_errors_per_second',
] as const;

export interface SyntheticFault {
  startMs: number;
  durationMs: number;
  kind: FaultKind;
  target: string;
  decoy: { target: string; kind: string; startMs: number };
}

export interface SyntheticRecording {
  times: Float64Array;
  /** component → metric → values */
  metrics: Record<string, Record<string, Float64Array>>;
  faults: SyntheticFault[];
}

interface Params {
  cpu0: number;
  cpuPerRps: number;
  mem0: number;
  fs0: number;
  fsGrowthPerStep: number;
  rotateEvery: number;
  selfLatency: number;
  errBase: number;
}

const GB = 1e9;

/** Generates a recording: `normalHours` of normal data, then `faults` faults 10–20 minutes apart. */
export function generateRecording(seed: number, faultCount: number, normalHours = 2): SyntheticRecording {
  const rnd = new Random(seed);
  const start = Date.UTC(2026, 0, 5, 0, 0, 0) + rnd.int(0, 23) * 3_600_000;
  // Schedule first, so the length of the recording is known.
  const faults: SyntheticFault[] = [];
  let t = start + normalHours * 3_600_000;
  for (let i = 0; i < faultCount; i++) {
    t += rnd.int(10, 20) * 60_000;
    const durationMs = rnd.pick([3, 5, 5, 5, 10]) * 60_000;
    const kind = FAULT_KINDS[i % FAULT_KINDS.length]!;
    const target = rnd.pick(COMPONENTS);
    const others = COMPONENTS.filter((c) => c !== target);
    const decoyStart = t + rnd.int(0, Math.floor(durationMs / STEP_MS) - 2) * STEP_MS;
    faults.push({
      startMs: t,
      durationMs,
      kind,
      target,
      decoy: { target: rnd.pick(others), kind: rnd.pick(['cron-job', 'cache-warm', 'log-burst']), startMs: decoyStart },
    });
    t += durationMs;
  }
  const end = t + 10 * 60_000;
  const n = Math.floor((end - start) / STEP_MS);
  const times = Float64Array.from({ length: n }, (_, i) => start + i * STEP_MS);

  const params = new Map<string, Params>();
  for (const c of COMPONENTS) {
    params.set(c, {
      cpu0: rnd.uniform(0.05, 0.3),
      cpuPerRps: rnd.uniform(0.001, 0.006),
      mem0: rnd.uniform(0.2, 2) * GB,
      fs0: rnd.uniform(1, 10) * GB,
      fsGrowthPerStep: rnd.uniform(0.1, 2) * 1e6,
      rotateEvery: rnd.int(240, 1440),
      selfLatency: rnd.uniform(0.004, 0.05),
      errBase: rnd.uniform(0.0005, 0.005),
    });
  }
  const out: Record<string, Record<string, Float64Array>> = {};
  for (const c of COMPONENTS) {
    out[c] = Object.fromEntries(METRICS.map((m) => [m, new Float64Array(n)]));
  }
  const baseRps = rnd.uniform(50, 200);
  const phase = rnd.uniform(0, 2 * Math.PI);
  let drift = 0;
  const background = new Map<string, number>(COMPONENTS.map((c) => [c, 0]));
  const cpuTotal = new Map<string, number>(COMPONENTS.map((c) => [c, rnd.uniform(100, 10_000)]));
  // Per-fault effect sizes, drawn once.
  const effect = faults.map(() => ({ size: rnd.uniform(0, 1), decoySize: rnd.uniform(0, 1) }));
  const active = (i: number) => {
    const tm = times[i]!;
    return faults.findIndex((f) => tm >= f.startMs && tm < f.startMs + f.durationMs);
  };

  for (let i = 0; i < n; i++) {
    const tm = times[i]!;
    drift = 0.98 * drift + 0.02 * rnd.normal();
    const webRps =
      baseRps *
      (1 + 0.35 * Math.sin((2 * Math.PI * (tm - start)) / 86_400_000 + phase)) *
      Math.exp(drift) *
      (1 + 0.03 * rnd.normal());
    const fi = active(i);
    const fault = fi >= 0 ? faults[fi]! : undefined;
    const size = fi >= 0 ? effect[fi]!.size : 0;
    const decoy = fault && tm >= fault.decoy.startMs ? fault.decoy : undefined;
    const decoySize = fi >= 0 ? effect[fi]!.decoySize : 0;
    const sinceStart = fault ? (tm - fault.startMs) / fault.durationMs : 0;

    // Requests flow from web down the graph.
    const rps = new Map<string, number>([['web', webRps]]);
    for (const c of [...COMPONENTS].reverse()) {
      if (c === 'web') continue;
      let r = 0;
      for (const [caller, callee, f] of EDGES) if (callee === c) r += (rps.get(caller) ?? 0) * f;
      rps.set(c, r * (1 + 0.02 * rnd.normal()));
    }
    const crashedNow = (c: string) =>
      fault?.kind === 'crash' && fault.target === c && Math.floor((tm - fault.startMs) / 60_000) % 2 === 0;
    const latency = new Map<string, number>();
    const errors = new Map<string, number>();
    for (const c of COMPONENTS) {
      const p = params.get(c)!;
      const m = out[c]!;
      const isTarget = fault?.target === c;
      const isDecoy = decoy?.target === c;
      const bg = 0.95 * background.get(c)! + 0.05 * rnd.normal();
      background.set(c, bg);
      const myRps = rps.get(c)!;
      let cpu = p.cpu0 * (1 + 0.3 * bg) + p.cpuPerRps * myRps + 0.05 * p.cpu0 * rnd.normal();
      if (rnd.chance(0.01)) cpu += p.cpu0 * rnd.uniform(0.5, 2); // garbage collection
      let mem = p.mem0 * (1 + 0.01 * rnd.normal()) + 2e5 * myRps;
      let fs = p.fs0 + p.fsGrowthPerStep * (i % p.rotateEvery) + 1e5 * rnd.normal();
      let self = p.selfLatency * (1 + 0.5 * (cpu / 2) ** 2) * Math.exp(0.08 * rnd.normal());
      let err = p.errBase * Math.exp(0.3 * rnd.normal());
      if (isTarget && fault) {
        switch (fault.kind) {
          case 'cpu-hog':
            cpu += 0.5 + 1.5 * size;
            self *= 1.2 + 0.6 * size;
            break;
          case 'memory-leak':
            mem += (0.3 + 0.9 * size) * p.mem0 * sinceStart;
            cpu *= 1.05;
            break;
          case 'disk-fill':
            fs += (1 + 6 * size) * GB * sinceStart;
            break;
          case 'latency':
            self += 0.05 + 0.35 * size;
            break;
          case 'errors':
            err += 0.03 + 0.25 * size;
            self *= 1.1;
            break;
          case 'crash':
            break;
        }
      }
      if (isDecoy && decoy) {
        if (decoy.kind === 'cron-job') cpu += 0.2 + 1.2 * decoySize;
        else if (decoy.kind === 'cache-warm') mem += (0.1 + 0.6 * decoySize) * p.mem0;
        else fs += (0.3 + 3 * decoySize) * GB;
      }
      let total = self;
      let errTotal = err;
      for (const [caller, callee, f] of EDGES) {
        if (caller !== c) continue;
        total += f * latency.get(callee)!;
        errTotal += Math.min(1, f) * 0.8 * errors.get(callee)!;
      }
      errTotal = Math.min(1, errTotal);
      const crashed = crashedNow(c);
      if (fault?.kind === 'crash' && fault.target === c) {
        // Down for one minute, up for one: callers see failures; it reports nothing while down.
        errTotal = crashed ? 1 : errTotal;
        if (crashed) cpu = 0.002;
        const restartedAt = fault.startMs + Math.floor((tm - fault.startMs) / 120_000) * 120_000 + 60_000;
        if (!crashed) mem = 0.3 * p.mem0 + 0.4 * p.mem0 * Math.min(1, (tm - restartedAt) / 60_000);
      }
      latency.set(c, crashed ? 0.002 : total);
      errors.set(c, errTotal);
      const prevTotal = cpuTotal.get(c)!;
      // A process that is down starts its counter again from zero when it comes back.
      const nextTotal = crashed ? 0 : prevTotal + cpu * (STEP_MS / 1000);
      cpuTotal.set(c, nextTotal);
      if (crashed) {
        m.container_cpu_usage_seconds_total![i] = Number.NaN;
        m.container_memory_working_set_bytes![i] = Number.NaN;
        m.http_request_duration_seconds![i] = Number.NaN;
        m.http_requests_per_second![i] = Number.NaN;
        m.http_errors_per_second![i] = Number.NaN;
        m.container_fs_usage_bytes![i] = fs;
        continue;
      }
      m.container_cpu_usage_seconds_total![i] = nextTotal;
      m.container_memory_working_set_bytes![i] = mem;
      m.container_fs_usage_bytes![i] = fs;
      m.http_request_duration_seconds![i] = total;
      m.http_requests_per_second![i] = myRps;
      m.http_errors_per_second![i] = myRps * errTotal;
    }
  }
  return { times, metrics: out, faults };
}
