import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { hashSecret } from './platform/http/auth.js';
import type { Store } from './platform/store/index.js';
import { SettingsRepo } from './platform/store/settings-repo.js';

const SETTING = 'admin_token_sha256';
/** Left by `resetAdminToken` for the next start to record in the audit trail. */
const RESET_MARKER = 'admin_token_reset';

/** Where an admin token replaced the stored one without the API, as the audit entry names it. */
export interface AdminTokenReset {
  /** `reset-token`: `aurora admin reset-token`; `configured`: AURORA_ADMIN_TOKEN at a start. */
  via: 'reset-token' | 'configured';
  /** When it happened (ISO 8601). */
  resetAt: string;
  /** The machine and account that ran the reset, when known. */
  host?: string;
  user?: string;
}

/** A new admin token in the form a generated one takes. */
export function generateAdminToken(): string {
  return `aurora-admin.${randomBytes(24).toString('base64url')}`;
}

/**
 * Seeds the admin token on first start: the configured one, or a generated
 * one that is returned so it can be shown once. Only its hash is stored. On
 * a later start a configured token replaces the stored one, so whoever sets
 * `AURORA_ADMIN_TOKEN` where the server starts can always get back in (a
 * token generated and never seen, a lost one); `replaced` says so, for the audit trail.
 * `onGenerated` sees a generated token before this returns, so a caller can
 * save it before anything later in the start can fail and lose it.
 */
export async function ensureAdminToken(
  store: Store,
  configured: string | undefined,
  log: FastifyBaseLogger,
  onGenerated: (token: string) => void = () => {},
): Promise<{ hash: string; generated: string | undefined; replaced: boolean }> {
  const existing = await store.settings.get(SETTING);
  if (existing) {
    if (configured && hashSecret(configured) !== existing) {
      const hash = hashSecret(configured);
      await store.settings.set(SETTING, hash);
      log.warn(
        'adminToken: replaced the stored admin token with the configured one; the previous token no longer works',
      );
      return { hash, generated: undefined, replaced: true };
    }
    return { hash: existing, generated: undefined, replaced: false };
  }
  if (configured && configured.length < 16) {
    log.warn('adminToken: shorter than 16 characters; fine for a trial, choose a long random one for real use');
  }
  const token = configured ?? generateAdminToken();
  const hash = hashSecret(token);
  if (await store.settings.setIfAbsent(SETTING, hash)) {
    if (!configured) onGenerated(token);
    return { hash, generated: configured ? undefined : token, replaced: false };
  }
  // Another replica seeded it first.
  return { hash: (await store.settings.get(SETTING)) ?? hash, generated: undefined, replaced: false };
}

/**
 * Replaces the admin token straight in the store, with no server running
 * (`aurora admin reset-token`): for whoever can reach the data dir or the
 * database but has lost every token. A marker row is left for the next
 * start to record in the audit trail rather than appending here: the chain
 * is written only by a running control plane, through the one AuditLog that
 * orders appends and signs checkpoints with the key the server's key file
 * unlocks, and a recovery tool must not need that key file to work.
 */
export async function resetAdminToken(
  store: Store,
  reset: Omit<AdminTokenReset, 'via' | 'resetAt'> & { now: Date },
): Promise<string> {
  const token = generateAdminToken();
  const marker: AdminTokenReset = {
    via: 'reset-token',
    resetAt: reset.now.toISOString(),
    ...(reset.host ? { host: reset.host } : {}),
    ...(reset.user ? { user: reset.user } : {}),
  };
  // One transaction: a reset is recorded exactly when it took effect.
  await store.db.transaction(async (tx) => {
    const settingsInTx = new SettingsRepo(tx);
    await settingsInTx.set(SETTING, hashSecret(token));
    await settingsInTx.set(RESET_MARKER, JSON.stringify(marker));
  });
  return token;
}

/**
 * Appends an `admin.token.reset` audit entry for each out-of-band change of
 * the admin token since the last start: one left by `resetAdminToken`, and
 * one made by AURORA_ADMIN_TOKEN at this start. The marker is taken
 * atomically, so of replicas starting together only one records it; if the
 * append fails the marker is put back for the next start.
 */
export async function recordAdminTokenResets(
  store: Store,
  replacedByConfig: boolean,
  now: Date,
  append: (record: { kind: string } & Record<string, unknown>) => Promise<number>,
): Promise<void> {
  const marker = await store.settings.take(RESET_MARKER);
  if (marker !== undefined) {
    try {
      await append({ kind: 'admin.token.reset', ...parseMarker(marker) });
    } catch (error) {
      await store.settings.setIfAbsent(RESET_MARKER, marker);
      throw error;
    }
  }
  if (replacedByConfig) {
    await append({ kind: 'admin.token.reset', via: 'configured', resetAt: now.toISOString() });
  }
}

function parseMarker(text: string): AdminTokenReset {
  try {
    const value = JSON.parse(text) as Partial<AdminTokenReset>;
    return {
      via: 'reset-token',
      resetAt: typeof value.resetAt === 'string' ? value.resetAt : 'unknown',
      ...(typeof value.host === 'string' ? { host: value.host } : {}),
      ...(typeof value.user === 'string' ? { user: value.user } : {}),
    };
  } catch {
    // A damaged marker still says a reset happened.
    return { via: 'reset-token', resetAt: 'unknown' };
  }
}
