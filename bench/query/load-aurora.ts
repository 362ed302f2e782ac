import { encodeWriteRequest, type WireTimeSeries } from '@aurora/server';
import { type Fleet, metricName, nodeName, times, valueAt } from './dataset.js';

/**
 * Writes the fleet into Aurora through remote_write, the way a Prometheus
 * server backfilling would: time windows in order (so each series stays in
 * order), each window cut into requests of a few nodes, a few requests in
 * flight. Reports progress on stderr.
 */
export async function loadThroughRemoteWrite(
  url: string,
  token: string,
  f: Fleet,
  options: { windowMs: number; nodesPerRequest: number; inFlight: number; label: string },
): Promise<{ seconds: number; samples: number }> {
  const total = f.nodes * f.metrics * times(f).length;
  let sent = 0;
  const t0 = performance.now();
  let lastReport = 0;
  const report = (force = false) => {
    const now = performance.now();
    if (!force && now - lastReport < 5_000) return;
    lastReport = now;
    const rate = sent / ((now - t0) / 1000);
    const eta = rate > 0 ? (total - sent) / rate : Number.NaN;
    process.stderr.write(
      `[${options.label}] ${(sent / 1e6).toFixed(1)} / ${(total / 1e6).toFixed(1)} M samples (${Math.round((sent / total) * 100)} %), ${Math.round(rate / 1000)}k samples/s, about ${Math.round(eta)} s left\n`,
    );
  };
  for (let w = f.start; w < f.end; w += options.windowMs) {
    const ts = times(f, w, Math.min(f.end, w + options.windowMs));
    const groups: number[][] = [];
    for (let n = 0; n < f.nodes; n += options.nodesPerRequest) {
      groups.push(Array.from({ length: Math.min(options.nodesPerRequest, f.nodes - n) }, (_, i) => n + i));
    }
    let next = 0;
    const worker = async () => {
      while (next < groups.length) {
        const group = groups[next++] as number[];
        const timeseries: WireTimeSeries[] = [];
        for (const n of group) {
          for (let m = 0; m < f.metrics; m++) {
            timeseries.push({
              labels: [
                { name: '__name__', value: metricName(m) },
                { name: 'instance', value: nodeName(n) },
                { name: 'node', value: nodeName(n) },
              ],
              samples: ts.map((t) => ({ timestamp: t, value: valueAt(n, m, t) })),
            });
          }
        }
        const body = encodeWriteRequest({ timeseries });
        const res = await fetch(`${url}/api/v1/write`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/x-protobuf',
            'content-encoding': 'snappy',
            'x-prometheus-remote-write-version': '0.1.0',
          },
          body,
        });
        if (res.status !== 204) throw new Error(`remote_write answered ${res.status}: ${await res.text()}`);
        sent += group.length * f.metrics * ts.length;
        report();
      }
    };
    await Promise.all(Array.from({ length: options.inFlight }, worker));
  }
  report(true);
  return { seconds: (performance.now() - t0) / 1000, samples: sent };
}
