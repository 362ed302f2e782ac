import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, statfs } from 'node:fs/promises';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { createSystemMetricsSource } from './metrics.js';

const NAME = /^[a-z][a-z0-9_.]*$/;

/** CPU counters advance in clock ticks (10 ms); two collections closer than that measure no interval. */
const aFewTicks = () => new Promise((resolve) => setTimeout(resolve, 250));

/** Busy and total CPU ticks of all cores from Linux's /proc/stat (busy leaves out idle and iowait); undefined elsewhere. */
function readProcStat(): { busy: number; total: number } | undefined {
  if (process.platform !== 'linux') return undefined;
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

describe('system metrics source on this machine', () => {
  it('reports CPU, memory, disk, network and process metrics with valid names and finite values', async () => {
    let now = Date.now();
    const source = createSystemMetricsSource({ clock: () => now });
    const first = await source.collect();
    // Rates need two readings; burn a little CPU so the busy counter moves.
    const until = Date.now() + 200;
    while (Date.now() < until) Math.sqrt(Math.random());
    now += 1_000;
    const second = await source.collect();

    for (const sample of [...first, ...second]) {
      expect(sample.name).toMatch(NAME);
      expect(Number.isFinite(sample.value)).toBe(true);
    }
    const names = new Set(second.map((s) => s.name));
    for (const name of [
      'cpu.usage_pct',
      'mem.used_bytes',
      'mem.total_bytes',
      'mem.used_pct',
      'swap.used_bytes',
      'swap.total_bytes',
      'disk.used_bytes',
      'disk.free_bytes',
      'disk.used_pct',
      'net.rx_bps',
      'net.tx_bps',
      'proc.count',
    ]) {
      expect(names, name).toContain(name);
    }
    if (process.platform !== 'win32') expect(names).toContain('load.1');
    if (process.platform === 'linux') expect(names).toContain('disk.read_bps');
  });

  it('gives memory, CPU, disk space and process counts that agree with what the operating system says', async () => {
    const source = createSystemMetricsSource();
    // The CPU reading is the first thing a collection takes, synchronously: /proc/stat read just before each
    // collection measures the same interval from the kernel's own counters.
    const cpuBefore = readProcStat();
    await source.collect();
    const until = Date.now() + 300;
    while (Date.now() < until) Math.sqrt(Math.random());
    await new Promise((resolve) => setTimeout(resolve, 700));
    const cpuAfter = readProcStat();
    const samples = await source.collect();
    const value = (name: string, labels?: Record<string, string>) =>
      samples.find((s) => s.name === name && (!labels || JSON.stringify(s.labels) === JSON.stringify(labels)))?.value;

    expect(value('mem.total_bytes')).toBe(os.totalmem());
    const cpu = value('cpu.usage_pct');
    expect(cpu).toBeGreaterThanOrEqual(0);
    expect(cpu).toBeLessThanOrEqual(100);
    if (process.platform !== 'linux') return;

    // Memory in use as the kernel counts it (total less available); it moves a little between the two reads.
    const meminfo = await readFile('/proc/meminfo', 'utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(meminfo)?.[1]) * 1024;
    const kernelUsed = kib('MemTotal') - kib('MemAvailable');
    expect(Math.abs((value('mem.used_bytes') ?? -1) - kernelUsed)).toBeLessThan(0.05 * os.totalmem());

    // CPU busy share over the interval, from /proc/stat with iowait counted as idle.
    if (cpuBefore && cpuAfter) {
      const kernelPct = (100 * (cpuAfter.busy - cpuBefore.busy)) / (cpuAfter.total - cpuBefore.total);
      expect(Math.abs((cpu ?? -100) - kernelPct)).toBeLessThan(10);
    }

    // Disk space of / as statfs(2) reports it (what df prints), within 1 % of the file system's size.
    const fsStat = await statfs('/');
    const size = fsStat.blocks * fsStat.bsize;
    const used = value('disk.used_bytes', { mount: '/' });
    const free = value('disk.free_bytes', { mount: '/' });
    expect(Math.abs((used ?? -size) - (fsStat.blocks - fsStat.bfree) * fsStat.bsize)).toBeLessThan(0.01 * size);
    expect(Math.abs((free ?? -size) - fsStat.bavail * fsStat.bsize)).toBeLessThan(0.01 * size);

    // Processes as ps(1) lists them; they come and go between the two counts.
    const ps = execFileSync('ps', ['-e', '--no-headers'], { encoding: 'utf8' }).trim().split('\n').length;
    expect(Math.abs((value('proc.count') ?? 0) - ps)).toBeLessThanOrEqual(Math.max(20, ps * 0.2));
  });

  it('labels disk metrics by mount and network rates by interface', async () => {
    const source = createSystemMetricsSource();
    await source.collect();
    const samples = await source.collect();
    const root = samples.find((s) => s.name === 'disk.used_pct' && s.labels?.mount);
    expect(root?.value).toBeGreaterThan(0);
    expect(root?.value).toBeLessThanOrEqual(100);
    const nics = samples.filter((s) => s.name === 'net.rx_bps').map((s) => s.labels?.iface);
    expect(nics.length).toBeGreaterThan(0);
    expect(nics.every((iface) => typeof iface === 'string' && iface.length > 0)).toBe(true);
  });

  it('has no rates on the first collection, because rates need a previous reading', async () => {
    const samples = await createSystemMetricsSource().collect();
    expect(samples.some((s) => s.name.endsWith('_bps') || s.name === 'cpu.usage_pct')).toBe(false);
    expect(samples.some((s) => s.name === 'mem.total_bytes')).toBe(true);
  });
});

describe('metric catalogue in the README', () => {
  it.skipIf(process.platform !== 'linux')('lists exactly the metrics the collector emits on Linux', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.search(/^\|\s*name\s*\|\s*labels/m), readme.indexOf('Rates come from'));
    const documented = new Set(
      section
        .split('\n')
        .filter((line) => line.startsWith('| `'))
        .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([a-z][a-z0-9_.]*)`/g)].map((m) => m[1])),
    );
    const source = createSystemMetricsSource();
    await source.collect();
    await aFewTicks();
    const emitted = new Set((await source.collect()).map((s) => s.name));
    expect([...emitted].sort()).toEqual([...documented].sort());
  });
});
