import pg from 'pg';

/** What a PostgreSQL database holds, as `aurora restore` checks it before replacing anything. */
export interface DatabaseContents {
  /** Tables outside the system schemas. */
  tables: number;
  /** Nodes in its store, when it holds one. */
  nodes?: number;
  /** The holder of an unexpired lease: a control plane still running on it. */
  leader?: string;
}

/** Reads {@link DatabaseContents} over one short connection; rejects when the database cannot be reached. */
export async function inspectDatabase(url: string): Promise<DatabaseContents> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_tables where schemaname not in ('pg_catalog', 'information_schema')",
    );
    const found: DatabaseContents = { tables: tables.rows[0]?.n ?? 0 };
    if ((await client.query("select to_regclass('leases') as t")).rows[0]?.t) {
      const lease = await client.query<{ holder: string }>(
        'select holder from leases where expires_at > extract(epoch from now()) * 1000 limit 1',
      );
      if (lease.rows[0]) found.leader = lease.rows[0].holder;
    }
    if ((await client.query("select to_regclass('nodes') as t")).rows[0]?.t) {
      found.nodes = (await client.query<{ n: number }>('select count(*)::int as n from nodes')).rows[0]?.n ?? 0;
    }
    return found;
  } finally {
    await client.end();
  }
}
