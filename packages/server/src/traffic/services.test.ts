import type { AuroraEvent } from '@aurora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
