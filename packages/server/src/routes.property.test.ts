/**
 * One property test per registered route, built from Fastify's route table
 * (not a hand list) and each route's own schemas: bodies, query strings and
 * path parameters the schema accepts must succeed (2xx); mutations the
 * schema refuses, and requests without valid credentials, must answer 4xx
 * problem+json and leave every table of the store as it was; nothing may
 * answer 5xx. A route added later is exercised the moment it is registered:
 * if what its schema accepts does not succeed (it needs a fixture or a
 * refinement below), this test fails until it is covered.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { type RegisteredRoute, registeredRoutes } from './platform/http/app.js';
import { validatorFactory } from './platform/http/validation.js';
import { rowsOf } from './platform/store/engine.js';
import { incidentAlerts } from './platform/store/schema.js';
import { encodeWriteRequest } from './telemetry/remote-write/proto.js';
import { joinNode, startTestServer } from './testing/harness.js';
import { insertFiringAlert, runAwaitingApproval } from './testing/healing-fixture.js';
import { mutate, type Refs, type Schema, validArbitrary } from './testing/schema-arbitrary.js';

/**
 * Runs per route and kind; small, so the file stays well under a minute on a loaded two-core machine.
 * AURORA_TEST_PROPERTY_RUNS raises the valid runs for a deeper search by hand.
 */
const VALID_RUNS = Number(process.env.AURORA_TEST_PROPERTY_RUNS ?? 5);
const INVALID_RUNS = 8;

const consoleDir = mkdtempSync(path.join(os.tmpdir(), 'aurora-console-'));
mkdirSync(path.join(consoleDir, 'assets'));
writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
const server = await startTestServer({ consoleDir });
afterAll(async () => {
  await server.close();
  rmSync(consoleDir, { recursive: true, force: true });
});

const refs: Refs = new Map(
  Object.values(server.app.getSchemas() as Record<string, Schema>).map((s) => [String(s.$id), s] as const),
);
/** The server's own validator compiler, so "valid" means what the server means. */
const compile = (validatorFactory as unknown as (ext: unknown) => (input: object) => (data: unknown) => unknown)(
  server.app.getSchemas(),
);
function accepts(route: RegisteredRoute, part: 'body' | 'querystring' | 'params', schema: Schema, data: unknown) {
  const validate = compile({ schema, method: route.method, url: route.url, httpPart: part });
  return validate(structuredClone(data)) === true;
}

let unique = 0;
const agent = await joinNode(server, 'prop-agent');
const TARGET = 'prop-target';
/** A user the session routes log in as; its password never changes (a change sets the same one again). */
const PROP_USER = 'prop-user';
const PROP_PASSWORD = 'prop-user-password';
await server.app.inject({
  method: 'POST',
  url: '/v1/users',
  headers: server.admin,
  payload: { name: PROP_USER, password: PROP_PASSWORD, roles: ['viewer'] },
});
async function propLogin(): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/v1/sessions',
    payload: { name: PROP_USER, password: PROP_PASSWORD, refreshIn: 'body' },
  });
  return res.json();
}

/**
 * Values for path parameters, by the path up to the parameter: a route with a
 * parameter not listed here fails until one is added.
 */
const pathFixtures: Record<string, () => Promise<string>> = {
  async '/v1/nodes/:name'() {
    if (!(await server.store.nodes.byName(TARGET))) await joinNode(server, TARGET);
    return TARGET;
  },
  async '/v1/tokens/:id'() {
    const res = await server.app.inject({ method: 'POST', url: '/v1/tokens', headers: server.admin, payload: {} });
    return res.json().id;
  },
  async '/v1/api-tokens/:id'() {
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/api-tokens',
      headers: server.admin,
      payload: { name: `fixture-${++unique}`, roles: ['viewer'] },
    });
    return res.json().id;
  },
  async '/v1/users/:id'() {
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: server.admin,
      payload: { name: `fixture-${++unique}`, password: PROP_PASSWORD, roles: ['viewer'] },
    });
    return res.json().id;
  },
  async '/v1/alert-rules/:id'() {
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/alert-rules',
      headers: server.admin,
      payload: { name: `fixture-${++unique}`, selector: 'cpu_usage_pct', op: '>', value: 90, for: '5m' },
    });
    return res.json().id;
  },
  async '/v1/silences/:id'() {
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/silences',
      headers: server.admin,
      payload: { matchers: { node: TARGET }, duration: '1h', comment: 'fixture' },
    });
    return res.json().id;
  },
  async '/v1/services/:name'() {
    await server.app.inject({
      method: 'PUT',
      url: '/v1/services/prop-svc',
      headers: server.admin,
      payload: { backends: [{ node: TARGET, port: 8080 }] },
    });
    return 'prop-svc';
  },
  async '/v1/alerts/:id'() {
    // Alerts come from detection and rules, not from the API; a firing one is written as the alerter writes it.
    return insertFiringAlert(server, {
      id: `fixture-alert-${++unique}`,
      node: TARGET,
      metric: 'cpu_usage_pct',
      source: 'rule',
      labels: {},
    });
  },
  async '/v1/playbooks/:name'() {
    await server.app.inject({
      method: 'PUT',
      url: '/v1/playbooks/prop-playbook',
      headers: server.admin,
      payload: { yaml: 'trigger:\n  alert: { metric: cpu_usage_pct }\nsteps:\n  - action: drain\n  - wait: 1m\n' },
    });
    return 'prop-playbook';
  },
  async '/v1/policies/:id'() {
    // A fresh document with two versions, so diffs, rollbacks and deletions all have something to act on.
    const id = `prop-policy-${++unique}`;
    for (const action of ['node.get', 'node.list']) {
      await server.app.inject({
        method: 'PUT',
        url: `/v1/policies/${id}`,
        headers: server.admin,
        payload: {
          text: `permit (principal in Aurora::Role::"viewer", action == Aurora::Action::"${action}", resource);`,
        },
      });
    }
    return id;
  },
  async '/v1/policies/:id/versions/:version'() {
    return '1';
  },
  async '/v1/runs/:id'() {
    // Runs are started by the control plane, not the API: one of a workflow defined here.
    const workflows = server.healing.workflows;
    if (!workflows.has('prop-run')) workflows.define({ name: 'prop-run', steps: [{ kind: 'wait', name: 'w', ms: 1 }] });
    return (await workflows.start('prop-run', { n: ++unique })).run.id;
  },
  async '/v1/incidents/:id'() {
    // Incidents come from alerts: a firing alert is written, then the incident controller groups it.
    const alertId = await pathFixtures['/v1/alerts/:id']!();
    await server.healing.incidents.group();
    const [row] = await server.store.db
      .select({ id: incidentAlerts.incidentId })
      .from(incidentAlerts)
      .where(eq(incidentAlerts.alertId, alertId));
    if (!row) throw new Error('the fixture alert was not grouped into an incident');
    return row.id;
  },
};

type Gen = fc.GeneratorValue;
interface Request {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, unknown> | undefined;
  body: unknown;
  raw?: { bytes: Uint8Array; headers: Record<string, string> };
  headers: Record<string, string>;
}

const timeArgs = (g: Gen) => {
  const to = server.clock.now() + g(() => fc.integer({ min: -3_600_000, max: 3_600_000 }));
  return {
    from: String(to - g(() => fc.integer({ min: 1000, max: 86_400_000 }))),
    to: String(to),
    step: g(() => fc.constantFrom('15s', '1m', '1h', '30000')),
  };
};
const promName = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/);
const promLabel = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,20}$/);

/**
 * What a schema cannot say, by route: fixtures in bodies (a live join token),
 * values with a grammar of their own (selectors, time ranges), and bodies
 * that are not JSON. Each refines a request its schema already accepts.
 */
const refinements: Record<string, (r: Request, g: Gen) => Promise<void> | void> = {
  async 'POST /v1/join'(r) {
    const body = r.body as { token: string; name: string };
    const created = await server.app.inject({ method: 'POST', url: '/v1/tokens', headers: server.admin, payload: {} });
    body.token = created.json().token;
    body.name = `${body.name.slice(0, 50)}-${++unique}`;
  },
  'POST /v1/sessions'(r) {
    Object.assign(r.body as object, { name: PROP_USER, password: PROP_PASSWORD });
  },
  async 'POST /v1/sessions/refresh'(r) {
    (r.body as { refreshToken?: string }).refreshToken = (await propLogin()).refreshToken;
  },
  async 'PUT /v1/me/password'(r) {
    // Only a user has a password: the request is the logged-in user's, setting the same password again.
    r.headers = { authorization: `Bearer ${(await propLogin()).accessToken}` };
    Object.assign(r.body as object, { currentPassword: PROP_PASSWORD, newPassword: PROP_PASSWORD });
  },
  'POST /v1/users'(r) {
    const body = r.body as { name: string };
    body.name = `${body.name.slice(0, 50)}-${++unique}`;
  },
  'GET /v1/events'(r) {
    // Valid requests carry the bearer token; tickets have their own test (sse.test.ts).
    delete (r.query as { ticket?: string }).ticket;
  },
  'POST /v1/agent/heartbeat'(r) {
    const body = r.body as { batches: { id: string }[] };
    body.batches.forEach((b, i) => {
      b.id = `${b.id.slice(0, 50)}-${++unique}-${i}`;
    });
  },
  async 'GET /v1/nodes'(r) {
    const q = r.query as { label?: string | string[]; cursor?: string; sort?: string; order?: string };
    if (q.label !== undefined) q.label = [q.label].flat().map((v) => `k${v.replaceAll('=', '')}=${v}`);
    if (q.cursor !== undefined) {
      // A cursor is the `next` of an earlier page with the same sort and order.
      const first = new URLSearchParams({
        limit: '1',
        ...(q.sort ? { sort: q.sort } : {}),
        ...(q.order ? { order: q.order } : {}),
      });
      const page = await server.app.inject({ method: 'GET', url: `/v1/nodes?${first}`, headers: server.admin });
      const next = page.json().next;
      if (typeof next === 'string') q.cursor = next;
      else delete q.cursor;
    }
  },
  'POST /v1/nodes/:name/actions'(r, g) {
    // Ids are idempotency keys: a fresh one each time (an id taken by another action is a 409 by design).
    const body = r.body as { id?: string; timeout?: string };
    if (body.id !== undefined) body.id = `${body.id.slice(0, 60)}-${++unique}`;
    if (body.timeout !== undefined) body.timeout = g(() => fc.constantFrom('1s', '90s', '5m', '24h'));
  },
  'GET /v1/nodes/:name/metrics'(r, g) {
    Object.assign(r.query as object, timeArgs(g));
  },
  'GET /v1/query_range'(r, g) {
    const q = r.query as { match: string };
    const value = g(() => fc.string({ maxLength: 10 })).replace(/["\\]/g, '');
    q.match = `${g(() => promName)}{${g(() => promLabel)}!="${value}"}`;
    Object.assign(q, timeArgs(g));
  },
  'GET /v1/forecast'(r, g) {
    const q = r.query as { match: string };
    q.match = `${g(() => promName)}{${g(() => promLabel)}!=""}`;
    Object.assign(q, timeArgs(g));
  },
  'GET /v1/audit/verify'(r, g) {
    const q = r.query as { publicKey?: string };
    if (q.publicKey === undefined) return;
    // A valid key is any PEM Ed25519 public key (one that signed nothing verifies nothing), or none.
    if (g(() => fc.boolean())) delete q.publicKey;
    else q.publicKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  },
  'PUT /v1/services/:name'(r) {
    // Exactly one of node or address per backend, none listed twice (the route says so in words).
    const body = r.body as { backends: { node?: string; address?: string; port: number }[] };
    body.backends.forEach((b, i) => {
      if (b.node !== undefined) delete b.address;
      else b.address ??= `backend-${i}.example`;
      b.port = i + 1;
    });
  },
  'PUT /v1/playbooks/:name'(r, g) {
    // The body is YAML text with a grammar of its own: generate a valid playbook and send it as YAML.
    const steps = g(() =>
      fc.array(
        fc.oneof(
          fc.constantFrom('cordon', 'drain', 'uncordon').map((action) => ({ action })),
          fc.constantFrom('1s', '2m', '1h').map((wait) => ({ wait })),
          fc.constantFrom('30s', '10m').map((within) => ({ verify: 'alert-resolved', within })),
        ),
        { minLength: 1, maxLength: 6 },
      ),
    );
    const approval = g(() =>
      fc.option(
        fc.record({
          levels: fc.array(
            fc.record({
              roles: fc.constantFrom(['operator'], ['admin', 'operator']),
              teams: fc.constantFrom(['payments'], ['a', 'b']),
              required: fc.integer({ min: 1, max: 3 }),
            }),
            { minLength: 1, maxLength: 3 },
          ),
          expiresAfter: fc.constantFrom('1m', '30m', '24h'),
          onExpiry: fc.constantFrom('approve', 'reject'),
        }),
        { nil: undefined },
      ),
    );
    const spec = {
      trigger: { alert: { metric: g(() => promName), labels: { node: TARGET } } },
      steps,
      cooldown: '10m',
      ...(approval ? { approval } : {}),
    };
    r.body = { yaml: stringifyYaml(spec) };
  },
  async 'POST /v1/runs/:id/approvals'(r) {
    // Only a run waiting for approval takes a decision: one is made for each valid request.
    const id = await runAwaitingApproval(server, 'prop');
    r.params.id = id;
    r.path = `/v1/runs/${id}/approvals`;
  },
  'GET /v1/playbooks/:name/history'(r, g) {
    // The fixture playbook has one version; 0 < from, to <= 1.
    r.query = g(() => fc.constantFrom({}, { to: 1 }, { from: 1, to: 1 }));
  },
  'PUT /v1/policies/:id'(r, g) {
    // The body is Cedar text with a grammar of its own: a permit for a role, optionally limited to a node label.
    const role = g(() => fc.constantFrom('viewer', 'operator', 'auditor'));
    const action = g(() => fc.constantFrom('read', 'operate', 'node.get', 'metrics.query'));
    const team = g(() => fc.option(fc.stringMatching(/^[a-z0-9-]{0,12}$/), { nil: undefined }));
    const scope = team === undefined ? 'resource' : 'resource is Aurora::Node';
    const when = team === undefined ? '' : `\nwhen { resource.ownerTeam == "${team}" }`;
    r.body = {
      text: `permit (principal in Aurora::Role::"${role}", action in Aurora::Action::"${action}", ${scope})${when};`,
    };
  },
  'POST /v1/policies/:id/rollback'(r) {
    // The fixture document has versions 1 and 2.
    r.body = { version: 1 };
  },
  'GET /v1/policies/:id/diff'(r, g) {
    r.query = g(() => fc.constantFrom({}, { to: 1 }, { from: 0, to: 2 }, { from: 2, to: 1 }));
  },
  'POST /v1/alert-rules'(r, g) {
    const body = r.body as { name: string; selector: string; for: string };
    body.name = `${body.name.slice(0, 100)}-${++unique}`;
    body.selector = `${g(() => promName)}{${g(() => promLabel)}="${g(() => fc.stringMatching(/^[a-z0-9]{0,8}$/))}"}`;
    body.for = g(() => fc.constantFrom('10s', '5m', '24h'));
  },
  'POST /v1/silences'(r, g) {
    const body = r.body as { matchers: Record<string, string>; endsAt?: string; duration?: string };
    const values = Object.values(body.matchers).slice(0, 15);
    body.matchers = Object.fromEntries([['node', TARGET], ...values.map((v, i) => [`l${i}_${g(() => promLabel)}`, v])]);
    if (g(() => fc.boolean())) {
      delete body.endsAt;
      body.duration = g(() => fc.constantFrom('1m', '2h', '7d'));
    } else {
      delete body.duration;
      body.endsAt = new Date(server.clock.now() + g(() => fc.integer({ min: 60_000, max: 86_400_000 }))).toISOString();
    }
  },
  'POST /api/v1/write'(r, g) {
    const t = server.clock.now() + ++unique * 1000;
    const labels = g(() => fc.dictionary(promLabel, fc.string({ maxLength: 30 }), { maxKeys: 4 }));
    const values = g(() => fc.array(fc.double(), { minLength: 1, maxLength: 4 }));
    r.raw = {
      bytes: encodeWriteRequest({
        timeseries: [
          {
            labels: [
              { name: '__name__', value: `prop_write_${unique}` },
              ...Object.entries(labels).map(([name, value]) => ({ name, value })),
            ],
            samples: values.map((value, i) => ({ timestamp: t + i, value })),
          },
        ],
      }),
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
    };
  },
};

/**
 * Routes whose valid requests cannot succeed on this plain-HTTP server by design: each must answer the
 * problem named here, and the test named covers its success (over HTTPS with mutual TLS).
 */
const unavailableHere: Record<string, { code: string; successIn: string }> = {
  'POST /v1/agent/certificate': { code: 'AURORA_TLS_OFF', successIn: 'governance/pki/mtls.test.ts' },
};

/** Invalid requests of routes whose bodies are not JSON, so their schema cannot be mutated. */
const invalidRaw: Record<string, (g: Gen) => Request['raw']> = {
  'POST /api/v1/write'(g) {
    const name = g(() => fc.constantFrom('1bad', 'bad-name', '', 'ok{x}'));
    return {
      bytes: encodeWriteRequest({
        timeseries: [{ labels: [{ name: '__name__', value: name }], samples: [{ timestamp: 1, value: 1 }] }],
      }),
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
    };
  },
};

const key = (route: RegisteredRoute) => `${route.method === 'HEAD' ? 'GET' : route.method} ${route.url}`;
const schemaOf = (route: RegisteredRoute, part: 'body' | 'querystring' | 'params') =>
  (route.schema as Record<string, Schema | undefined> | undefined)?.[part];

function credentials(route: RegisteredRoute): Record<string, string> {
  if (route.auth === 'node') return { authorization: `Bearer ${agent.credential}` };
  if (route.auth === 'public' || route.auth === 'join') return {};
  return server.admin;
}

function pathOf(route: RegisteredRoute, params: Record<string, unknown>): string {
  return route.url.replace(/\*$/, '').replace(/:([A-Za-z0-9_]+)/g, (_, n: string) => {
    const v = params[n];
    return encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v ?? ''));
  });
}

async function validRequest(route: RegisteredRoute, g: Gen): Promise<Request> {
  const params: Record<string, string> = {};
  for (const match of route.url.matchAll(/:([A-Za-z0-9_]+)/g)) {
    const upTo = route.url.slice(0, (match.index ?? 0) + match[0].length);
    const fixture = pathFixtures[upTo];
    if (!fixture) throw new Error(`${key(route)}: no fixture for path parameter ${upTo}; add one to pathFixtures`);
    params[match[1] as string] = await fixture();
  }
  const qs = schemaOf(route, 'querystring');
  const body = schemaOf(route, 'body');
  const r: Request = {
    method: route.method,
    path: pathOf(route, params),
    params,
    query: qs ? (g(() => validArbitrary(qs, refs)) as Record<string, unknown>) : undefined,
    body: body ? g(() => validArbitrary(body, refs)) : undefined,
    headers: credentials(route),
  };
  await refinements[key(route)]?.(r, g);
  if (qs) expect(accepts(route, 'querystring', qs, r.query), 'generated query is valid').toBe(true);
  if (body) expect(accepts(route, 'body', body, r.body), 'generated body is valid').toBe(true);
  return r;
}

async function send(r: Request): Promise<{ status: number; type: string; text: string }> {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(r.query ?? {})) {
    for (const one of [v].flat()) search.append(k, typeof one === 'object' ? JSON.stringify(one) : String(one));
  }
  const qs = search.toString();
  const headers: Record<string, string> = { ...r.headers };
  let body: string | Uint8Array | undefined;
  if (r.raw) {
    body = r.raw.bytes;
    Object.assign(headers, r.raw.headers);
  } else if (r.body !== undefined) {
    body = JSON.stringify(r.body);
    headers['content-type'] = 'application/json';
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`${r.method} ${r.path}: no answer in 20 s`)), 20_000);
  const res = await fetch(`${server.url}${r.path}${qs ? `?${qs}` : ''}`, {
    method: r.method,
    headers,
    ...(body !== undefined ? { body } : {}),
    signal: controller.signal,
  });
  const type = res.headers.get('content-type') ?? '';
  // An event stream never ends: its status and type are the answer.
  if (type.startsWith('text/event-stream')) {
    controller.abort();
    clearTimeout(timer);
    return { status: res.status, type, text: '' };
  }
  const text = await res.text();
  clearTimeout(timer);
  return { status: res.status, type, text };
}

/**
 * Every table of the store, hashed in one statement, so a refused request can be shown to have written nothing.
 * The audit trail is left out: it records every request, refused ones included, by design.
 */
let fingerprintSql: ReturnType<typeof sql.raw> | undefined;
async function fingerprint(): Promise<Record<string, string>> {
  if (!fingerprintSql) {
    const tables = rowsOf<{ name: string }>(
      await server.store.db.execute(
        sql`select table_name as name from information_schema.tables
            where table_schema = current_schema() and table_type = 'BASE TABLE'
              and table_name not like 'audit\\_%' order by 1`,
      ),
    );
    fingerprintSql = sql.raw(
      tables
        .map(({ name }) => {
          const id = `"${name.replaceAll('"', '""')}"`;
          return `select '${name.replaceAll("'", "''")}' as name, count(*) || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as h from ${id} t`;
        })
        .join(' union all '),
    );
  }
  const rows = rowsOf<{ name: string; h: string }>(await server.store.db.execute(fingerprintSql));
  return Object.fromEntries(rows.map((r) => [r.name, r.h]));
}

function expectProblem(res: { status: number; type: string; text: string }, what: string, head: boolean) {
  expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
  expect(res.type, what).toContain('application/problem+json');
  // A HEAD answer has the headers of the GET answer and no body.
  if (!head) expect(JSON.parse(res.text).code, what).toMatch(/^AURORA_/);
}

const routes = registeredRoutes(server.app);

describe('every registered route, from its own schema', () => {
  it('the route table is the one the server serves', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.map(key)).toEqual(expect.arrayContaining(['POST /v1/agent/heartbeat', 'POST /api/v1/write']));
  });

  for (const route of routes) {
    const name = `${route.method} ${route.url}`;

    const unavailable = unavailableHere[key(route)];
    const validTitle = unavailable
      ? `${name}: what the schema accepts answers ${unavailable.code} on plain HTTP (success: ${unavailable.successIn})`
      : `${name}: what the schema accepts succeeds`;
    it(validTitle, async () => {
      await fc.assert(
        fc.asyncProperty(fc.gen(), async (g) => {
          const r = await validRequest(route, g);
          const res = await send(r);
          const what = `${name} ${JSON.stringify(r).slice(0, 500)} -> ${res.text.slice(0, 300)}`;
          if (unavailable) {
            expectProblem(res, what, false);
            expect(JSON.parse(res.text).code, what).toBe(unavailable.code);
            return;
          }
          expect(res.status, what).toBeLessThan(300);
          expect(res.status).toBeGreaterThanOrEqual(200);
        }),
        { numRuns: route.method === 'HEAD' ? 1 : VALID_RUNS, endOnFailure: true },
      );
    });

    const parts = (['body', 'querystring', 'params'] as const).filter((p) => schemaOf(route, p) !== undefined);
    const raw = invalidRaw[key(route)];
    const isPublic = route.auth === 'public' || route.auth === 'join';
    if (parts.length === 0 && !raw && isPublic) continue;

    it(`${name}: what it refuses answers 4xx problem+json and stores nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.gen(), async (g) => {
          const r = await validRequest(route, g);
          const choices = [...parts, ...(raw ? ['raw' as const] : []), ...(isPublic ? [] : ['credentials' as const])];
          const which = g(() => fc.constantFrom(...choices));
          const pick = (n: number) => g(() => fc.nat({ max: Math.max(0, n - 1) }));
          if (which === 'credentials') {
            r.headers = g(() => fc.constantFrom({}, { authorization: 'Bearer not-a-valid-token' }));
          } else if (which === 'raw' && raw) {
            r.raw = raw(g);
          } else if (which === 'params') {
            const schema = schemaOf(route, 'params') as Schema;
            const bad = mutate(schema, r.params, refs, pick) as Record<string, unknown> | null;
            const params = typeof bad === 'object' && bad !== null && !Array.isArray(bad) ? bad : {};
            // A path carries text only, and an empty segment routes elsewhere.
            const asText = Object.fromEntries(
              Object.keys(r.params).map((n) => [
                n,
                typeof params[n] === 'string' ? params[n] : JSON.stringify(params[n] ?? ''),
              ]),
            );
            fc.pre(Object.values(asText).every((v) => v !== '') && !accepts(route, 'params', schema, asText));
            r.path = pathOf(route, asText);
          } else if (which === 'querystring') {
            const schema = schemaOf(route, 'querystring') as Schema;
            const bad = mutate(schema, r.query, refs, pick);
            fc.pre(bad !== null && typeof bad === 'object' && !Array.isArray(bad));
            // The server sees text: judge the query as it will arrive.
            const asText = new URLSearchParams();
            for (const [k, v] of Object.entries(bad as object))
              for (const one of [v].flat())
                asText.append(k, typeof one === 'object' ? JSON.stringify(one) : String(one));
            const parsed: Record<string, string | string[]> = {};
            for (const [k, v] of asText) parsed[k] = k in parsed ? [parsed[k] as string, v].flat() : v;
            fc.pre(!accepts(route, 'querystring', schema, parsed));
            r.query = bad as Record<string, unknown>;
          } else {
            const schema = schemaOf(route, 'body') as Schema;
            r.body = mutate(schema, r.body, refs, pick);
            fc.pre(!accepts(route, 'body', schema, r.body));
          }
          const before = await fingerprint();
          const res = await send(r);
          expectProblem(res, `${name} (${which}) ${JSON.stringify(r).slice(0, 400)}`, route.method === 'HEAD');
          expect(await fingerprint(), `${name} (${which}) stored something`).toEqual(before);
        }),
        { numRuns: route.method === 'HEAD' ? 2 : INVALID_RUNS, endOnFailure: true },
      );
    });
  }
});
