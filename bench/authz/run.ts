/**
 * Authorisation and audit benchmark.
 *
 *   npm run bench:authz -- [--out FILE] [--decisions 20000] [--appends 5000] [--engines pglite,postgres]
 *
 * Cedar decision latency in process, entity assembly included (Authorizer.decide:
 * principal and node entities built from their attributes for every call, every
 * call a request not seen before so that Cedar decides it; a repeated request is
 * answered from the Authorizer's memo and timed apart), beside
 * the peer of the same policy set preparsed with the entities built once
 * (PolicyEngine.decide alone), as a ratio; and audit appends per second on both
 * stores, with 64 appends in flight (as concurrent requests arrive) and one at
 * a time. Writes bench/results/authz.json (or --out).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AuditLog, AuditSigner, Authorizer, ManualClock, PolicyEngine, SHIPPED_POLICIES, Store } from '@aurora/server';
import { freshPostgresDatabase } from '../heartbeats/server-process.js';
import { printTable, quantile, writeResult } from '../lib/report.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    decisions: { type: 'string', default: '20000' },
    appends: { type: 'string', default: '5000' },
    engines: { type: 'string', default: 'pglite,postgres' },
    'database-url': {
      type: 'string',
      default: process.env.AURORA_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const decisions = Number(values.decisions);
const appends = Number(values.appends);
const engines = values.engines.split(',') as ('pglite' | 'postgres')[];

type Principal = Parameters<Authorizer['decide']>[0]['principal'];
const principals: Principal[] = [
  // A user holding the admin role rather than the bootstrap admin token: the token's principal has no attribute to
  // vary, and every principal here must be able to make a request not seen before.
  { kind: 'user', id: 'u-1', name: 'admin-user', roles: ['admin'], teams: [], sessionId: 's-1' },
  { kind: 'service', id: 'op', name: 'ops-blue', roles: ['operator'], teams: ['blue', 'green'] },
  { kind: 'service', id: 'v', name: 'viewer', roles: ['viewer'], teams: [] },
  { kind: 'node', nodeId: 'n-1', name: 'web-1' },
];
const nodes: { name: string; labels: Record<string, string>; zone: string }[] = [
  { name: 'web-1', labels: { team: 'blue', role: 'web', zone: 'a' }, zone: 'eu-1a' },
  { name: 'db-1', labels: { team: 'red', role: 'db', environment: 'production' }, zone: 'eu-1b' },
];
const actions = ['node.get', 'node.drain', 'node.list', 'token.create', 'agent.heartbeat'];

/** Microseconds of each call, after a warm-up. */
function timeCalls(n: number, call: (i: number) => void): number[] {
  for (let i = 0; i < 2_000; i++) call(i);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    call(i);
    out[i] = Number(process.hrtime.bigint() - t0) / 1_000;
  }
  return out;
}

const authorizer = new Authorizer(PolicyEngine.compile(SHIPPED_POLICIES), async () => undefined);
/**
 * The i-th request of the mix. With `distinct`, the principal's and the node's names carry i, so no two calls are the
 * same request and the Authorizer's memo never answers: Cedar decides every call. Without it the mix repeats every
 * 20 calls, as an agent's heartbeats do, and after the warm-up every call is a memo hit.
 */
function request(i: number, distinct: boolean): Parameters<Authorizer['decide']>[0] {
  const action = actions[i % actions.length] as string;
  const principal = principals[i % principals.length] as Principal;
  const node = nodes[i % nodes.length]!;
  const tag = distinct ? `-${i}` : '';
  return {
    principal: 'name' in principal ? { ...principal, name: `${principal.name}${tag}` } : principal,
    action,
    node: action.startsWith('node.') && action !== 'node.list' ? { ...node, name: `${node.name}${tag}` } : undefined,
  };
}
// Warm-up and timed calls get different i, so even the warm-up leaves nothing in the memo for the timed calls to hit.
let served = 0;
const hitsBefore = authorizer.memoStats.hits;
const withAssembly = timeCalls(decisions, () => authorizer.decide(request(served++, true)));
const memoHitsInDecided = authorizer.memoStats.hits - hitsBefore;
if (memoHitsInDecided > 0) throw new Error(`${memoHitsInDecided} decisions came from the memo; Cedar must decide each`);
const memoHits = timeCalls(decisions, (i) => authorizer.decide(request(i, false)));
// The peer: the same preparsed set, entities built once outside the timed call.
const engine = authorizer.engine;
const fixed: Parameters<PolicyEngine['decide']>[0] = {
  principal: { type: 'Aurora::ServiceAccount', id: 'op' },
  action: 'node.drain',
  resource: { type: 'Aurora::Node', id: 'web-1' },
  context: {},
  entities: [
    {
      uid: { type: 'Aurora::ServiceAccount', id: 'op' },
      attrs: { name: 'ops-blue', teams: ['blue'] },
      parents: [{ type: 'Aurora::Role', id: 'operator' }],
    },
    {
      uid: { type: 'Aurora::Node', id: 'web-1' },
      attrs: { name: 'web-1', zone: 'eu-1a', environment: '', ownerTeam: 'blue' },
      parents: [],
      tags: { team: 'blue' },
    },
  ],
};
const preparsedOnly = timeCalls(decisions, () => engine.decide(fixed));

async function appendRate(engineName: 'pglite' | 'postgres'): Promise<{ concurrent: number; sequential: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-bench-authz-'));
  const pgdb = engineName === 'postgres' ? await freshPostgresDatabase(values['database-url']) : undefined;
  const store = await Store.open(pgdb ? { databaseUrl: pgdb.url } : { dataDir: path.join(dir, 'data') });
  try {
    const signer = await AuditSigner.open(store, path.join(dir, 'master.key'));
    const log = new AuditLog(store.db, signer, new ManualClock(Date.now()), { everyEntries: 1000, everyMs: 300_000 });
    const record = (i: number) => ({
      kind: 'request',
      actor: { kind: 'service', id: 'op', name: 'ops-blue' },
      action: 'node.drain',
      method: 'POST',
      route: '/v1/nodes/:name/drain',
      params: { name: `web-${i}` },
      status: 200,
      outcome: 'allow',
      policies: ['operator'],
      requestId: `req-${i}`,
      sourceIp: '10.0.0.1',
    });
    for (let i = 0; i < 200; i++) await log.append(record(i));
    let t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < appends) await log.append(record(next++));
      }),
    );
    const concurrent = appends / ((performance.now() - t0) / 1000);
    const sequentialN = Math.max(200, Math.floor(appends / 5));
    t0 = performance.now();
    for (let i = 0; i < sequentialN; i++) await log.append(record(i));
    const sequential = sequentialN / ((performance.now() - t0) / 1000);
    const verdict = await log.verify();
    if (!verdict.intact) throw new Error(`chain broken after the benchmark: ${JSON.stringify(verdict.firstBroken)}`);
    return { concurrent, sequential };
  } finally {
    await store.close();
    await pgdb?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rates: Record<string, { concurrent: number; sequential: number } | null> = { pglite: null, postgres: null };
for (const name of engines) {
  try {
    rates[name] = await appendRate(name);
  } catch (error) {
    console.error(`${name}: ${(error as Error).message}`);
  }
}

const p50 = quantile(withAssembly, 0.5);
const p99 = quantile(withAssembly, 0.99);
const peerP50 = quantile(preparsedOnly, 0.5);
const peerP99 = quantile(preparsedOnly, 0.99);
const memoP50 = quantile(memoHits, 0.5);
const memoP99 = quantile(memoHits, 0.99);
printTable(
  ['decision', 'calls', 'p50 µs', 'p99 µs'],
  [
    ['Cedar decides, entity assembly included', decisions, p50.toFixed(1), p99.toFixed(1)],
    ['preparsed set alone (peer)', decisions, peerP50.toFixed(1), peerP99.toFixed(1)],
    ['ratio (assembly / peer)', '', (p50 / peerP50).toFixed(2), (p99 / peerP99).toFixed(2)],
    ['repeated request, from the memo', decisions, memoP50.toFixed(1), memoP99.toFixed(1)],
  ],
);
console.log();
printTable(
  ['store', 'appends/s (64 in flight)', 'appends/s (one at a time)'],
  Object.entries(rates).map(([k, v]) => [k, v ? v.concurrent.toFixed(0) : 'n/a', v ? v.sequential.toFixed(0) : 'n/a']),
);
const payload = {
  decisionP50Us: p50,
  decisionP99Us: p99,
  decisionTargetP99Us: 200,
  peerPreparsedP50Us: peerP50,
  peerPreparsedP99Us: peerP99,
  memoHitP50Us: memoP50,
  memoHitP99Us: memoP99,
  decisions,
  auditAppendsPerSecond: { pglite: rates.pglite?.concurrent ?? null, postgres: rates.postgres?.concurrent ?? null },
  auditAppendsPerSecondSequential: {
    pglite: rates.pglite?.sequential ?? null,
    postgres: rates.postgres?.sequential ?? null,
  },
  appends,
};
const file = writeResult('authz', payload);
if (values.out) writeFileSync(values.out, `${JSON.stringify(payload, null, 2)}\n`);
console.log(`\nwrote ${values.out ?? file}`);
