import { describe, expect, it } from 'vitest';
import { type FaultRecord, medianWithUnresolved, summarize } from './summary.js';

const fault = (over: Partial<FaultRecord>): FaultRecord => ({
  kind: 'crash',
  target: 'n1/web',
  detectedMs: 1_000,
  rootCauseRank: 1,
  resolvedBy: 'auto',
  resolvedMs: 10_000,
  harmfulActions: 0,
  ...over,
});

describe('medianWithUnresolved', () => {
  it('takes the lower middle of measured times', () => {
    expect(medianWithUnresolved([30, 10, 20])).toBe(20);
    expect(medianWithUnresolved([40, 10, 30, 20])).toBe(20);
  });
  it('counts a null as slower than any time', () => {
    expect(medianWithUnresolved([null, 5, 7])).toBe(7);
    expect(medianWithUnresolved([null, null, 5])).toBeNull();
    expect(medianWithUnresolved([null, 5])).toBe(5);
    expect(medianWithUnresolved([null, null, 5, 6])).toBe(6);
    expect(medianWithUnresolved([null, null, null, 6])).toBeNull();
  });
  it('is null for no faults', () => {
    expect(medianWithUnresolved([])).toBeNull();
  });
});

describe('summarize', () => {
  it('gives shares of all faults, an undetected one counting against each', () => {
    const s = summarize([
      fault({ rootCauseRank: 1 }),
      fault({ rootCauseRank: 2, resolvedMs: 20_000 }),
      fault({ rootCauseRank: 4, resolvedBy: 'human', resolvedMs: 90_000, harmfulActions: 1 }),
      fault({ detectedMs: null, rootCauseRank: null, resolvedBy: 'none', resolvedMs: null }),
    ]);
    expect(s.rcaTop1).toBe(0.25);
    expect(s.rcaTop3).toBe(0.5);
    expect(s.autoResolvedShare).toBe(0.5);
    expect(s.medianResolveMs).toBe(20_000);
    expect(s.harmfulActions).toBe(1);
  });
  it('has a null median when most faults were never resolved', () => {
    const s = summarize([
      fault({}),
      fault({ resolvedBy: 'none', resolvedMs: null }),
      fault({ resolvedBy: 'none', resolvedMs: null }),
    ]);
    expect(s.medianResolveMs).toBeNull();
    expect(s.autoResolvedShare).toBeCloseTo(1 / 3);
  });
});
