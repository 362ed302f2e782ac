/**
 * Samples the machine's health every collection interval, on Linux, macOS and
 * Windows alike. Each source (CPU, memory, disks, network, processes) is read
 * on its own: a source the platform lacks or that fails is skipped for that
 * collection and never stops the others.
 */
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import type { MetricSample } from '@aurora/sdk';
import si from 'systeminformation';
import { CounterRates, type CpuTimes, cpuUsagePct } from './rates.js';
import { SampleSink } from './samples.js';

/** Anything that yields one collection of samples; the agent loop depends only on this. */
export interface MetricsSource {
  collect(): Promise<MetricSample[]>;
}

/** Options of {@link createSystemMetricsSource}. */
export interface SystemMetricsOptions {
  /** Timestamp source for samples and rate computation; defaults to `Date.now`. */
  clock?: () => number;
  /** Told about each source that failed, for debug logging; the collection goes on without it. */
  onSourceError?: (source: string, error: unknown) => void;
  /** A source that has not answered after this long is skipped for the collection; default 10 s. */
  sourceTimeoutMs?: number;
}

/** Sums the per-core CPU times that Node reports on every platform. */
function readCpuTimes(): CpuTimes {
  let busyMs = 0;
  let totalMs = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    const all = t.user + t.nice + t.sys + t.idle + t.irq;
    totalMs += all;
    busyMs += all - t.idle;
  }
  return { busyMs, totalMs };
}

/** Counts processes from /proc where it exists, because listing them all through `ps` costs far more. */
async function countProcesses(): Promise<number> {
  if (process.platform === 'linux') {
    const entries = await readdir('/proc');
    return entries.filter((e) => /^\d+$/.test(e)).length;
  }
  return (await si.processes()).all;
}

/**
 * Creates the real metrics source. It keeps the previous counter readings so
 * that `*_bps` rates and `cpu.usage_pct` describe the time between two
 * collections; the very first collection therefore has no rates.
 *
 * @example
 * const source = createSystemMetricsSource();
 * const samples = await source.collect(); // cpu.usage_pct, mem.used_bytes, disk.used_pct{mount}, ...
 */
export function createSystemMetricsSource(options: SystemMetricsOptions = {}): MetricsSource {
  const clock = options.clock ?? Date.now;
  const report = options.onSourceError ?? (() => {});
  const rates = new CounterRates();
  let previousCpu: CpuTimes | undefined;

  const timeoutMs = options.sourceTimeoutMs ?? 10_000;

  // Some sources run external commands (df, ps); one that hangs must not stall every later collection.
  const safely = async (source: string, read: () => Promise<void> | void): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([read(), timeout]);
    } catch (error) {
      report(source, error);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    async collect() {
      const now = clock();
      const sink = new SampleSink(now);
      const seenCounters: string[] = [];
      const counterRate = (key: string, value: number | null | undefined) => {
        if (typeof value !== 'number') return undefined;
        seenCounters.push(key);
        return rates.rate(key, value, now);
      };

      await safely('cpu', () => {
        const current = readCpuTimes();
        // No clock tick between two readings (collections a few ms apart) says nothing about usage:
        // keep the older reading so the next collection measures the whole interval.
        if (previousCpu && current.totalMs === previousCpu.totalMs) return;
        if (previousCpu) sink.add('cpu.usage_pct', cpuUsagePct(previousCpu, current));
        previousCpu = current;
      });

      await safely('load', () => {
        // Windows has no load average; Node returns zeros there, which would read as an idle machine.
        if (process.platform === 'win32') return;
        const [one, five, fifteen] = os.loadavg();
        sink.add('load.1', one);
        sink.add('load.5', five);
        sink.add('load.15', fifteen);
      });

      await safely('memory', async () => {
        const mem = await si.mem();
        // "available" leaves out reclaimable cache; where the platform lacks it fall back to total - free.
        const used = mem.available > 0 ? mem.total - mem.available : mem.used;
        sink.add('mem.used_bytes', used);
        sink.add('mem.total_bytes', mem.total);
        if (mem.total > 0) sink.add('mem.used_pct', (used / mem.total) * 100);
        sink.add('swap.used_bytes', mem.swapused);
        sink.add('swap.total_bytes', mem.swaptotal);
      });

      await safely('filesystems', async () => {
        for (const fs of await si.fsSize()) {
          if (!fs.mount || !(fs.size > 0)) continue;
          const labels = { mount: fs.mount };
          const free = typeof fs.available === 'number' ? fs.available : fs.size - fs.used;
          sink.add('disk.used_bytes', fs.used, labels);
          sink.add('disk.free_bytes', free, labels);
          sink.add('disk.used_pct', fs.use, labels);
        }
      });

      await safely('disk-io', async () => {
        const io = await si.fsStats();
        if (!io) return;
        sink.add('disk.read_bps', counterRate('disk.read', io.rx));
        sink.add('disk.write_bps', counterRate('disk.write', io.wx));
      });

      await safely('network', async () => {
        for (const nic of await si.networkStats('*')) {
          if (!nic.iface) continue;
          const labels = { iface: nic.iface };
          sink.add('net.rx_bps', counterRate(`net.rx:${nic.iface}`, nic.rx_bytes), labels);
          sink.add('net.tx_bps', counterRate(`net.tx:${nic.iface}`, nic.tx_bytes), labels);
        }
      });

      await safely('processes', async () => sink.add('proc.count', await countProcesses()));

      rates.retainOnly(seenCounters);
      return sink.seal();
    },
  };
}
