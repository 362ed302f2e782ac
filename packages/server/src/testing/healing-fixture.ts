import { eq } from 'drizzle-orm';
import { alerts, workflowRuns } from '../platform/store/schema.js';
import { joinNode, sampleFacts, type TestServer } from './harness.js';

let alertSeq = 0;

/** A firing alert as the alert controller writes it; healing and incidents start from these. */
export async function insertFiringAlert(
  server: Pick<TestServer, 'store' | 'clock'>,
  alert: {
    id: string;
    node: string;
    metric: string;
    source?: string;
    labels?: Record<string, string>;
    summary?: string;
    startsAt?: number;
  },
): Promise<string> {
  const t = alert.startsAt ?? server.clock.now();
  await server.store.db.insert(alerts).values({
    id: alert.id,
    fingerprint: alert.id,
    source: alert.source ?? 'anomaly',
    state: 'firing',
    node: alert.node,
    metric: alert.metric,
    labels: alert.labels ?? { node: alert.node },
    startsAt: t,
    lastSeenAt: t,
    summary: alert.summary ?? 'fixture',
    score: 1,
    updatedAt: t,
  });
  return alert.id;
}

/** One pass of the playbook trigger and of the workflow engine, as the leader's controllers make it. */
export async function runPlaybooks(server: Pick<TestServer, 'healing'>): Promise<void> {
  await server.healing.playbooks.runOnce();
  await server.healing.workflows.drain();
}

/**
 * A playbook run waiting for approval, as the control plane makes one: a production node of team
 * blue, a playbook that cordons it (default approval: one admin or operator), a firing alert on it,
 * and a pass of the trigger and the workflow engine. Returns the run's id.
 */
export async function runAwaitingApproval(server: TestServer, tag: string): Promise<string> {
  const node = `${tag}-prod`;
  const playbook = `${tag}-approval`;
  if (!(await server.store.nodes.byName(node))) {
    await joinNode(server, node, sampleFacts({ hostname: node, labels: { environment: 'production', team: 'blue' } }));
    const yaml = `trigger:\n  alert: { metric: ${tag}_approval }\nsteps:\n  - action: cordon\n`;
    const res = await server.app.inject({
      method: 'PUT',
      url: `/v1/playbooks/${playbook}`,
      headers: server.admin,
      payload: { yaml },
    });
    if (res.statusCode !== 200) throw new Error(`playbook put: ${res.body}`);
  }
  const id = await insertFiringAlert(server, {
    id: `${tag}-approval-alert-${++alertSeq}`,
    node,
    metric: `${tag}_approval`,
  });
  await runPlaybooks(server);
  const [run] = await server.store.db
    .select({ id: workflowRuns.id, status: workflowRuns.status })
    .from(workflowRuns)
    .where(eq(workflowRuns.idempotencyKey, `playbook:${playbook}:${id}`));
  if (run?.status !== 'waiting') throw new Error(`the fixture run is ${run?.status ?? 'missing'}, not waiting`);
  return run.id;
}
