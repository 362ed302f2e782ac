import { eq } from 'drizzle-orm';
import type { Db } from './engine.js';
import { settings } from './schema.js';

/** Small key/value settings of the control plane. */
export class SettingsRepo {
  constructor(private readonly db: Db) {}

  async get(key: string): Promise<string | undefined> {
    const rows = await this.db.select().from(settings).where(eq(settings.key, key));
    return rows[0]?.value;
  }

  /** Sets `key` only if it has no value yet; returns whether this call set it (first start wins). */
  async setIfAbsent(key: string, value: string): Promise<boolean> {
    const rows = await this.db
      .insert(settings)
      .values({ key, value })
      .onConflictDoNothing()
      .returning({ key: settings.key });
    return rows.length === 1;
  }

  /** Removes `key` and returns the value it had; of several callers at once, only one gets it. */
  async take(key: string): Promise<string | undefined> {
    const rows = await this.db.delete(settings).where(eq(settings.key, key)).returning({ value: settings.value });
    return rows[0]?.value;
  }

  /** Sets `key` to `value`, whether or not it had one. */
  async set(key: string, value: string): Promise<void> {
    await this.db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } });
  }
}
