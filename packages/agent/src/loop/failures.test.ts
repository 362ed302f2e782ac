import { AuroraApiError, parseRetryAfter } from '@aurora/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyFailure, requestedWait } from './failures.js';

const problem = (code: string) => ({ type: 'about:blank', title: 'Too many requests', status: 429, code });

describe('Retry-After', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delay seconds and HTTP dates, and nothing else', () => {
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    for (const bad of [undefined, null, '', '-5', '1.5', '+3', 'soon', '1e3']) {
      expect(parseRetryAfter(bad, now)).toBeUndefined();
    }
  });

  it('never throws and never answers a negative or non-finite wait, whatever the header', () => {
    fc.assert(
      fc.property(fc.string(), (header) => {
        const ms = parseRetryAfter(header, now);
        expect(ms === undefined || (Number.isFinite(ms) && ms >= 0)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.nat(1_000_000), (seconds) => {
        expect(parseRetryAfter(String(seconds), now)).toBe(seconds * 1000);
      }),
    );
  });

  it('the agent waits what a 429 or 503 asked, up to its limit; other failures ask nothing', () => {
    const limited = new AuroraApiError(429, problem('AURORA_RATE_LIMITED'), 'HTTP 429', 12_000);
    expect(classifyFailure(limited)).toBe('unreachable');
    expect(requestedWait(limited, 60_000)).toBe(12_000);
    expect(requestedWait(new AuroraApiError(503, undefined, 'HTTP 503', 3_600_000), 60_000)).toBe(60_000);
    expect(requestedWait(new AuroraApiError(503, undefined, 'HTTP 503'), 60_000)).toBeUndefined();
    expect(requestedWait(new TypeError('fetch failed'), 60_000)).toBeUndefined();
  });
});
