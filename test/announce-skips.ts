/**
 * Vitest global setup: says once, at the top of a run, which optional suites
 * will skip on this machine and how to enable them, since the default reporter
 * only counts skipped tests without their reasons.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export default function announceSkips(): void {
  const notes: string[] = [];
  if (!process.env.AURORA_TEST_DATABASE_URL) {
    notes.push(
      'PostgreSQL tests will skip: set AURORA_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run them.',
    );
  }
  const chromium = process.env.AURORA_CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    notes.push(`The console browser test will skip: no Chromium at ${chromium} (apt-get install chromium).`);
  }
  const missing = ['prometheus', 'prometheus-node-exporter'].filter((b) => spawnSync('which', [b]).status !== 0);
  if (missing.length > 0) {
    notes.push(
      `The Prometheus tests will skip: ${missing.join(' and ')} not installed (scripts/install-prometheus.sh).`,
    );
  }
  if (spawnSync('haproxy', ['-v']).status !== 0 && spawnSync('/usr/sbin/haproxy', ['-v']).status !== 0) {
    notes.push('The HAProxy adapter tests will skip: haproxy not installed (scripts/install-lb-peers.sh).');
  }
  for (const note of notes) process.stderr.write(`aurora tests: ${note}\n`);
}
