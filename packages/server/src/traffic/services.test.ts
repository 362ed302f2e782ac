import type { AuroraEvent } from '@aurora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anomalies } from '../platform/store/schema.js';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../testing/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await joinNode(server, 'web-1', sampleFacts({ hostname: 'web-1', addresses: ['10.0.0.7'], zone: 'eu-1' }));
});
afterAll(() => server.close());

function call(method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, payload?: object) {
  return server.app.inject({ method, url, headers: server.admin, ...(payload ? { payload } : {}) });
}

describe('services', () => {
  it('resolves node backends to their address and zone and keeps endpoints as declared', async () => {
    const put = await call('PUT', '/v1/services/shop', {
      picker: 'least-request',
      backends: [
        { node: 'web-1', port: 8080, weight: 2 },
        { address: 'db.example', port: 5432, zone: 'eu-2' },
        { node: 'not-yet', port: 80 },
      ],
    });
    expect(put.statusCode).toBe(200);
    const got = (await call('GET', '/v1/services/shop')).json();
    expect(got.picker).toBe('least-request');
    expect(got.healthPath).toBe('/healthz');
    expect(got.backends).toEqual([
      {
        id: 'node:web-1:8080',
        node: 'web-1',
        address: '10.0.0.7',
        port: 8080,
        zone: 'eu-1',
        weight: 2,
        effectiveWeight: 2,
        nodeState: 'joining',
        anomalous: false,
      },
      {
        id: 'db.example:5432',
        node: null,
        address: 'db.example',
        port: 5432,
        zone: 'eu-2',
        weight: 1,
        effectiveWeight: 1,
        nodeState: null,
        anomalous: false,
      },
      {
        id: 'node:not-yet:80',
        node: 'not-yet',
        address: null,
        port: 80,
        zone: null,
        weight: 1,
        effectiveWeight: 0,
        nodeState: null,
        anomalous: false,
      },
    ]);
    expect((await call('GET', '/v1/services')).json().items.map((s: { name: string }) => s.name)).toContain('shop');
  });

  it('gives a drained or cordoned node no new traffic, and announces changes on the event bus', async () => {
    const events: AuroraEvent[] = [];
    const off = server.bus.subscribe((e) => events.push(e));
    await call('PUT', '/v1/services/api', { backends: [{ node: 'web-1', port: 9000 }] });
    expect(events.some((e) => e.type === 'service.changed' && e.name === 'api')).toBe(true);
    for (const [action, weight] of [
      ['cordon', 0],
      ['uncordon', 1],
      ['drain', 0],
      ['uncordon', 1],
    ] as const) {
      expect((await call('POST', `/v1/nodes/web-1/${action}`)).statusCode).toBe(200);
      expect((await call('GET', '/v1/services/api')).json().backends[0].effectiveWeight).toBe(weight);
    }
    expect((await call('DELETE', '/v1/services/api')).statusCode).toBe(204);
    expect(events.some((e) => e.type === 'service.deleted' && e.name === 'api')).toBe(true);
    off();
  });

  it('halves the weight of a node with a firing anomaly alert until the alert resolves, announcing each change', async () => {
    await call('PUT', '/v1/services/steered', {
      backends: [
        { node: 'web-1', port: 7000, weight: 4 },
        { address: '10.0.0.9', port: 7000, weight: 4 },
      ],
    });
    const events: AuroraEvent[] = [];
    const off = server.bus.subscribe((e) => events.push(e));
    const weights = async () =>
      (
        (await call('GET', '/v1/services/steered')).json().backends as { effectiveWeight: number; anomalous: boolean }[]
      ).map((b) => [b.effectiveWeight, b.anomalous]);
    expect(await weights()).toEqual([
      [4, false],
      [4, false],
    ]);
    const at = server.clock.now();
    await server.store.db.insert(anomalies).values({
      seriesId: 1,
      metric: 'cpu_usage_pct',
      labels: { node: 'web-1' },
      node: 'web-1',
      at,
      value: 99,
      score: 1,
      explanation: 'value 99 outside its learned range 10–30',
      receivedAt: at,
      storedAt: at,
    });
    await server.alerting.controller.runOnce();
    const fired = events.find((e) => e.type === 'alert.changed' && e.state === 'firing');
    expect(fired).toMatchObject({ node: 'web-1', source: 'anomaly' });
    expect(await weights()).toEqual([
      [2, true],
      [4, false],
    ]);
    // The list reads the same steering as the single service.
    const listed = (await call('GET', '/v1/services')).json().items.find((x: { name: string }) => x.name === 'steered');
    expect(listed.backends[0].effectiveWeight).toBe(2);
    const alert = fired?.type === 'alert.changed' ? fired.alert : '';
    expect((await call('POST', `/v1/alerts/${alert}/resolve`)).statusCode).toBe(204);
    expect(events.filter((e) => e.type === 'alert.changed').map((e) => e.type === 'alert.changed' && e.state)).toEqual([
      'firing',
      'resolved',
    ]);
    expect(await weights()).toEqual([
      [4, false],
      [4, false],
    ]);
    off();
  });

  it("keeps a node's traffic share on its backends until restored, announcing each service it moved", async () => {
    await call('PUT', '/v1/services/shared', { backends: [{ node: 'web-1', port: 7100, weight: 4 }] });
    const events: AuroraEvent[] = [];
    const off = server.bus.subscribe((e) => events.push(e));
    const set = await call('PUT', '/v1/nodes/web-1/traffic', { share: 0.25 });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ node: 'web-1', share: 0.25 });
    expect(set.json().services).toContain('shared');
    expect(events.some((e) => e.type === 'service.changed' && e.name === 'shared')).toBe(true);
    expect((await call('GET', '/v1/services/shared')).json().backends[0].effectiveWeight).toBe(1);
    expect((await call('GET', '/v1/nodes/web-1')).json().trafficShare).toBe(0.25);
    // A cordon still takes it all; uncordoned, the share holds.
    await call('POST', '/v1/nodes/web-1/cordon');
    expect((await call('GET', '/v1/services/shared')).json().backends[0].effectiveWeight).toBe(0);
    await call('POST', '/v1/nodes/web-1/uncordon');
    expect((await call('GET', '/v1/services/shared')).json().backends[0].effectiveWeight).toBe(1);
    expect((await call('PUT', '/v1/nodes/web-1/traffic', { share: 1 })).json().share).toBe(1);
    expect((await call('GET', '/v1/services/shared')).json().backends[0].effectiveWeight).toBe(4);
    expect((await call('GET', '/v1/nodes/web-1')).json().trafficShare).toBeUndefined();
    for (const share of [0, 1e-103, 1.5, -1]) {
      const bad = await call('PUT', '/v1/nodes/web-1/traffic', { share });
      expect(bad.statusCode, String(share)).toBe(400);
      expect(bad.json().field).toBe('share');
    }
    const missing = await call('PUT', '/v1/nodes/nobody/traffic', { share: 0.5 });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('AURORA_NODE_NOT_FOUND');
    off();
  });

  it('refuses what a schema cannot express, naming the field and the fix', async () => {
    const both = await call('PUT', '/v1/services/bad', {
      backends: [{ node: 'web-1', address: '10.0.0.1', port: 80 }],
    });
    expect(both.statusCode).toBe(400);
    expect(both.json()).toMatchObject({ code: 'AURORA_VALIDATION_FAILED', field: 'backends.0' });
    const twice = await call('PUT', '/v1/services/bad', {
      backends: [
        { address: '10.0.0.1', port: 80 },
        { address: '10.0.0.1', port: 80 },
      ],
    });
    expect(twice.json()).toMatchObject({ code: 'AURORA_VALIDATION_FAILED', field: 'backends.1' });
    expect((await call('PUT', '/v1/services/Bad_Name', { backends: [] })).statusCode).toBe(400);
    const missing = await call('GET', '/v1/services/nobody');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('AURORA_SERVICE_NOT_FOUND');
  });
});
