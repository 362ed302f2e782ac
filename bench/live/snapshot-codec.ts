/**
 * Detector snapshot codec benchmark.
 *
 *   npm run bench:snapshot -- [--points 60,360,1000,3600,86400,604800] [--reps 400] [--interval-ms 1000]
 *                             [--seed 1] [--out FILE]
 *
 * For each number of points, feeds the live detector (LIVE_DETECTOR) a seeded CPU-like series,
 * then writes its state the way the detection controller does (`snapshotText` with the server's
 * packed encoder) beside its plain-JSON peer (`snapshotText` with the default `JSON.stringify`),
 * and resumes a detector from each text the way a new partition owner does (`resume`). Every
 * repetition times each kind once, in rotating order, so all see the same load. Sizes are bytes
 * of UTF-8 text, times microseconds per call. Writes bench/results/snapshot-codec.json (and --out
 * if given) with the load average before and after.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createDetector, type Detector, LIVE_DETECTOR, snapshotText } from '@aurora/core';
import { decodeState, encodeState, resume } from '@aurora/server';
import { Random } from '../corpus/random.js';
import { printTable, quantile, writeResult } from '../lib/report.js';

const { values } = parseArgs({
  options: {
    points: { type: 'string', default: '60,360,1000,3600,86400,604800' },
    reps: { type: 'string', default: '400' },
    seed: { type: 'string', default: '1' },
    'interval-ms': { type: 'string', default: '1000' },
    out: { type: 'string' },
  },
});
const sizes = values.points.split(',').map(Number);
const reps = Number(values.reps);
const seed = Number(values.seed);
const intervalMs = Number(values['interval-ms']);
if (sizes.some((n) => !Number.isInteger(n) || n < 1))
  throw new Error(`--points: whole numbers above 0, got ${values.points}`);
if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps: a whole number above 0, got ${values.reps}`);
if (!Number.isInteger(seed)) throw new Error(`--seed: a whole number, got ${values.seed}`);
if (!Number.isInteger(intervalMs) || intervalMs < 1)
  throw new Error(`--interval-ms: a whole number above 0, got ${values['interval-ms']}`);

const loadBefore = os.loadavg();
const START = Date.UTC(2026, 0, 5);

/**
 * A CPU percentage: a level with an hourly swing, noise that follows itself (AR(1)), and now
 * and then a burst of several samples; kept within 0..100.
 */
function cpuSeries(n: number, rng: Random): number[] {
  const out = new Array<number>(n);
  let noise = 0;
  let burst = 0;
  for (let i = 0; i < n; i++) {
    noise = 0.8 * noise + 1.5 * rng.normal();
    if (burst > 0) burst--;
    else if (rng.chance(0.002)) burst = rng.int(10, 60);
    const seconds = (i * intervalMs) / 1000;
    const level = 35 + 12 * Math.sin((2 * Math.PI * seconds) / 3600) + (burst > 0 ? 30 : 0);
    out[i] = Math.min(100, Math.max(0, level + noise));
  }
  return out;
}

function grown(n: number): Detector {
  const detector = createDetector(LIVE_DETECTOR);
  const series = cpuSeries(n, new Random(seed));
  for (let i = 0; i < n; i++) detector.update(START + i * intervalMs, series[i]!);
  return detector;
}

/** Microseconds of one call. */
function timed(call: () => void): number {
  const t0 = process.hrtime.bigint();
  call();
  return Number(process.hrtime.bigint() - t0) / 1_000;
}

/** Median and p90 in µs. */
interface Timing {
  medianUs: number;
  p90Us: number;
}

interface Row {
  points: number;
  jsonBytes: number;
  packedBytes: number;
  /** JSON bytes / packed bytes. */
  bytesRatio: number;
  write: { copyThenJson: Timing; json: Timing; packed: Timing; jsonOverPacked: number };
  decode: { json: Timing; packed: Timing; jsonOverPacked: number };
  resume: { json: Timing; packed: Timing; jsonOverPacked: number };
}

const resumeFrom = (text: string, points: number) =>
  resume(LIVE_DETECTOR, { detector: LIVE_DETECTOR, state: text, lastTs: 0, points });

/**
 * The timed calls. Writing: the controller's path (`snapshotText` with the packed encoder), its
 * plain-JSON peer, and a deep copy then JSON (what `snapshotText` does for a detector without
 * `serialize`, and how snapshots were written before one-pass serialisation). Decoding: the
 * stored text to the state, `JSON.parse` for plain text beside the codec's `decodeState`.
 * Resuming: the whole of what a new owner does with the text, for either kind.
 */
const cases = {
  writeCopyThenJson: (d: Detector) => JSON.stringify(d.snapshot()),
  writeJson: (d: Detector) => snapshotText(d),
  writePacked: (d: Detector) => snapshotText(d, encodeState),
  decodeJson: (t: { json: string }) => JSON.parse(t.json),
  decodePacked: (t: { packed: string }) => decodeState(t.packed),
};

function timing(us: number[]): Timing {
  return { medianUs: round(quantile(us, 0.5)), p90Us: round(quantile(us, 0.9)) };
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const rows: Row[] = [];
for (const points of sizes) {
  const detector = grown(points);
  const texts = { json: cases.writeJson(detector), packed: cases.writePacked(detector) };
  // Both texts must resume the same detector, or the comparison means nothing.
  const check = (text: string) => {
    const r = resumeFrom(text, points);
    if (r.failure) throw new Error(`${points} points: ${r.failure}`);
    return JSON.stringify(r.detector.snapshot());
  };
  if (check(texts.json) !== check(texts.packed))
    throw new Error(`${points} points: packed and JSON resume differently`);
  if (cases.writeCopyThenJson(detector) !== texts.json) throw new Error(`${points} points: the copy writes other JSON`);

  const kinds = ['copyJson', 'json', 'packed'] as const;
  const us = {
    write: { copyJson: [] as number[], json: [] as number[], packed: [] as number[] },
    decode: { json: [] as number[], packed: [] as number[] },
    resume: { json: [] as number[], packed: [] as number[] },
  };
  const warmup = Math.min(100, reps);
  for (let i = 0; i < warmup + reps; i++) {
    const keep = i >= warmup;
    // Rotate which goes first, so none always runs right after the same other one.
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[(i + k) % kinds.length]!;
      const w =
        kind === 'copyJson'
          ? timed(() => cases.writeCopyThenJson(detector))
          : kind === 'json'
            ? timed(() => cases.writeJson(detector))
            : timed(() => cases.writePacked(detector));
      if (keep) us.write[kind].push(w);
      if (kind === 'copyJson') continue;
      const d = kind === 'json' ? timed(() => cases.decodeJson(texts)) : timed(() => cases.decodePacked(texts));
      const r = timed(() => resumeFrom(texts[kind], points));
      if (keep) {
        us.decode[kind].push(d);
        us.resume[kind].push(r);
      }
    }
  }
  const ratio = (json: number[], packed: number[]) => round(quantile(json, 0.5) / quantile(packed, 0.5), 2);
  const jsonBytes = Buffer.byteLength(texts.json);
  const packedBytes = Buffer.byteLength(texts.packed);
  rows.push({
    points,
    jsonBytes,
    packedBytes,
    bytesRatio: round(jsonBytes / packedBytes, 2),
    write: {
      copyThenJson: timing(us.write.copyJson),
      json: timing(us.write.json),
      packed: timing(us.write.packed),
      jsonOverPacked: ratio(us.write.json, us.write.packed),
    },
    decode: {
      json: timing(us.decode.json),
      packed: timing(us.decode.packed),
      jsonOverPacked: ratio(us.decode.json, us.decode.packed),
    },
    resume: {
      json: timing(us.resume.json),
      packed: timing(us.resume.packed),
      jsonOverPacked: ratio(us.resume.json, us.resume.packed),
    },
  });
}

const cell = (t: Timing) => `${t.medianUs} (${t.p90Us})`;
console.log(
  `${LIVE_DETECTOR}, seeded CPU-like series every ${intervalMs} ms (seed ${seed}), ${reps} repetitions; µs per call, median (p90)\n`,
);
printTable(
  [
    'points',
    'JSON bytes',
    'packed bytes',
    'JSON/packed',
    'write copy+JSON',
    'write JSON',
    'write packed',
    'JSON/packed',
  ],
  rows.map((r) => [
    r.points,
    r.jsonBytes,
    r.packedBytes,
    r.bytesRatio,
    cell(r.write.copyThenJson),
    cell(r.write.json),
    cell(r.write.packed),
    r.write.jsonOverPacked,
  ]),
);
console.log('');
printTable(
  ['points', 'decode JSON', 'decode packed', 'JSON/packed', 'resume JSON', 'resume packed', 'JSON/packed'],
  rows.map((r) => [
    r.points,
    cell(r.decode.json),
    cell(r.decode.packed),
    r.decode.jsonOverPacked,
    cell(r.resume.json),
    cell(r.resume.packed),
    r.resume.jsonOverPacked,
  ]),
);

const payload = {
  detector: LIVE_DETECTOR,
  seed,
  repetitions: reps,
  intervalMs,
  // The machine may be shared: the 1, 5 and 15 minute load averages before and after the run.
  loadAverage: { before: loadBefore.map((x) => round(x, 2)), after: os.loadavg().map((x) => round(x, 2)) },
  rows,
};
const file = writeResult('snapshot-codec', payload);
if (values.out) writeFileSync(values.out, `${JSON.stringify(payload, null, 2)}\n`);
console.log(`\nwrote ${values.out ?? file}`);
