import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What one wrk run saw. Latencies in ms as wrk reports them (with its coordinated-omission correction). */
export interface WrkResult {
  readonly requests: number;
  readonly durationS: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly errors: number;
  readonly errorKinds: { connect: number; read: number; write: number; status: number; timeout: number };
}

const SCRIPT = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK_JSON {\\"requests\\":%d,\\"durationUs\\":%d,\\"p50\\":%d,\\"p99\\":%d,\\"p999\\":%d,\\"max\\":%d,\\"connect\\":%d,\\"read\\":%d,\\"write\\":%d,\\"status\\":%d,\\"timeout\\":%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
`;

let scriptFile: string | undefined;

/** Runs `wrk -t{threads} -c{connections} -d{seconds}s` against url; `during` is called once the load has started. */
export async function runWrk(
  wrk: string,
  url: string,
  o: { threads: number; connections: number; seconds: number },
): Promise<WrkResult> {
  if (!scriptFile) {
    scriptFile = path.join(os.tmpdir(), `aurora-bench-lb-${process.pid}.lua`);
    writeFileSync(scriptFile, SCRIPT);
  }
  const child = spawn(
    wrk,
    [`-t${o.threads}`, `-c${o.connections}`, `-d${o.seconds}s`, '--timeout', '5s', '-s', scriptFile, url],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (code !== 0 || !line) throw new Error(`wrk failed (${code}):\n${out}`);
  const r = JSON.parse(line.slice('WRK_JSON '.length)) as Record<string, number>;
  const durationS = r.durationUs! / 1e6;
  const kinds = { connect: r.connect!, read: r.read!, write: r.write!, status: r.status!, timeout: r.timeout! };
  return {
    requests: r.requests!,
    durationS,
    rps: r.requests! / durationS,
    p50Ms: r.p50! / 1000,
    p99Ms: r.p99! / 1000,
    p999Ms: r.p999! / 1000,
    maxMs: r.max! / 1000,
    errors: kinds.connect + kinds.read + kinds.write + kinds.status + kinds.timeout,
    errorKinds: kinds,
  };
}
