import { describe, expect, it } from 'vitest';
import { parseTeams, tokenStatus, userStatus } from './status.js';

describe('users and tokens page helpers', () => {
  it('parses a team list: trimmed, no empties, no repeats, order kept', () => {
    expect(parseTeams(' blue, red ,,blue ,')).toEqual(['blue', 'red']);
    expect(parseTeams('')).toEqual([]);
    expect(parseTeams(' , ')).toEqual([]);
  });

  it('a user is disabled, locked until a later time, or active', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(userStatus({ disabled: true, lockedUntil: '2026-01-01T13:00:00Z' }, now)).toBe('disabled');
    expect(userStatus({ disabled: false, lockedUntil: '2026-01-01T12:00:01Z' }, now)).toBe('locked');
    expect(userStatus({ disabled: false, lockedUntil: '2026-01-01T12:00:00Z' }, now)).toBe('active');
    expect(userStatus({ disabled: false, lockedUntil: null }, now)).toBe('active');
  });

  it('a token is revoked, expired at its expiry, or active', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(tokenStatus({ expiresAt: '2026-01-01T11:00:00Z', revokedAt: '2026-01-01T10:00:00Z' }, now)).toBe('revoked');
    expect(tokenStatus({ expiresAt: '2026-01-01T12:00:00Z', revokedAt: null }, now)).toBe('expired');
    expect(tokenStatus({ expiresAt: '2026-01-01T12:00:01Z', revokedAt: null }, now)).toBe('active');
  });
});
