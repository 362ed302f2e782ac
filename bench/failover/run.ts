/**
 * Failover benchmark: replicas of `aurora server` on one PostgreSQL, agents
 * heartbeating and a writer creating silences through any replica, while the
 * leader is stopped N times by kill -9 and N times by SIGTERM (restarted each time).
 *
 *   npm run bench:failover -- [--rounds 20] [--replicas 3] [--out FILE]
 *     [--database-url postgres://postgres@127.0.0.1:5432/postgres]
 *
 * Prints each round and the medians, and writes bench/results/failover.json
 * (and FILE when given). See bench/failover/README.md for what is measured.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { printTable, quantile, writeResult } from '../lib/report.js';
import { AGENTS, REPLICA_ENV, type Round, runFailover } from './failover.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20' },
    replicas: { type: 'string', default: '3' },
    out: { type: 'string' },
    'log-dir': { type: 'string' },
    'database-url': {
      type: 'string',
      default: process.env.AURORA_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const rounds = Number(values.rounds);
const replicas = Number(values.replicas);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds: must be a whole number of at least 1');
if (!Number.isInteger(replicas) || replicas < 2) throw new Error('--replicas: must be a whole number of at least 2');

const fmt = (ms: number) => ms.toFixed(0);
const result = await runFailover({
  adminDatabaseUrl: values['database-url'],
  rounds,
  replicas,
  logDir: values['log-dir'],
  log: (line) => process.stderr.write(`${line}\n`),
  onRound: (r, i) =>
    process.stderr.write(
      `round ${i + 1} ${r.kind}: leader ${fmt(r.leaderMs)} ms, lease ${fmt(r.leaseMs)} ms, pass start ${fmt(r.passStartMs)} ms, writes gap ${fmt(r.writeMs)} ms, agent resumed ${fmt(r.agentResumeMs)} ms\n`,
    ),
});

function summary(kind: Round['kind']) {
  const rs = result.rounds.filter((r) => r.kind === kind);
  const stat = (f: (r: Round) => number) => ({
    median: quantile(rs.map(f), 0.5),
    p90: quantile(rs.map(f), 0.9),
    max: Math.max(...rs.map(f)),
  });
  return {
    rounds: rs.length,
    leaderMs: stat((r) => r.leaderMs),
    leaseMs: stat((r) => r.leaseMs),
    writeMs: stat((r) => r.writeMs),
    agentResumeMs: stat((r) => r.agentResumeMs),
    agentGapMs: stat((r) => r.agentGapMs),
  };
}
const kill = summary('kill');
const graceful = summary('graceful');

printTable(
  ['round', 'kind', 'leaderMs', 'leaseMs', 'passStartMs', 'writeMs', 'agentResumeMs', 'agentGapMs', 'epoch'],
  result.rounds.map((r, i) => [
    String(i + 1),
    r.kind,
    fmt(r.leaderMs),
    fmt(r.leaseMs),
    fmt(r.passStartMs),
    fmt(r.writeMs),
    fmt(r.agentResumeMs),
    fmt(r.agentGapMs),
    `${r.epochBefore}->${r.epochAfter}`,
  ]),
);
console.log('');
const summaryRow = (label: string, k: typeof kill, target: string) => [
  label,
  k.rounds,
  fmt(k.leaderMs.median),
  fmt(k.leaderMs.p90),
  fmt(k.leaderMs.max),
  fmt(k.leaseMs.median),
  fmt(k.writeMs.median),
  fmt(k.writeMs.p90),
  fmt(k.writeMs.max),
  fmt(k.agentResumeMs.median),
  fmt(k.agentResumeMs.max),
  target,
];
printTable(
  [
    'kind',
    'rounds',
    'leaderMs p50',
    'p90',
    'max',
    'leaseMs p50',
    'writeMs p50',
    'p90',
    'max',
    'agentResumeMs p50',
    'max',
    'target leader',
  ],
  [summaryRow('kill -9', kill, '< 2000'), summaryRow('graceful', graceful, '< 100')],
);
console.log(
  `\nacknowledged writes ${result.ackedWrites}, lost ${result.ackedLost}; controller decisions applied twice ${result.duplicateActions} ` +
    `(of ${result.suspectDecisions} suspect decisions, ${result.transitions} transitions); ` +
    `write failures ${result.writeFailures}; heartbeats ${result.heartbeats}, failed ${result.heartbeatFailures}`,
);

const file = writeResult('failover', {
  replicas,
  settings: REPLICA_ENV,
  agents: AGENTS,
  ...result,
  summary: { kill, graceful },
});
if (values.out) copyFileSync(file, path.resolve(values.out));
console.log(`wrote ${file}${values.out ? ` and ${values.out}` : ''}`);
