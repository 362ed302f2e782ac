import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { hashSecret } from './platform/http/auth.js';
import type { Store } from './platform/store/index.js';

const SETTING = 'admin_token_sha256';

/**
 * Seeds the admin token on first start: the configured one, or a generated
 * one that is returned so it can be shown once. Only its hash is stored.
 */
export async function ensureAdminToken(
  store: Store,
  configured: string | undefined,
  log: FastifyBaseLogger,
): Promise<{ hash: string; generated: string | undefined }> {
  const existing = await store.settings.get(SETTING);
  if (existing) {
    if (configured && hashSecret(configured) !== existing) {
      log.warn('adminToken: ignored, the store already has an admin token from its first start');
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
