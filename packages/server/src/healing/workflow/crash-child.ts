/**
 * A real control plane for the workflow crash test: starts the server with one extra workflow whose
 * steps apply counted effects, starts (or, after a restart, finds) its run by idempotency key, and
 * prints what happens so the parent knows when to kill it. Configured by the environment.
 */
import { compileConfig } from '../../platform/config/index.js';
import { startServer } from '../../server.js';
import { applyOnce } from '../../testing/effects.js';
import type { WorkflowDefinition } from './types.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let db: Parameters<typeof applyOnce>[0] | undefined;
const effect = (name: string, holdMs = 0) => ({
  kind: 'task' as const,
  name,
  run: async (c: { idempotencyKey: string; attempt: number }) => {
    if (!db) throw new Error('store not open yet');
    const applied = await applyOnce(db, name, c.idempotencyKey);
    say(`applied ${name} attempt ${c.attempt} new ${applied}`);
    await sleep(holdMs); // the window in which the parent kills this process
    return applied;
  },
});

const crashWorkflow: WorkflowDefinition<never> = {
  name: 'crash-test',
  steps: [effect('one'), { kind: 'wait', name: 'pause', ms: 300 }, effect('two', 3_000), effect('three')],
};

const config = compileConfig({
  env: { AURORA_LOG_LEVEL: 'warn', AURORA_ADMIN_TOKEN: 'crash-admin-token-0123456789abcdef' },
  overrides: {
    port: 0,
    ...(process.env.CRASH_DATABASE_URL
      ? { databaseUrl: process.env.CRASH_DATABASE_URL }
      : { dataDir: process.env.CRASH_DATA_DIR }),
  },
});
const server = await startServer(config, {
  workflows: [crashWorkflow],
  ...(process.env.CRASH_SCHEMA ? { schemaName: process.env.CRASH_SCHEMA } : {}),
});
db = server.store.db;
const { run, created } = await server.healing.workflows.start('crash-test', null, 'crash-run');
say(`run ${run.id} created ${created} listening ${server.url}`);
for (;;) {
  const now = await server.healing.workflows.runs.get(run.id);
  if (now && now.status !== 'pending' && now.status !== 'waiting') {
    say(`finished ${now.status}`);
    break;
  }
  await sleep(50);
}
process.on('SIGTERM', () => {
  void server.stop().then(() => process.exit(0));
});
