import { describe, expect, it } from 'vitest';
import { CounterRates, cpuUsagePct } from './rates.js';

describe('CounterRates', () => {
  it('gives no rate the first time a counter is seen', () => {
    expect(new CounterRates().rate('net.rx:eth0', 1_000, 0)).toBeUndefined();
  });

  it('turns the growth of a counter into a per-second rate over the elapsed time', () => {
    const rates = new CounterRates();
    rates.rate('disk.read', 10_000, 1_000);
    expect(rates.rate('disk.read', 25_000, 6_000)).toBe(3_000);
    expect(rates.rate('disk.read', 25_500, 6_500)).toBe(1_000);
  });

  it('keeps counters apart by key', () => {
    const rates = new CounterRates();
    rates.rate('net.rx:eth0', 0, 0);
    rates.rate('net.rx:eth1', 500, 0);
    expect(rates.rate('net.rx:eth0', 2_000, 1_000)).toBe(2_000);
    expect(rates.rate('net.rx:eth1', 600, 1_000)).toBe(100);
  });

  it('restarts instead of reporting a negative rate when a counter goes backwards', () => {
    const rates = new CounterRates();
    rates.rate('net.tx:eth0', 9_000, 0);
    expect(rates.rate('net.tx:eth0', 100, 1_000)).toBeUndefined();
    expect(rates.rate('net.tx:eth0', 1_100, 2_000)).toBe(1_000);
  });

  it('gives no rate when no time has passed', () => {
    const rates = new CounterRates();
    rates.rate('disk.write', 0, 5_000);
    expect(rates.rate('disk.write', 100, 5_000)).toBeUndefined();
  });

  it('forgets counters that are no longer reported', () => {
    const rates = new CounterRates();
    rates.rate('net.rx:veth1', 100, 0);
    rates.retainOnly(['net.rx:eth0']);
    expect(rates.rate('net.rx:veth1', 200, 1_000)).toBeUndefined();
  });
});

describe('cpuUsagePct', () => {
  it('is the share of busy time in the total time between two readings', () => {
    expect(cpuUsagePct({ busyMs: 1_000, totalMs: 4_000 }, { busyMs: 1_500, totalMs: 6_000 })).toBe(25);
  });

  it('is undefined when the counters did not advance or went backwards', () => {
    expect(cpuUsagePct({ busyMs: 10, totalMs: 100 }, { busyMs: 10, totalMs: 100 })).toBeUndefined();
    expect(cpuUsagePct({ busyMs: 10, totalMs: 100 }, { busyMs: 5, totalMs: 50 })).toBeUndefined();
  });
});
