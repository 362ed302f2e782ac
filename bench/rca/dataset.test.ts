import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rankRootCauses } from '@aurora/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatFaults,
  formatMetrics,
  formatTimestamp,
  loadDataset,
  parseFaults,
  parseFaultTimestamp,
  parseGraph,
  parseMetrics,
} from './dataset.js';
import { accuracy, caseFor, rankOf, recentNormal } from './protocol.js';
import { writeRecording } from './recording.js';

/** Whole seconds between 1970 and 2100. */
const instant = fc.integer({ min: 0, max: 4_102_444_799 }).map((s) => s * 1000);
const name = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,15}$/);

describe('the recording layout', () => {
  it('reads back every UTC timestamp it writes, and nothing it would not write', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        expect(parseFaultTimestamp(formatTimestamp(ms), 'x')).toBe(ms);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 25 }), (text) => {
        let parsed: number | undefined;
        try {
          parsed = parseFaultTimestamp(text, 'x');
        } catch (error) {
          expect((error as Error).message).toMatch(/use "YYYY-MM-DD HH:MM:SS" in UTC/);
          return;
        }
        expect(formatTimestamp(parsed)).toBe(text.trim());
      }),
    );
    for (const bad of ['2026-02-30 00:00:00', '2026-01-01T00:00:00', '2026-01-01 00:00', '2026-01-01 24:00:00']) {
      expect(() => parseFaultTimestamp(bad, 'faults.csv row 2')).toThrow(/faults.csv row 2/);
    }
  });

  it('reads back any list of faults it writes', () => {
    const fault = fc.record({
      startMs: instant,
      minutes: fc.integer({ min: 1, max: 600 }),
      kind: name,
      target: name,
    });
    fc.assert(
      fc.property(fc.array(fault, { maxLength: 20 }), (faults) => {
        const text = formatFaults(faults, (i) => `${faults[i]!.minutes}m`);
        expect(parseFaults(text)).toEqual(
          faults.map((f) => ({
            timestamp: formatTimestamp(f.startMs),
            startMs: f.startMs,
            durationMs: f.minutes * 60_000,
            kind: f.kind,
            target: f.target,
          })),
        );
      }),
    );
  });

  it('names the row and the fix for a bad fault', () => {
    expect(() => parseFaults('timestamp,duration,kind,target\n2026-01-01 00:00:00,soon,cpu,a\n')).toThrow(
      /faults.csv row 2: duration not a duration: "soon"/,
    );
    expect(() => parseFaults('timestamp,duration,kind,target\n2026-01-01 00:00:00,5m,cpu,\n')).toThrow(/empty target/);
    expect(() => parseFaults('timestamp,duration,kind\n')).toThrow(/no "target" column/);
  });

  it('reads back any metrics table it writes, missing samples included, sorted by time', () => {
    const value = fc.oneof(fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.constant(Number.NaN));
    const table = fc
      .tuple(
        fc.uniqueArray(instant, { minLength: 1, maxLength: 30 }),
        fc.uniqueArray(name, { minLength: 1, maxLength: 4 }),
      )
      .filter(([, names]) => !names.includes('timestamp'))
      .chain(([times, names]) =>
        fc
          .array(fc.array(value, { minLength: times.length, maxLength: times.length }), {
            minLength: names.length,
            maxLength: names.length,
          })
          .map((cols) => ({ times, names, cols })),
      );
    fc.assert(
      fc.property(table, ({ times, names, cols }) => {
        const text = formatMetrics(times, Object.fromEntries(names.map((n, i) => [n, cols[i]!])));
        const series = parseMetrics(text, 'svc');
        const order = times.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0]);
        expect(series.map((s) => s.metric)).toEqual(names);
        series.forEach((s, c) => {
          expect(Array.from(s.times)).toEqual(order.map(([t]) => t));
          const want = order.map(([, i]) => cols[c]![i]!);
          Array.from(s.values).forEach((v, k) => {
            if (Number.isNaN(want[k]!)) expect(v).toBeNaN();
            // Written with 7 significant digits.
            else expect(Math.abs(v - want[k]!)).toBeLessThanOrEqual(Math.abs(want[k]!) * 1e-6);
          });
        });
      }),
    );
  });

  it('marks Prometheus counters by their names and reads the graph', () => {
    const [cpu, mem] = parseMetrics(
      'timestamp,container_cpu_usage_seconds_total,mem\n2026-01-01 00:00:00,1,2\n',
      'svc',
    );
    expect([cpu!.kind, mem!.kind]).toEqual(['counter', 'gauge']);
    expect(parseGraph('caller,callee\nweb,api\n')).toEqual([{ caller: 'web', callee: 'api' }]);
  });
});

describe('the bench:rca protocol', () => {
  const fault = (startMin: number, minutes: number) => ({
    timestamp: '',
    startMs: startMin * 60_000,
    durationMs: minutes * 60_000,
    kind: 'k',
    target: 't',
  });

  it('learns recent normal only outside fault windows and their settling time', () => {
    const faults = [fault(100, 5), fault(120, 5), fault(150, 5)];
    expect(recentNormal(faults, faults[2]!, 30 * 60_000, 5 * 60_000)).toEqual([
      { startMs: 130 * 60_000, endMs: 150 * 60_000 },
    ]);
    expect(recentNormal(faults, faults[1]!, 30 * 60_000, 5 * 60_000)).toEqual([
      { startMs: 90 * 60_000, endMs: 100 * 60_000 },
      { startMs: 110 * 60_000, endMs: 120 * 60_000 },
    ]);
  });

  it('scores top-1, top-3 and avg@5 as RCAEval does', () => {
    expect(accuracy([1, 2, 6, null])).toEqual({ cases: 4, top1: 0.25, top3: 0.5, avgAt5: (0.25 + 0.5 * 4) / 5 });
    expect(rankOf(['a', 'b'], 'b')).toBe(2);
    expect(rankOf(['a'], 'z')).toBeNull();
  });

  it('runs end to end on a generated recording: every fault is a case whose window ends at the fault end', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-rca-'));
    try {
      writeRecording(dir, 7, 6);
      const data = loadDataset(dir);
      expect(data.faults).toHaveLength(6);
      expect(data.components).toHaveLength(11);
      expect(data.graph!.length).toBeGreaterThan(10);
      for (let i = 0; i < data.faults.length; i++) {
        const c = caseFor(data, i);
        expect(c.window).toEqual({
          startMs: data.faults[i]!.startMs,
          endMs: data.faults[i]!.startMs + data.faults[i]!.durationMs + 1,
        });
        const ranking = rankRootCauses(c).ranking.map((r) => r.component);
        expect([...ranking].sort()).toEqual([...data.components].sort());
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
