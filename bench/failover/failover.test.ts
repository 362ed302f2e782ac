import { describe, expect, it } from 'vitest';
import { runFailover } from './failover.js';

const url = process.env.AURORA_TEST_DATABASE_URL;
if (!url && process.env.AURORA_REQUIRE_POSTGRES === '1') {
  throw new Error('AURORA_REQUIRE_POSTGRES=1 but AURORA_TEST_DATABASE_URL is not set; set it to a PostgreSQL URL');
}
const skip = url
  ? undefined
  : 'failover test skipped: set AURORA_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run it (AURORA_REQUIRE_POSTGRES=1 makes this a failure)';
if (skip) console.warn(skip);

// The bench's own run, shortened: three `aurora server` processes, one kill -9 and one SIGTERM of the leader.
// Timings are the bench's business; this checks that leadership moves and nothing acknowledged is lost.
describe.skipIf(skip !== undefined)('failover of aurora server processes on PostgreSQL', () => {
  it('a new leader writes after kill -9 and after SIGTERM, an agent moves to another replica, no acknowledged write is lost, no decision is applied twice', async () => {
    const result = await runFailover({ adminDatabaseUrl: url!, rounds: 1 });
    expect(result.rounds.map((r) => r.kind)).toEqual(['kill', 'graceful']);
    for (const r of result.rounds) {
      expect(r.epochAfter).toBeGreaterThan(r.epochBefore);
      expect(r.leaderMs).toBeGreaterThanOrEqual(r.leaseMs);
      // A real agent on the stopped leader carried on through another replica.
      expect(r.agentResumeMs).toBeGreaterThan(0);
      expect(r.agentGapMs).toBeGreaterThan(0);
    }
    expect(result.ackedWrites).toBeGreaterThan(0);
    expect(result.ackedLost).toBe(0);
    expect(result.duplicateActions).toBe(0);
  }, 900_000);
});
