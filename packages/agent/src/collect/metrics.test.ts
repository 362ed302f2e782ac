import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { createSystemMetricsSource } from './metrics.js';

const NAME = /^[a-z][a-z0-9_.]*$/;

/** CPU counters advance in clock ticks (10 ms); two collections closer than that measure no interval. */
const aFewTicks = () => new Promise((resolve) => setTimeout(resolve, 250));

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

  it('gives readings that agree with what the operating system says', async () => {
    const source = createSystemMetricsSource();
    await source.collect();
    await aFewTicks();
    const samples = await source.collect();
    const value = (name: string) => samples.find((s) => s.name === name)?.value;
    expect(value('mem.total_bytes')).toBe(os.totalmem());
    expect(value('mem.used_bytes')).toBeGreaterThan(0);
    expect(value('mem.used_bytes')).toBeLessThanOrEqual(os.totalmem());
    expect(value('proc.count')).toBeGreaterThan(1);
    const cpu = value('cpu.usage_pct');
    expect(cpu).toBeGreaterThanOrEqual(0);
    expect(cpu).toBeLessThanOrEqual(100);
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
