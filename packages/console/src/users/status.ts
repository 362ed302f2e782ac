/** Pure helpers of the users and API tokens pages: what state an account is in, and team lists. */
import type { ApiToken, User } from '@aurora/sdk';

/** `"blue, red ,,blue"` → `["blue", "red"]`: trimmed, without empties or repeats. */
export function parseTeams(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t.length > 0),
    ),
  ];
}

export type UserStatus = 'active' | 'disabled' | 'locked';

/** Disabled by an admin, locked by failed logins until `lockedUntil`, or active. */
export function userStatus(user: Pick<User, 'disabled' | 'lockedUntil'>, nowMs: number): UserStatus {
  if (user.disabled) return 'disabled';
  if (user.lockedUntil !== null && Date.parse(user.lockedUntil) > nowMs) return 'locked';
  return 'active';
}

export type TokenStatus = 'active' | 'expired' | 'revoked';

/** Revoked wins over expired: it says someone acted. */
export function tokenStatus(token: Pick<ApiToken, 'expiresAt' | 'revokedAt'>, nowMs: number): TokenStatus {
  if (token.revokedAt !== null) return 'revoked';
  return Date.parse(token.expiresAt) <= nowMs ? 'expired' : 'active';
}
