/**
 * A control plane killed with SIGKILL in the middle of ingest loses nothing it
 * acknowledged: a real `aurora server` child process is killed while
 * heartbeats are in flight, restarted on the same data dir (taking over the
 * dead process's lock), and every batch is replayed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuroraClient, type HeartbeatRequest } from '@aurora/sdk';
import { afterAll, expect, test } from 'vitest';
import { type AuroraProcess, bannerUrl, hasExited, spawnAurora, stopAurora } from './testing/aurora-process.js';
import { probeFacts } from './testing/probe-facts.js';

const ADMIN = 'crash-admin-token-0123456789abcdef';
const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-crash-'));
const processes: AuroraProcess[] = [];

afterAll(() => {
  for (const run of processes) if (!hasExited(run)) run.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function startServer(): Promise<{ run: AuroraProcess; url: string }> {
  const run = spawnAurora(
    ['server', '--port', '0', '--data-dir', path.join(dir, 'data')],
    { AURORA_ADMIN_TOKEN: ADMIN, AURORA_LOG_LEVEL: 'warn' },
    dir,
  );
  processes.push(run);
  return { run, url: await bannerUrl(run) };
}

const facts = probeFacts('crash-probe');

// Whole seconds, so each sample sits alone at the start of its one-second bucket.
const base = Math.floor((Date.now() - 10 * 60_000) / 1000) * 1000;
const TOTAL = 60;
/** Batch i carries one sample at base + i seconds; `offset` lets a replay carry a different value. */
function heartbeat(i: number, offset: number): HeartbeatRequest {
  return {
    sentAt: Date.now(),
    facts,
    batches: [{ id: `crash-batch-${i}`, samples: [{ ts: base + i * 1000, name: 'crash.probe', value: i + offset }] }],
  };
}

test('a control plane killed mid-ingest keeps every acknowledged batch, and replays are stored once', async () => {
  const first = await startServer();
  const admin = new AuroraClient({ baseUrl: first.url, token: ADMIN });
  const { token } = await admin.createJoinToken({ uses: 1 });
  const { credential } = await new AuroraClient({ baseUrl: first.url }).join({ token, name: 'crash-probe', facts });
  const agent = new AuroraClient({ baseUrl: first.url });

  const acknowledged = new Set<number>();
  for (let i = 0; i < TOTAL / 2; i++) {
    await agent.heartbeat(credential, heartbeat(i, 0));
    acknowledged.add(i);
  }
  // The second half goes out at once; the process dies as soon as the first of them is acknowledged.
  const inFlight = Array.from({ length: TOTAL / 2 }, (_, k) => TOTAL / 2 + k).map((i) =>
    agent.heartbeat(credential, heartbeat(i, 0)).then(
      () => {
        acknowledged.add(i);
        first.run.child.kill('SIGKILL');
      },
      () => undefined,
    ),
  );
  await Promise.all(inFlight);
  await stopAurora(first.run, 'SIGKILL');
  expect(acknowledged.size).toBeGreaterThan(TOTAL / 2);

  // The restart takes over the dead process's lock, and the agent replays everything with new values.
  const second = await startServer();
  const replay = new AuroraClient({ baseUrl: second.url });
  for (let i = 0; i < TOTAL; i++) {
    const answer = await replay.heartbeat(credential, heartbeat(i, 1000));
    expect(answer.acknowledged).toEqual([`crash-batch-${i}`]);
  }

  const range = await new AuroraClient({ baseUrl: second.url, token: ADMIN }).nodeMetrics('crash-probe', {
    name: 'crash.probe',
    from: base,
    to: base + TOTAL * 1000,
    step: '1s',
  });
  const byTs = new Map((range.series[0]?.points ?? []).map(([ts, v]) => [ts, v]));
  for (let i = 0; i < TOTAL; i++) {
    const value = byTs.get(base + i * 1000);
    // Acknowledged before the crash: the original, stored once (a second copy would shift the average).
    if (acknowledged.has(i)) expect(value, `batch ${i}`).toBe(i);
    // Never acknowledged: stored before the crash or by the replay, but exactly once either way.
    else expect([i, i + 1000], `batch ${i}`).toContain(value);
  }
  await stopAurora(second.run);
}, 90_000);
