import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/harness.js';
import { registeredRoutes } from './app.js';
import { errorCatalogue } from './errors.js';

/** Routes that answer without credentials, each with the reason. */
const PUBLIC = [
  { pattern: /^\/healthz$/, why: 'liveness probe' },
  { pattern: /^\/readyz$/, why: 'readiness probe' },
  {
    pattern: /^\/v1\/cluster\/ca$/,
    why: 'the CA certificate (no secret), fetched by agents before they can trust the server',
  },
];
/** Public because browsers load them without headers; they carry no cluster data. */
const BROWSER_ASSETS = [/^\/docs(\/|$)/, /^\/v1\/openapi\.json$/, /^\/$/, /^\/index\.html$/, /^\/assets\//];

function concreteUrl(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, 'x').replace(/\*$/, 'x');
}

describe('HTTP platform', () => {
  let server: TestServer;
  let consoleDir: string;
  const routes: { method: string; url: string }[] = [];
  beforeAll(async () => {
    consoleDir = mkdtempSync(path.join(os.tmpdir(), 'aurora-console-'));
    mkdirSync(path.join(consoleDir, 'assets'));
    writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(path.join(consoleDir, 'assets', 'app.js'), 'console.log(1)');
    server = await startTestServer({ consoleDir });
    // Fastify's own route table, as its onRoute hook saw every registration (plugins included).
    routes.push(...registeredRoutes(server.app));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  it('every route except the probes and browser assets answers 401 without credentials', async () => {
    const checked: string[] = [];
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      const url = String(route.url);
      const method = String(route.method);
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      if (PUBLIC.some((p) => p.pattern.test(url)) || BROWSER_ASSETS.some((p) => p.test(url))) continue;
      // Login carries its credentials (a name and password) in the body; identity.test.ts covers it.
      if (method === 'POST' && url === '/v1/sessions') continue;
      const res = await server.app.inject({
        method: method as 'GET',
        url: concreteUrl(url),
        payload: method === 'GET' || method === 'DELETE' ? undefined : {},
      });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.json().code).toBe('AURORA_UNAUTHENTICATED');
      checked.push(`${method} ${url}`);
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        'POST /v1/join',
        'POST /v1/agent/heartbeat',
        'GET /v1/nodes',
        'GET /metrics',
        'GET /v1/events',
      ]),
    );
  });

  it('a node credential cannot call operator routes and the admin token cannot heartbeat', async () => {
    const created = await server.app.inject({ method: 'POST', url: '/v1/tokens', headers: server.admin, payload: {} });
    const { sampleFacts } = await import('../../testing/harness.js');
    const joined = await server.app.inject({
      method: 'POST',
      url: '/v1/join',
      payload: { token: created.json().token, name: 'n1', facts: sampleFacts() },
    });
    const node = { authorization: `Bearer ${joined.json().credential}` };
    expect((await server.app.inject({ method: 'GET', url: '/v1/nodes', headers: node })).statusCode).toBe(403);
    const hb = await server.app.inject({
      method: 'POST',
      url: '/v1/agent/heartbeat',
      headers: server.admin,
      payload: {},
    });
    expect(hb.statusCode).toBe(403);
    expect(hb.json().code).toBe('AURORA_FORBIDDEN');
  });

  it('errors are problem+json documents with a stable code from the catalogue', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/v1/nodes/nope', headers: server.admin });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toEqual({
      type: 'https://aurora.dev/problems/node-not-found',
      title: 'Node not found',
      status: 404,
      code: 'AURORA_NODE_NOT_FOUND',
      detail: 'no node named "nope"; list nodes with GET /v1/nodes',
      instance: '/v1/nodes/nope',
    });
    expect(errorCatalogue[res.json().code as keyof typeof errorCatalogue].status).toBe(404);
  });

  it('a body over the limit answers 413 AURORA_PAYLOAD_TOO_LARGE', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { ...server.admin, 'content-type': 'application/json' },
      payload: JSON.stringify({ description: 'x'.repeat(9 * 1024 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('AURORA_PAYLOAD_TOO_LARGE');
  });

  it('serves an OpenAPI 3.1 document generated from the route schemas, with every documented code in the catalogue', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const p of [
      '/v1/join',
      '/v1/agent/heartbeat',
      '/v1/nodes',
      '/v1/nodes/{name}',
      '/v1/nodes/{name}/metrics',
      '/v1/tokens',
      '/v1/cluster/summary',
    ]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    expect(doc.paths['/v1/join'].post.requestBody.content['application/json'].schema.properties.facts).toBeDefined();
    const docs = await server.app.inject({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(docs.statusCode);
  });

  it('reports liveness, readiness and Prometheus metrics', async () => {
    expect((await server.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await server.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
    const metrics = await server.app.inject({ method: 'GET', url: '/metrics', headers: server.admin });
    expect(metrics.body).toContain('aurora_http_request_duration_seconds_bucket');
    expect(metrics.body).toContain('aurora_heartbeats_total');
    expect(metrics.body).toContain('aurora_nodes');
  });

  it('serves the console at / and falls back to index.html for client routes, but not for API paths', async () => {
    const root = await server.app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('<title>console</title>');
    const asset = await server.app.inject({ method: 'GET', url: '/assets/app.js' });
    expect(asset.body).toBe('console.log(1)');
    const spa = await server.app.inject({ method: 'GET', url: '/nodes/web-1' });
    expect(spa.body).toContain('<title>console</title>');
    const api = await server.app.inject({ method: 'GET', url: '/v1/nothing-here', headers: server.admin });
    expect(api.statusCode).toBe(404);
    expect(api.json().code).toBe('AURORA_NOT_FOUND');
  });
});

describe('console not built', () => {
  it('says how to build it', async () => {
    const server = await startTestServer();
    try {
      const res = await server.app.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('npm run build -w @aurora/console');
    } finally {
      await server.close();
    }
  });
});
