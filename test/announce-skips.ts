/**
 * Vitest global setup: says once, at the top of a run, which optional suites
 * will skip on this machine and how to enable them, since the default reporter
 * only counts skipped tests without their reasons.
 */
import { checkTools, type ToolSuiteName } from '@aurora/sdk/testing';

const SUITES: ToolSuiteName[] = ['browser', 'prometheus', 'haproxy', 'alertmanager'];

export default function announceSkips(): void {
  const notes: string[] = [];
  if (!process.env.AURORA_TEST_DATABASE_URL) {
    notes.push(
      'PostgreSQL tests will skip: set AURORA_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run them.',
    );
  }
  // The same check the suites make themselves, so this note and their skips cannot disagree.
  for (const suite of SUITES) {
    const { skip } = checkTools(suite);
    if (skip) notes.push(skip);
  }
  for (const note of notes) process.stderr.write(`aurora tests: ${note}\n`);
}
