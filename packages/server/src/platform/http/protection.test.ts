import { AuroraApiError, AuroraClient } from '@aurora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinNode, sendHeartbeat, startTestServer, type TestServer } from '../../testing/harness.js';

describe('security headers and rate limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { AURORA_RATE_LIMIT_MAX: '5', AURORA_RATE_LIMIT_WINDOW: '1m' } });
  });
  afterAll(async () => server?.close());

  it('every answer, a refused one too, carries a CSP that lets the console load only its own assets', async () => {
    for (const url of ['/healthz', '/v1/nodes']) {
      const res = await fetch(`${server.url}${url}`, { headers: { 'x-forwarded-for': url } });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('a caller past rateLimitMax gets 429 problem+json with Retry-After; each agent credential has its own budget', async () => {
    const agents = [await joinNode(server, 'rl-1'), await joinNode(server, 'rl-2')];
    // Each agent heartbeats up to the limit without touching the other's budget.
    for (const agent of agents) for (let i = 0; i < 5; i++) await sendHeartbeat(server, agent.credential);
    const over = await server.app.inject({
      method: 'POST',
      url: '/v1/agent/heartbeat',
      headers: { authorization: `Bearer ${agents[0]?.credential}` },
      payload: {},
    });
    expect(over.statusCode, over.body).toBe(429);
    expect(over.headers['content-type']).toContain('application/problem+json');
    expect(over.json().code).toBe('AURORA_RATE_LIMITED');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // Anonymous callers are counted by address.
    let last = 0;
    for (let i = 0; i < 6; i++) {
      last = (await server.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.1.1.1' })).statusCode;
    }
    expect(last).toBe(429);
    expect((await server.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.1.1.2' })).statusCode).toBe(
      200,
    );
  });

  it("the SDK's error for a rate-limited call carries the wait the server asked for, which the agent honours", async () => {
    const agent = await joinNode(server, 'rl-sdk');
    const client = new AuroraClient({ baseUrl: server.url });
    let refused: unknown;
    // Every request counts against the credential's budget of 5, refused ones included.
    for (let i = 0; i < 8 && !refused; i++) {
      await client.heartbeat(agent.credential, { sentAt: Date.now(), batches: [] }).catch((error: unknown) => {
        if (error instanceof AuroraApiError && error.status === 429) refused = error;
      });
    }
    expect(refused).toBeInstanceOf(AuroraApiError);
    const error = refused as AuroraApiError;
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
  });
});
