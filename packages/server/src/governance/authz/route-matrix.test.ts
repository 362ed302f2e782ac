import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes } from '../../platform/http/app.js';
import { anomalies } from '../../platform/store/schema.js';
import { encodeWriteRequest } from '../../telemetry/remote-write/proto.js';
import { joinNode, sampleFacts, startTestServer, type TestServer } from '../../testing/harness.js';
import { runAwaitingApproval } from '../../testing/healing-fixture.js';

/**
 * The route × role matrix, generated from Fastify's own route table and the
 * expectations declared here. Every cell is a real HTTP request: 401 without
 * credentials, 403 where the role is denied, and the route's success status
 * where it is allowed. A registered route without an expectation fails.
 */
type Role = 'admin' | 'operator' | 'viewer' | 'agent' | 'user';
/** `user` is a person logged in with a password (an access token, a JWT) who holds the viewer role. */
const ROLES: Role[] = ['admin', 'operator', 'viewer', 'agent', 'user'];

interface Call {
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: Uint8Array;
}
interface Expectation {
  /** Roles allowed to call the route; every other role gets 403. */
  allow: Role[];
  /** Status of a successful call. */
  ok: number;
  /** Roles Cedar lets through that the handler then refuses, with the status they get. */
  refused?: Partial<Record<Role, number>>;
  /** Builds one valid call (it may create what the call consumes, e.g. a node to delete). */
  call(): Promise<Call>;
}

let server: TestServer;
let seq = 0;
const READ: Role[] = ['admin', 'operator', 'viewer', 'user'];
const USER_PASSWORD = 'matrix-user-password-1';
const OPERATE: Role[] = ['admin', 'operator'];

async function freshNode(): Promise<string> {
  const name = `gone-${seq++}`;
  await joinNode(server, name, sampleFacts({ hostname: name, labels: { team: 'blue' } }));
  return name;
}

async function adminPost(url: string, body: unknown): Promise<{ id: string }> {
  const res = await server.app.inject({ method: 'POST', url, headers: server.admin, payload: body as object });
  if (res.statusCode !== 201) throw new Error(`${url}: ${res.body}`);
  return res.json();
}

/** A firing alert, opened from an anomaly written to the store. */
async function anAlert(): Promise<string> {
  const now = server.clock.now();
  await server.store.db.insert(anomalies).values({
    seriesId: 1,
    metric: `matrix_metric_${seq++}`,
    labels: { node: 'blue-1' },
    node: 'blue-1',
    at: now,
    value: 1,
    score: 1,
    explanation: 'matrix',
    receivedAt: now,
    storedAt: now,
  });
  await server.alerting.controller.runOnce();
  const res = await server.app.inject({ method: 'GET', url: '/v1/alerts?state=firing&limit=1', headers: server.admin });
  return res.json().items[0].id;
}

async function freshUser(): Promise<string> {
  return (await adminPost('/v1/users', { name: `u${seq++}`, password: USER_PASSWORD, roles: ['viewer'] })).id;
}

async function userLogin(): Promise<string> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/v1/sessions',
    payload: { name: 'matrix-user', password: USER_PASSWORD },
  });
  if (res.statusCode !== 200) throw new Error(`login: ${res.body}`);
  return `Bearer ${res.json().accessToken}`;
}

async function freshService(): Promise<string> {
  const name = `s${seq++}`;
  const res = await server.app.inject({
    method: 'PUT',
    url: `/v1/services/${name}`,
    headers: server.admin,
    payload: { backends: [{ node: 'blue-1', port: 8080 }] },
  });
  if (res.statusCode !== 200) throw new Error(`service create: ${res.body}`);
  return name;
}

/** An incident, grouped from a fresh firing alert. */
async function anIncident(): Promise<string> {
  await anAlert();
  await server.healing.incidents.group();
  const res = await server.app.inject({ method: 'GET', url: '/v1/incidents?limit=1', headers: server.admin });
  return res.json().items[0].id;
}

const PLAYBOOK_YAML = 'trigger:\n  alert: { metric: cpu_usage_pct }\nsteps:\n  - action: cordon\n';

/** A workflow run (of a workflow the test server defines). */
async function aRun(): Promise<string> {
  const workflows = server.healing.workflows;
  if (!workflows.has('matrix-run'))
    workflows.define({ name: 'matrix-run', steps: [{ kind: 'wait', name: 'w', ms: 1 }] });
  return (await server.healing.workflows.start('matrix-run', { n: seq++ })).run.id;
}

/** A stored playbook. */
async function aPlaybook(): Promise<string> {
  const name = `matrix-pb-${seq++}`;
  const res = await server.app.inject({
    method: 'PUT',
    url: `/v1/playbooks/${name}`,
    headers: server.admin,
    payload: { yaml: PLAYBOOK_YAML },
  });
  if (res.statusCode !== 200) throw new Error(`playbook put: ${res.body}`);
  return name;
}

/** Harmless Cedar text with a fresh policy id (viewers may already read nodes). */
const policyText = (id: string, action = 'node.get') =>
  `@id("${id}")\npermit (principal in Aurora::Role::"viewer", action == Aurora::Action::"${action}", resource);`;

/** A stored policy document with two versions. */
async function aPolicy(): Promise<string> {
  const id = `matrix-policy-${seq++}`;
  for (const action of ['node.get', 'node.list']) {
    const res = await server.app.inject({
      method: 'PUT',
      url: `/v1/policies/${id}`,
      headers: server.admin,
      payload: { text: policyText(id, action) },
    });
    if (res.statusCode !== 200) throw new Error(`policy put: ${res.body}`);
  }
  return id;
}

/** Declared expectations, keyed by "METHOD url" as registered. */
const EXPECTED: Record<string, Expectation> = {
  'GET /v1/nodes': { allow: READ, ok: 200, call: async () => ({ url: '/v1/nodes' }) },
  'GET /v1/nodes/:name': { allow: READ, ok: 200, call: async () => ({ url: '/v1/nodes/blue-1' }) },
  'GET /v1/nodes/:name/metrics': { allow: READ, ok: 200, call: async () => ({ url: '/v1/nodes/blue-1/metrics' }) },
  'GET /v1/nodes/:name/transitions': {
    allow: READ,
    ok: 200,
    call: async () => ({ url: '/v1/nodes/blue-1/transitions' }),
  },
  'POST /v1/nodes/:name/cordon': { allow: OPERATE, ok: 200, call: async () => ({ url: '/v1/nodes/blue-1/cordon' }) },
  'POST /v1/nodes/:name/uncordon': {
    allow: OPERATE,
    ok: 200,
    call: async () => ({ url: '/v1/nodes/blue-1/uncordon' }),
  },
  'POST /v1/nodes/:name/drain': { allow: OPERATE, ok: 200, call: async () => ({ url: '/v1/nodes/blue-1/drain' }) },
  'PUT /v1/nodes/:name/traffic': {
    allow: OPERATE,
    ok: 200,
    call: async () => ({ url: '/v1/nodes/blue-1/traffic', body: { share: 0.5 } }),
  },
  'DELETE /v1/nodes/:name': { allow: OPERATE, ok: 204, call: async () => ({ url: `/v1/nodes/${await freshNode()}` }) },
  'GET /v1/nodes/:name/actions': { allow: READ, ok: 200, call: async () => ({ url: '/v1/nodes/blue-1/actions' }) },
  'POST /v1/nodes/:name/actions': {
    allow: OPERATE,
    ok: 202,
    call: async () => ({ url: '/v1/nodes/blue-1/actions', body: { kind: 'rotate-logs', params: { log: 'app' } } }),
  },
  'GET /v1/cluster/summary': { allow: READ, ok: 200, call: async () => ({ url: '/v1/cluster/summary' }) },
  'GET /v1/events': { allow: READ, ok: 200, call: async () => ({ url: '/v1/events' }) },
  'POST /v1/events/tickets': { allow: READ, ok: 201, call: async () => ({ url: '/v1/events/tickets' }) },
  'GET /v1/me': { allow: ROLES, ok: 200, call: async () => ({ url: '/v1/me' }) },
  'DELETE /v1/sessions': { allow: ROLES, ok: 204, call: async () => ({ url: '/v1/sessions' }) },
  'PUT /v1/me/password': {
    allow: ROLES,
    ok: 204,
    refused: { admin: 400, operator: 400, viewer: 400, agent: 400 },
    call: async () => ({
      url: '/v1/me/password',
      body: { currentPassword: USER_PASSWORD, newPassword: USER_PASSWORD },
    }),
  },
  'GET /v1/users': { allow: ['admin'], ok: 200, call: async () => ({ url: '/v1/users' }) },
  'POST /v1/users': {
    allow: ['admin'],
    ok: 201,
    call: async () => ({ url: '/v1/users', body: { name: `n${seq++}`, password: USER_PASSWORD, roles: ['viewer'] } }),
  },
  'PATCH /v1/users/:id': {
    allow: ['admin'],
    ok: 200,
    call: async () => ({ url: `/v1/users/${await freshUser()}`, body: { teams: ['blue'] } }),
  },
  'DELETE /v1/users/:id': { allow: ['admin'], ok: 204, call: async () => ({ url: `/v1/users/${await freshUser()}` }) },
  'GET /v1/compliance/report': {
    allow: ['admin'],
    ok: 200,
    call: async () => ({ url: `/v1/compliance/report?framework=${['soc2', 'iso27001', 'gdpr'][seq++ % 3]}` }),
  },
  'GET /v1/users/:id/personal-data': {
    allow: ['admin'],
    ok: 200,
    call: async () => ({ url: `/v1/users/${await freshUser()}/personal-data` }),
  },
  'GET /v1/query_range': { allow: READ, ok: 200, call: async () => ({ url: '/v1/query_range?match=up' }) },
  'GET /metrics': { allow: READ, ok: 200, call: async () => ({ url: '/metrics' }) },
  'GET /v1/anomalies': { allow: READ, ok: 200, call: async () => ({ url: '/v1/anomalies' }) },
  'GET /v1/alerts': { allow: READ, ok: 200, call: async () => ({ url: '/v1/alerts' }) },
  'POST /v1/alerts/:id/resolve': {
    allow: OPERATE,
    ok: 204,
    call: async () => ({ url: `/v1/alerts/${await anAlert()}/resolve` }),
  },
  'GET /v1/incidents': { allow: READ, ok: 200, call: async () => ({ url: '/v1/incidents' }) },
  'GET /v1/incidents/:id': { allow: READ, ok: 200, call: async () => ({ url: `/v1/incidents/${await anIncident()}` }) },
  'GET /v1/runs': { allow: READ, ok: 200, call: async () => ({ url: '/v1/runs' }) },
  'GET /v1/runs/:id': { allow: READ, ok: 200, call: async () => ({ url: `/v1/runs/${await aRun()}` }) },
  'POST /v1/runs/:id/approvals': {
    allow: OPERATE,
    ok: 200,
    // Cedar lets the operator's API token through; the handler refuses it, since only people decide approvals.
    refused: { operator: 403 },
    call: async () => ({
      url: `/v1/runs/${await runAwaitingApproval(server, 'matrix')}/approvals`,
      body: { decision: 'approve', reason: 'matrix' },
    }),
  },
  'GET /v1/playbooks': { allow: READ, ok: 200, call: async () => ({ url: '/v1/playbooks' }) },
  'GET /v1/playbooks/:name': {
    allow: READ,
    ok: 200,
    call: async () => ({ url: `/v1/playbooks/${await aPlaybook()}` }),
  },
  'GET /v1/playbooks/:name/history': {
    allow: READ,
    ok: 200,
    call: async () => ({ url: `/v1/playbooks/${await aPlaybook()}/history` }),
  },
  'PUT /v1/playbooks/:name': {
    allow: OPERATE,
    ok: 200,
    call: async () => ({ url: `/v1/playbooks/matrix-${seq++}`, body: { yaml: PLAYBOOK_YAML } }),
  },
  'GET /v1/alert-rules': { allow: READ, ok: 200, call: async () => ({ url: '/v1/alert-rules' }) },
  'POST /v1/alert-rules': {
    allow: OPERATE,
    ok: 201,
    call: async () => ({
      url: '/v1/alert-rules',
      body: { name: `matrix-${seq++}`, selector: 'cpu_usage_pct', op: '>', value: 90, for: '5m' },
    }),
  },
  'DELETE /v1/alert-rules/:id': {
    allow: OPERATE,
    ok: 204,
    call: async () => ({
      url: `/v1/alert-rules/${(await adminPost('/v1/alert-rules', { name: `gone-${seq++}`, selector: 'up', op: '<', value: 1, for: '1m' })).id}`,
    }),
  },
  'GET /v1/silences': { allow: READ, ok: 200, call: async () => ({ url: '/v1/silences' }) },
  'POST /v1/silences': {
    allow: OPERATE,
    ok: 201,
    call: async () => ({
      url: '/v1/silences',
      body: { matchers: { node: 'blue-1' }, duration: '1h', comment: 'matrix' },
    }),
  },
  'DELETE /v1/silences/:id': {
    allow: OPERATE,
    ok: 204,
    call: async () => ({
      url: `/v1/silences/${(await adminPost('/v1/silences', { matchers: { node: 'x' }, duration: '1h', comment: 'm' })).id}`,
    }),
  },
  'GET /v1/alert-deliveries': { allow: READ, ok: 200, call: async () => ({ url: '/v1/alert-deliveries' }) },
  'GET /v1/predictions': { allow: READ, ok: 200, call: async () => ({ url: '/v1/predictions' }) },
  'GET /v1/forecast': { allow: READ, ok: 200, call: async () => ({ url: '/v1/forecast?match=up' }) },
  'POST /api/v1/write': {
    allow: ['admin'],
    ok: 204,
    call: async () => ({
      url: '/api/v1/write',
      raw: encodeWriteRequest({
        timeseries: [
          {
            labels: [
              { name: '__name__', value: 'matrix_up' },
              { name: 'instance', value: `m${seq++}` },
            ],
            samples: [{ timestamp: server.clock.now(), value: 1 }],
          },
        ],
      }),
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
    }),
  },
  'POST /v1/tokens': { allow: ['admin'], ok: 201, call: async () => ({ url: '/v1/tokens', body: {} }) },
  'GET /v1/tokens': { allow: ['admin'], ok: 200, call: async () => ({ url: '/v1/tokens' }) },
  'DELETE /v1/tokens/:id': {
    allow: ['admin'],
    ok: 204,
    call: async () => ({ url: `/v1/tokens/${(await adminPost('/v1/tokens', {})).id}` }),
  },
  'POST /v1/agent/heartbeat': {
    allow: ['agent'],
    ok: 200,
    call: async () => ({
      url: '/v1/agent/heartbeat',
      body: { sentAt: server.clock.now(), facts: sampleFacts({ labels: { team: 'blue' } }), batches: [] },
    }),
  },
  // On plain HTTP (this matrix) there are no client certificates to renew: the agent is let through and told so.
  'POST /v1/agent/certificate': {
    allow: ['agent'],
    ok: 409,
    call: async () => ({ url: '/v1/agent/certificate', body: { csr: 'not a request' } }),
  },
  'POST /v1/api-tokens': {
    allow: ['admin'],
    ok: 201,
    call: async () => ({ url: '/v1/api-tokens', body: { name: `t${seq++}`, roles: ['viewer'] } }),
  },
  'GET /v1/api-tokens': { allow: ['admin'], ok: 200, call: async () => ({ url: '/v1/api-tokens' }) },
  'DELETE /v1/api-tokens/:id': {
    allow: ['admin'],
    ok: 204,
    call: async () => ({
      url: `/v1/api-tokens/${(await adminPost('/v1/api-tokens', { name: `r${seq++}`, roles: ['viewer'] })).id}`,
    }),
  },
  'GET /v1/audit': { allow: ['admin'], ok: 200, call: async () => ({ url: '/v1/audit' }) },
  'GET /v1/audit/checkpoints': { allow: ['admin'], ok: 200, call: async () => ({ url: '/v1/audit/checkpoints' }) },
  'GET /v1/audit/verify': { allow: ['admin'], ok: 200, call: async () => ({ url: '/v1/audit/verify' }) },
  'GET /v1/backup': { allow: ['admin'], ok: 200, call: async () => ({ url: '/v1/backup' }) },
  'GET /v1/authz/policies': { allow: READ, ok: 200, call: async () => ({ url: '/v1/authz/policies' }) },
  'GET /v1/policies': { allow: READ, ok: 200, call: async () => ({ url: '/v1/policies' }) },
  'GET /v1/policies/:id': { allow: READ, ok: 200, call: async () => ({ url: '/v1/policies/admin' }) },
  'GET /v1/policies/:id/versions': { allow: READ, ok: 200, call: async () => ({ url: '/v1/policies/admin/versions' }) },
  'GET /v1/policies/:id/versions/:version': {
    allow: READ,
    ok: 200,
    call: async () => ({ url: '/v1/policies/admin/versions/1' }),
  },
  'GET /v1/policies/:id/diff': {
    allow: READ,
    ok: 200,
    call: async () => ({ url: `/v1/policies/${await aPolicy()}/diff` }),
  },
  'PUT /v1/policies/:id': {
    allow: ['admin'],
    ok: 200,
    call: async () => {
      const id = `matrix-put-${seq++}`;
      return { url: `/v1/policies/${id}`, body: { text: policyText(id) } };
    },
  },
  'DELETE /v1/policies/:id': {
    allow: ['admin'],
    ok: 204,
    call: async () => ({ url: `/v1/policies/${await aPolicy()}` }),
  },
  'POST /v1/policies/:id/rollback': {
    allow: ['admin'],
    ok: 200,
    call: async () => ({ url: `/v1/policies/${await aPolicy()}/rollback`, body: { version: 1 } }),
  },
  'GET /v1/services': { allow: READ, ok: 200, call: async () => ({ url: '/v1/services' }) },
  'GET /v1/services/:name': {
    allow: READ,
    ok: 200,
    call: async () => ({ url: `/v1/services/${await freshService()}` }),
  },
  'PUT /v1/services/:name': {
    allow: OPERATE,
    ok: 200,
    call: async () => ({ url: `/v1/services/m${seq++}`, body: { backends: [{ address: '10.0.0.9', port: 80 }] } }),
  },
  'DELETE /v1/services/:name': {
    allow: OPERATE,
    ok: 204,
    call: async () => ({ url: `/v1/services/${await freshService()}` }),
  },
};

/** Routes anyone may call, each with the reason; checked to answer without credentials. */
const PUBLIC: { pattern: RegExp; why: string }[] = [
  { pattern: /^GET \/(healthz|readyz)$/, why: 'probes' },
  { pattern: /^GET \/v1\/openapi\.json$/, why: 'the API description' },
  { pattern: /^GET \/docs(\/.*)?$/, why: 'API reference pages a browser loads without headers' },
  { pattern: /^GET \/(|index\.html|assets\/.*)$/, why: 'console assets' },
  { pattern: /^POST \/v1\/sessions(\/refresh)?$/, why: 'login and refresh carry a password or a refresh token' },
  {
    pattern: /^GET \/v1\/cluster\/ca$/,
    why: 'the CA certificate, which agents fetch and pin before they trust the server',
  },
];
/** The join route authenticates with a join token in its body, not a bearer token. */
const JOIN = 'POST /v1/join';

async function send(method: string, call: Call, authorization: string | undefined): Promise<number> {
  const headers: Record<string, string> = { ...call.headers };
  if (authorization) headers.authorization = authorization;
  let body: string | Uint8Array | undefined;
  if (call.raw) body = call.raw;
  else if (call.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(call.body);
  }
  const abort = new AbortController();
  const res = await fetch(`${server.url}${call.url}`, { method, headers, body, signal: abort.signal });
  // Streams (the event stream) never end on their own: the status is what is checked.
  abort.abort();
  await res.body?.cancel().catch(() => undefined);
  return res.status;
}

describe('route × role matrix', () => {
  const credentials = {} as Record<Role, string>;
  let consoleDir: string;
  beforeAll(async () => {
    consoleDir = mkdtempSync(path.join(os.tmpdir(), 'aurora-console-'));
    mkdirSync(path.join(consoleDir, 'assets'));
    writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(path.join(consoleDir, 'assets', 'app.js'), 'console.log(1)');
    server = await startTestServer({ consoleDir });
    credentials.admin = server.admin.authorization;
    const op = await adminPost('/v1/api-tokens', { name: 'ops', roles: ['operator'], teams: ['blue'] });
    credentials.operator = `Bearer ${(op as { token?: string }).token}`;
    const viewer = await adminPost('/v1/api-tokens', { name: 'view', roles: ['viewer'] });
    credentials.viewer = `Bearer ${(viewer as { token?: string }).token}`;
    const agent = await joinNode(server, 'blue-1', sampleFacts({ hostname: 'blue-1', labels: { team: 'blue' } }));
    credentials.agent = `Bearer ${agent.credential}`;
    await adminPost('/v1/users', { name: 'matrix-user', password: USER_PASSWORD, roles: ['viewer'] });
    credentials.user = await userLogin();
  });
  afterAll(async () => {
    await server?.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  it('every registered route has an expectation, and every expectation a route', () => {
    const keys = registeredRoutes(server.app)
      .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS')
      .map((r) => `${r.method} ${r.url}`);
    const missing = keys.filter((k) => !(k in EXPECTED) && k !== JOIN && !PUBLIC.some((p) => p.pattern.test(k)));
    expect(missing, 'routes without a declared expectation: add them to EXPECTED (and to ROUTE_ACTIONS)').toEqual([]);
    expect(Object.keys(EXPECTED).filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('every cell: 401 without credentials, 403 where denied, success where allowed', async () => {
    const cells: string[] = [];
    for (const [key, expectation] of Object.entries(EXPECTED)) {
      const [method = 'GET'] = key.split(' ');
      expect(await send(method, await expectation.call(), undefined), `${key} anonymous`).toBe(401);
      expect(await send(method, await expectation.call(), 'Bearer not-a-credential'), `${key} unknown token`).toBe(401);
      for (const role of ROLES) {
        const status = await send(method, await expectation.call(), credentials[role]);
        const allowed = expectation.allow.includes(role);
        expect(status, `${key} as ${role}`).toBe(allowed ? (expectation.refused?.[role] ?? expectation.ok) : 403);
        cells.push(`${key} ${role} ${status}`);
        // Logging out ended the user's session: the next cells need a new one.
        if (key === 'DELETE /v1/sessions' && role === 'user') credentials.user = await userLogin();
      }
    }
    expect(cells.length).toBe(Object.keys(EXPECTED).length * ROLES.length);
  });

  it('public routes answer without credentials; join needs a join token in its body', async () => {
    for (const url of ['/healthz', '/readyz', '/v1/openapi.json', '/', '/assets/app.js', '/v1/cluster/ca']) {
      expect(await send('GET', { url }, undefined), url).toBe(200);
    }
    expect(await send('POST', { url: '/v1/join', body: { name: 'x', facts: sampleFacts() } }, undefined)).toBe(401);
    const token = (await adminPost('/v1/tokens', {})) as { token?: string };
    const joined = { url: '/v1/join', body: { token: token.token, name: 'joined', facts: sampleFacts() } };
    expect(await send('POST', joined, undefined)).toBe(201);
    const wrong = { url: '/v1/sessions', body: { name: 'matrix-user', password: 'not-the-password' } };
    expect(await send('POST', wrong, undefined)).toBe(401);
    const login = { url: '/v1/sessions', body: { name: 'matrix-user', password: USER_PASSWORD, refreshIn: 'body' } };
    const res = await fetch(`${server.url}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(login.body),
    });
    expect(res.status).toBe(200);
    const { refreshToken } = (await res.json()) as { refreshToken: string };
    expect(await send('POST', { url: '/v1/sessions/refresh', body: { refreshToken } }, undefined)).toBe(200);
    expect(await send('POST', { url: '/v1/sessions/refresh', body: {} }, undefined)).toBe(401);
  });
});
