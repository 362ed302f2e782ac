import type { MetricSample, Prediction, PredictionList } from '@aurora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseLeadership } from '../platform/leadership/index.js';
import { FencedWriteError } from '../platform/store/index.js';
import { encodeWriteRequest } from '../telemetry/remote-write/proto.js';
import { testEngines } from '../testing/engines.js';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../testing/harness.js';
import { BUILT_IN_RULES, PredictionController } from './index.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

// Deterministic wiggle, so the series are not perfectly straight lines.
const wiggle = (i: number, size: number) => size * Math.sin(i * 1.7) * Math.cos(i * 0.31);

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`predictions on ${engine.name}`, () => {
    let server: TestServer;
    let credential: string;
    let batch = 0;
    const start = Date.UTC(2026, 2, 1);

    const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
      const res = await fetch(`${server.url}${path}`, {
        ...init,
        headers: { ...server.admin, ...(init.headers as Record<string, string> | undefined) },
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    };

    /** Agent samples through the heartbeat route, as the agent sends them. */
    const heartbeat = async (samples: MetricSample[]) => {
      const batches = [];
      for (let i = 0; i < samples.length; i += 20_000) {
        batches.push({ id: `batch-${String(batch++).padStart(6, '0')}`, samples: samples.slice(i, i + 20_000) });
      }
      const res = await fetch(`${server.url}/v1/agent/heartbeat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sentAt: server.clock.now(), facts: sampleFacts({ hostname: 'node-3' }), batches }),
      });
      expect(res.status, await res.text()).toBe(200);
    };

    /** A Prometheus remote_write of one series. */
    const remoteWrite = async (name: string, instance: string, points: [number, number][]) => {
      const res = await fetch(`${server.url}/api/v1/write`, {
        method: 'POST',
        headers: { ...server.admin, 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
        body: encodeWriteRequest({
          timeseries: [
            {
              labels: [
                { name: '__name__', value: name },
                { name: 'instance', value: instance },
              ],
              samples: points.map(([timestamp, value]) => ({ timestamp, value })),
            },
          ],
        }),
      });
      expect(res.status, await res.text()).toBe(204);
    };

    /** Node-3's agent series every 5 minutes over [from, to): a /var disk filling 1 %/h, a flat /, flat CPU, leaking memory. */
    const agentSeries = (from: number, to: number): MetricSample[] => {
      const out: MetricSample[] = [];
      for (let t = from; t < to; t += 5 * MIN) {
        const i = (t - start) / (5 * MIN);
        const hours = (t - start) / HOUR;
        out.push(
          {
            ts: t,
            name: 'disk.used_pct',
            value: Math.min(100, 46 + hours + wiggle(i, 0.3)),
            labels: { mount: '/var' },
          },
          { ts: t, name: 'disk.used_pct', value: 30 + wiggle(i, 0.5), labels: { mount: '/' } },
          { ts: t, name: 'cpu.usage_pct', value: 20 + wiggle(i, 5) },
          { ts: t, name: 'mem.used_bytes', value: 2 * GIB + hours * 100 * MIB + wiggle(i, 20 * MIB) },
          { ts: t, name: 'mem.total_bytes', value: 8 * GIB },
        );
      }
      return out;
    };

    const predictions = (query = '') => api<PredictionList>(`/v1/predictions${query}`);
    const find = (items: Prediction[], rule: string, subject: string) =>
      items.find((p) => p.rule === rule && p.subject === subject);

    beforeAll(async () => {
      server = await startTestServer({
        engine,
        env: {
          AURORA_CAPACITIES: JSON.stringify([
            { name: 'queue', match: 'queue_depth', capacity: 1000, kind: 'saturated' },
          ]),
        },
      });
      server.clock.set(start + 48 * HOUR);
      ({ credential } = await joinNode(server, 'node-3', sampleFacts({ hostname: 'node-3' })));
    });
    afterAll(async () => server?.close());

    it('opens predictions for a filling disk and a memory leak, and none for flat series', async () => {
      await heartbeat(agentSeries(start, start + 48 * HOUR));
      // A queue that grew for 6 hours towards the 950 its saturation rule counts as saturated.
      const queue: [number, number][] = [];
      for (let t = start + 42 * HOUR; t < start + 48 * HOUR; t += 5 * MIN) {
        queue.push([t, ((t - start - 42 * HOUR) / HOUR) * 120 + wiggle(t / (5 * MIN), 5)]);
      }
      await remoteWrite('queue_depth', 'q1', queue);
      await server.forecasting.controller.refresh();

      const { items, hitRate, refreshedAt } = await predictions();
      expect(refreshedAt).toBe(new Date(server.clock.now()).toISOString());
      const disk = find(items, 'disk', 'disk /var on node-3');
      expect(disk, JSON.stringify(items, null, 1)).toBeDefined();
      expect(disk!.status).toBe('open');
      expect(disk!.kind).toBe('full');
      expect(disk!.node).toBe('node-3');
      // 94 % now, 1 %/h: full in about 6 h.
      expect(disk!.message).toMatch(
        /^disk \/var on node-3 full in about [5-7](\.\d)? h \(80 % interval [\d.]+ (h|min)–[\d.]+ h\)$/,
      );
      const inHours = (Date.parse(disk!.expectedAt!) - server.clock.now()) / HOUR;
      expect(inHours).toBeGreaterThan(4.5);
      expect(inHours).toBeLessThan(7.5);
      expect(Date.parse(disk!.earliestAt!)).toBeLessThanOrEqual(Date.parse(disk!.expectedAt!));

      const memory = find(items, 'memory', 'memory on node-3');
      expect(memory?.kind).toBe('leak');
      expect(memory!.message).toMatch(/^memory on node-3 grows (9\d|10\d) MiB\/h, steadily for/);
      expect(memory!.trendPerHour / MIB).toBeGreaterThan(90);
      expect(memory!.trendPerHour / MIB).toBeLessThan(110);
      // 6.7 GiB of 8 used, 95 % (7.6 GiB) counts as out of memory: about 9 h at 100 MiB/h.
      expect(memory!.limit).toBeCloseTo(0.95 * 8 * GIB, 0);
      expect(memory!.message).toMatch(/out of memory in about/);

      const queueP = find(items, 'queue', 'queue on q1');
      expect(queueP?.kind).toBe('saturated');
      expect(queueP!.message).toMatch(/^queue on q1 saturated in about/);

      expect(find(items, 'disk', 'disk / on node-3')).toBeUndefined();
      expect(items.some((p) => p.rule === 'cpu')).toBe(false);
      expect(hitRate).toMatchObject({ closed: 0, cameTrue: 0, withdrawn: 0, hitRate: null });

      // The CLI, console and SDK read the same list by node.
      expect((await predictions('?node=node-3')).items.map((p) => p.rule).sort()).toEqual(['disk', 'memory']);
      expect((await predictions('?node=other')).items).toEqual([]);
    });

    it('a refresh keeps one open prediction per series and moves its times', async () => {
      const before = find((await predictions()).items, 'disk', 'disk /var on node-3')!;
      server.clock.advance(MIN);
      await server.forecasting.controller.refresh();
      const items = (await predictions()).items;
      expect(items.filter((p) => p.rule === 'disk')).toHaveLength(1);
      const after = find(items, 'disk', 'disk /var on node-3')!;
      expect(after.id).toBe(before.id);
      expect(after.updatedAt).toBe(new Date(server.clock.now()).toISOString());
      expect(after.firstExpectedAt).toBe(before.firstExpectedAt);
    });

    it('a disk that fills as predicted is recorded as came-true, inside the interval first given', async () => {
      const from = server.clock.now() - (server.clock.now() % (5 * MIN)) + 5 * MIN;
      server.clock.advance(6.75 * HOUR);
      await heartbeat(agentSeries(from, server.clock.now()));
      // Meanwhile the queue drained and stayed empty.
      const drained: [number, number][] = [];
      for (let t = from; t < server.clock.now(); t += 5 * MIN) drained.push([t, 0]);
      await remoteWrite('queue_depth', 'q1', drained);
      await server.forecasting.controller.refresh();
      const closed = await predictions('?status=closed');
      const disk = find(closed.items, 'disk', 'disk /var on node-3');
      expect(disk?.status).toBe('came-true');
      expect(disk!.message).toBe('disk /var on node-3 full now');
      expect(disk!.closedAt).toBe(new Date(server.clock.now()).toISOString());
      expect(disk!.withinFirstInterval).toBe(true);
      expect(closed.hitRate).toMatchObject({ closed: 1, cameTrue: 1, hitRate: 1 });
      expect(closed.hitRate.byKind.full).toEqual({ closed: 1, cameTrue: 1, hitRate: 1, unpredicted: 0, recall: 1 });
      // One refresh that no longer expects the queue to saturate does not withdraw it yet.
      expect(find((await predictions()).items, 'queue', 'queue on q1')?.status).toBe('open');
    });

    it('a prediction the data stops supporting is withdrawn after three refreshes; a silent series at once', async () => {
      server.clock.advance(MIN);
      await server.forecasting.controller.refresh();
      expect(find((await predictions()).items, 'queue', 'queue on q1')?.status).toBe('open');
      server.clock.advance(MIN);
      await server.forecasting.controller.refresh();
      const queue = find((await predictions('?status=closed')).items, 'queue', 'queue on q1');
      expect(queue?.status).toBe('withdrawn');
      expect(queue!.reason).toMatch(/^no longer expected: /);

      // Node-3 stops reporting: its memory leak prediction is withdrawn once the series is 15 minutes silent.
      server.clock.advance(20 * MIN);
      await server.forecasting.controller.refresh();
      const all = await predictions('?status=all');
      const memory = find(all.items, 'memory', 'memory on node-3');
      expect(memory?.status).toBe('withdrawn');
      expect(memory!.reason).toMatch(/^no data since /);
      expect(all.items.filter((p) => p.status === 'open')).toEqual([]);
      expect(all.hitRate).toMatchObject({ closed: 3, cameTrue: 1, withdrawn: 2 });
      expect(all.hitRate.hitRate).toBeCloseTo(1 / 3, 10);
      expect(all.hitRate.withinFirstInterval).toBe(1);
    });

    it('a limit reached with no prediction open is recorded once as unpredicted, and lowers the recall', async () => {
      // A queue idle for six hours that fills to its capacity within ten minutes: nothing was open for it.
      const now = server.clock.now();
      const points: [number, number][] = [];
      for (let t = now - 6 * HOUR; t <= now; t += 5 * MIN) points.push([t, t > now - 10 * MIN ? 1000 : 0]);
      await remoteWrite('queue_depth', 'q2', points);
      await server.forecasting.controller.refresh();
      const missed = () =>
        predictions('?status=closed').then((l) => l.items.filter((p) => p.subject === 'queue on q2'));
      const [row, ...more] = await missed();
      expect(more).toEqual([]);
      expect(row).toMatchObject({ status: 'unpredicted', kind: 'saturated', current: 1000, expectedAt: null });
      expect(row!.reason).toBe('reached its limit with no prediction open');
      const rate = (await predictions('?status=all')).hitRate;
      expect(rate).toMatchObject({ cameTrue: 1, unpredicted: 1, recall: 0.5, closed: 3 });
      expect(rate.byKind.saturated).toMatchObject({ unpredicted: 1, recall: 0 });
      // Still at its limit a minute later: the same time it got there, not a second miss.
      server.clock.advance(MIN);
      await remoteWrite('queue_depth', 'q2', [[server.clock.now(), 1000]]);
      await server.forecasting.controller.refresh();
      expect(await missed()).toHaveLength(1);
    });

    it('a deposed leader cannot write predictions: its refresh is refused by the epoch fence', async () => {
      // a's own deadline is on a frozen clock: it still believes it leads when only the database saw its lease lapse.
      const a = new LeaseLeadership(server.store.db, {
        holder: 'a',
        name: 'predictions-fence',
        ttlMs: 1,
        now: () => 0,
      });
      const b = new LeaseLeadership(server.store.db, { holder: 'b', name: 'predictions-fence', ttlMs: 60_000 });
      await a.tick();
      expect(a.isLeader()).toBe(true);
      while (!b.isLeader()) await b.tick();
      const deposed = new PredictionController({
        db: server.store.db,
        query: server.telemetry.query,
        leadership: a,
        now: () => server.clock.now(),
        rules: BUILT_IN_RULES,
        intervalMs: 60_000,
      });
      const before = await predictions('?status=all');
      await expect(deposed.refresh()).rejects.toThrow(FencedWriteError);
      expect(await predictions('?status=all')).toEqual(before);
      await b.stop();
    });

    it('forecasts a series with an interval for the console', async () => {
      const f = await api<{ stepMs: number; level: number; series: { method: string; points: number[][] }[] }>(
        `/v1/forecast?match=${encodeURIComponent('cpu_usage_pct{node="node-3"}')}&to=${start + 48 * HOUR}&step=5m&horizon=12`,
      );
      expect(f.stepMs).toBe(5 * MIN);
      expect(f.series).toHaveLength(1);
      const points = f.series[0]!.points;
      expect(points).toHaveLength(12);
      for (const [t, p, lo, hi] of points) {
        expect(t! % (5 * MIN)).toBe(0);
        expect(lo).toBeLessThanOrEqual(p!);
        expect(hi).toBeGreaterThanOrEqual(p!);
        expect(p).toBeGreaterThan(14);
        expect(p).toBeLessThan(26);
      }
      const bad = await fetch(`${server.url}/v1/forecast?match=${encodeURIComponent('cpu_usage_pct{node=')}`, {
        headers: server.admin,
      });
      expect(bad.status).toBe(400);
      expect((await bad.json()).field).toBe('match');
    });
  });
}
