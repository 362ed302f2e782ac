import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { hashSecret } from './platform/http/auth.js';
import type { Store } from './platform/store/index.js';

const SETTING = 'admin_token_sha256';

/**
 * Seeds the admin token on first start: the configured one, or a generated
 * one that is returned so it can be shown once. Only its hash is stored. On
 * a later start a configured token replaces the stored one, so whoever sets
 * `AURORA_ADMIN_TOKEN` where the server starts can always get back in (a
 * token generated and never seen, a lost one).
 */
export async function ensureAdminToken(
  store: Store,
  configured: string | undefined,
  log: FastifyBaseLogger,
): Promise<{ hash: string; generated: string | undefined }> {
  const existing = await store.settings.get(SETTING);
  if (existing) {
    if (configured && hashSecret(configured) !== existing) {
      const hash = hashSecret(configured);
      await store.settings.set(SETTING, hash);
      log.warn(
        'adminToken: replaced the stored admin token with the configured one; the previous token no longer works',
      );
      return { hash, generated: undefined };
    }
    return { hash: existing, generated: undefined };
  }
  if (configured && configured.length < 16) {
    log.warn('adminToken: shorter than 16 characters; fine for a trial, choose a long random one for real use');
  }
  const token = configured ?? `aurora-admin.${randomBytes(24).toString('base64url')}`;
  const hash = hashSecret(token);
  if (await store.settings.setIfAbsent(SETTING, hash)) return { hash, generated: configured ? undefined : token };
  // Another replica seeded it first.
  return { hash: (await store.settings.get(SETTING)) ?? hash, generated: undefined };
}
