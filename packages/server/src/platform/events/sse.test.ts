import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../../testing/harness.js';
import { collectEvents } from '../../testing/sse.js';

describe('server-sent events', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it('delivers node.joined, node.state_changed and node.heartbeat with samples over a real socket, opened by a single-use ticket', async () => {
    const issued = await server.app.inject({ method: 'POST', url: '/v1/events/tickets', headers: server.admin });
    expect(issued.statusCode).toBe(201);
    const { ticket } = issued.json() as { ticket: string };
    const stream = collectEvents(`${server.url}/v1/events?ticket=${encodeURIComponent(ticket)}`, 3);
    await stream.ready;
    const { credential } = await joinNode(server, 'sse-1');
    const now = server.clock.now();
    await server.app.inject({
      method: 'POST',
      url: '/v1/agent/heartbeat',
      headers: { authorization: `Bearer ${credential}` },
      payload: {
        sentAt: now,
        facts: sampleFacts(),
        batches: [{ id: 'batch-sse-1', samples: [{ ts: now, name: 'cpu.usage_pct', value: 3 }] }],
      },
    });
    const events = await stream.events;
    stream.close();
    expect(events.map((e) => e.event)).toEqual(['node.joined', 'node.state_changed', 'node.heartbeat']);
    expect(events[1]?.data).toMatchObject({
      type: 'node.state_changed',
      from: 'joining',
      to: 'ready',
      node: { name: 'sse-1' },
    });
    expect(events[2]?.data).toMatchObject({
      type: 'node.heartbeat',
      name: 'sse-1',
      samples: [{ name: 'cpu.usage_pct', value: 3 }],
    });
  });

  it('refuses the stream without a token', async () => {
    const res = await fetch(`${server.url}/v1/events`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('a ticket opens one stream only, and a token in the URL is refused (URLs reach proxy logs)', async () => {
    const { ticket } = (
      await server.app.inject({ method: 'POST', url: '/v1/events/tickets', headers: server.admin })
    ).json() as { ticket: string };
    const first = collectEvents(`${server.url}/v1/events?ticket=${encodeURIComponent(ticket)}`, 1);
    await first.ready;
    first.close();
    const replay = await fetch(`${server.url}/v1/events?ticket=${encodeURIComponent(ticket)}`);
    expect(replay.status).toBe(401);
    expect((await replay.json()).code).toBe('AURORA_TOKEN_INVALID');
    const inUrl = await fetch(
      `${server.url}/v1/events?access_token=${encodeURIComponent(server.admin.authorization.slice(7))}`,
    );
    expect(inUrl.status).toBe(401);
    expect((await inUrl.json()).detail).toContain('not taken from the URL');
  });

  it('a ticket expires unused after 30 s', async () => {
    const { ticket } = (
      await server.app.inject({ method: 'POST', url: '/v1/events/tickets', headers: server.admin })
    ).json() as { ticket: string };
    server.clock.advance(31_000);
    const res = await fetch(`${server.url}/v1/events?ticket=${encodeURIComponent(ticket)}`);
    expect(res.status).toBe(401);
  });
});
