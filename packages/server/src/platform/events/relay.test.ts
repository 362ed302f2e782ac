import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuroraEvent } from '@aurora/sdk';
import fc from 'fast-check';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.js';
import { compileConfig } from '../../platform/config/index.js';
import { type RunningServer, startServer } from '../../server.js';
import { testEngines } from '../../testing/engines.js';
import { TEST_ADMIN_TOKEN } from '../../testing/harness.js';
import { collectEvents } from '../../testing/sse.js';
import { EventBus } from './bus.js';
import { EventRelay, MAX_PAYLOAD_BYTES, packEvents, relayChannel } from './relay.js';

const event = fc.record({
  type: fc.constant('service.changed' as const),
  name: fc.string({ maxLength: 3_000, unit: 'grapheme' }),
  at: fc.constant('2026-12-03T00:00:00.000Z'),
});

describe('packing events into NOTIFY payloads', () => {
  it('keeps every event once and in order, each payload below the limit in bytes, and sets apart what cannot fit', () => {
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 40 }),
        fc.integer({ min: 200, max: MAX_PAYLOAD_BYTES }),
        (events, max) => {
          const { payloads, tooLarge } = packEvents('origin-1', events as AuroraEvent[], max);
          const unpacked = payloads.flatMap((p) => {
            expect(Buffer.byteLength(p)).toBeLessThan(max);
            const envelope = JSON.parse(p) as { origin: string; events: AuroraEvent[] };
            expect(envelope.origin).toBe('origin-1');
            expect(envelope.events.length).toBeGreaterThan(0);
            return envelope.events;
          });
          const fits = (e: AuroraEvent) => !tooLarge.includes(e);
          expect(unpacked).toEqual(events.filter((e) => fits(e as AuroraEvent)));
          for (const e of tooLarge) expect(Buffer.byteLength(JSON.stringify(e))).toBeGreaterThan(max - 60);
        },
      ),
    );
  });

  it('names one channel per store, within PostgreSQL identifier length', () => {
    expect(relayChannel(undefined)).toBe('aurora_events_public');
    expect(relayChannel('tenant_a')).not.toBe(relayChannel('tenant_b'));
    const long = relayChannel('s'.repeat(63));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).not.toBe(relayChannel(`${'s'.repeat(62)}t`));
  });
});

const postgres = testEngines().find((e) => e.name === 'postgres')!;

describe.skipIf(postgres.skip !== undefined)('the event stream across replicas on PostgreSQL', () => {
  const replicas: RunningServer[] = [];
  let cleanup = async () => {};
  let dataDir: string;
  beforeAll(async () => {
    const fresh = await postgres.fresh();
    cleanup = fresh.cleanup;
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'aurora-relay-'));
    const env = {
      AURORA_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      AURORA_LOG_LEVEL: 'silent',
      AURORA_RATE_LIMIT_MAX: '100000000',
    };
    for (let i = 0; i < 2; i++) {
      const config = compileConfig({
        env,
        overrides: {
          databaseUrl: fresh.options.databaseUrl,
          dataDir: path.join(dataDir, `replica-${i}`),
          // Replicas share the master key, as they must in a deployment.
          keyFile: path.join(dataDir, 'master.key'),
          port: 0,
        },
      });
      replicas.push(
        await startServer(config, {
          clock: new ManualClock(),
          manualControllers: true,
          consoleDir: path.join(dataDir, 'no-console'),
          ...(fresh.options.schemaName ? { schemaName: fresh.options.schemaName } : {}),
        }),
      );
    }
  });
  afterAll(async () => {
    for (const r of replicas) await r.stop();
    await cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  const stream = async (server: RunningServer, count: number) => {
    const issued = await server.app.inject({ method: 'POST', url: '/v1/events/tickets', headers: admin });
    const { ticket } = issued.json() as { ticket: string };
    const s = collectEvents(`${server.url}/v1/events?ticket=${encodeURIComponent(ticket)}`, count);
    await s.ready;
    return s;
  };
  const putService = (server: RunningServer, name: string) =>
    server.app.inject({
      method: 'PUT',
      url: `/v1/services/${name}`,
      headers: admin,
      payload: { backends: [{ address: '127.0.0.1', port: 8080 }] },
    });

  it('shows a client of one replica what happened on the other, once each and in order, and not its own twice', async () => {
    const [a, b] = replicas as [RunningServer, RunningServer];
    const onB = await stream(b, 3);
    const onA = await stream(a, 4);
    expect((await putService(a, 'web')).statusCode).toBe(200);
    expect((await putService(a, 'web')).statusCode).toBe(200);
    expect((await a.app.inject({ method: 'DELETE', url: '/v1/services/web', headers: admin })).statusCode).toBe(204);
    const seenOnB = await onB.events;
    expect(seenOnB.map((e) => [e.event, (e.data as { name: string }).name])).toEqual([
      ['service.changed', 'web'],
      ['service.changed', 'web'],
      ['service.deleted', 'web'],
    ]);
    // A's client gets A's three events once, then B's: an echo of A's own would come before it.
    expect((await putService(b, 'api')).statusCode).toBe(200);
    const seenOnA = await onA.events;
    expect(seenOnA.map((e) => [e.event, (e.data as { name: string }).name])).toEqual([
      ['service.changed', 'web'],
      ['service.changed', 'web'],
      ['service.deleted', 'web'],
      ['service.changed', 'api'],
    ]);
    onA.close();
    onB.close();
  });
});

describe.skipIf(postgres.skip !== undefined)('the event relay on PostgreSQL', () => {
  it('listens again after its session is killed, and relays from then on', async () => {
    const url = process.env.AURORA_TEST_DATABASE_URL!;
    const schemaName = `relay_${Date.now().toString(36)}`;
    const log = pino({ level: 'silent' });
    const busA = new EventBus();
    const busB = new EventBus();
    const a = new EventRelay(busA, { connectionString: url, schemaName, log });
    const b = new EventRelay(busB, { connectionString: url, schemaName, log });
    await a.start();
    await b.start();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const received: string[] = [];
      busA.subscribe((e) => received.push((e as { name: string }).name));
      const sessionOfA = `aurora event relay ${a.origin.slice(0, 8)}`;
      const killed = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
        [sessionOfA],
      );
      expect(killed.rowCount).toBe(1);
      await expect
        .poll(
          async () =>
            (await admin.query('select 1 from pg_stat_activity where application_name = $1', [sessionOfA])).rowCount,
        )
        .toBe(1);
      // LISTEN runs right after the session opens; publish until one arrives rather than guess when.
      await expect
        .poll(() => {
          busB.publish({ type: 'service.changed', name: 'after-reconnect', at: new Date(0).toISOString() });
          return received.includes('after-reconnect');
        })
        .toBe(true);
    } finally {
      await a.stop();
      await b.stop();
      await admin.end();
    }
  });
});
