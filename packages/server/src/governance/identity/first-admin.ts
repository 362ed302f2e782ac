import { randomUUID } from 'node:crypto';
import type { Store } from '../../platform/store/index.js';
import { generatePassword, hashPassword } from './passwords.js';
import type { UserRepo } from './user-repo.js';

const SETTING = 'first_admin_user';
/** The name of the first admin user. */
export const FIRST_ADMIN_NAME = 'admin';

/**
 * Creates the first admin user, once per store, with a generated password
 * that is returned so it can be shown once (and saved beside the admin
 * token). A store that ran before users existed gets one on its next start.
 * Deleting every user later does not bring it back: the admin token remains
 * the way in.
 */
export async function ensureFirstAdmin(
  store: Store,
  users: UserRepo,
  now: number,
): Promise<{ name: string; password: string } | undefined> {
  if ((await store.settings.get(SETTING)) !== undefined) return undefined;
  const password = generatePassword();
  const created = await users.create({
    id: randomUUID(),
    name: FIRST_ADMIN_NAME,
    passwordHash: await hashPassword(password),
    roles: ['admin'],
    teams: [],
    passwordChangedAt: now,
    createdAt: now,
  });
  // Another replica may have created it first; only the one that did shows the password.
  await store.settings.setIfAbsent(SETTING, created?.id ?? 'existing');
  return created ? { name: FIRST_ADMIN_NAME, password } : undefined;
}
