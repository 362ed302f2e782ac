import { describe, expect, it } from 'vitest';
import { formatAgo, formatBytes, formatIn, formatPercent, formatRate } from './format.js';

describe('console formatting', () => {
  it('shows percentages with one decimal and a dash when unknown', () => {
    expect(formatPercent(42.345)).toBe('42.3 %');
    expect(formatPercent(undefined)).toBe('—');
    expect(formatPercent(Number.NaN)).toBe('—');
  });

  it('shows bytes and rates in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
    expect(formatBytes(200 * 1024 ** 2)).toBe('200 MiB');
    expect(formatRate(2048)).toBe('2.0 KiB/s');
  });

  it('says how long ago a time was in the largest sensible unit', () => {
    const now = Date.parse('2026-01-02T00:00:00Z');
    expect(formatAgo('2026-01-01T23:59:55Z', now)).toBe('5 s ago');
    expect(formatAgo('2026-01-01T23:57:00Z', now)).toBe('3 min ago');
    expect(formatAgo('2026-01-01T21:00:00Z', now)).toBe('3 h ago');
    expect(formatAgo('2025-12-28T00:00:00Z', now)).toBe('5 d ago');
    expect(formatAgo(null, now)).toBe('never');
  });

  it('says how long until a time, and how long ago once it has passed', () => {
    const now = Date.parse('2026-01-02T00:00:00Z');
    expect(formatIn('2026-01-02T00:00:04Z', now)).toBe('in 4 s');
    expect(formatIn('2026-01-02T00:09:30Z', now)).toBe('in 9 min');
    expect(formatIn('2026-01-02T03:00:00Z', now)).toBe('in 3 h');
    expect(formatIn('2026-01-05T00:00:00Z', now)).toBe('in 3 d');
    expect(formatIn('2026-01-02T00:00:00Z', now)).toBe('0 s ago');
    expect(formatIn('2026-01-01T23:58:00Z', now)).toBe('2 min ago');
    expect(formatIn('not a time', now)).toBe('—');
  });
});
