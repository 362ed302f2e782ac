import type { Playbook, PlaybookHistory } from '@aurora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../testing/engines.js';
import { startTestServer, type TestServer } from '../../testing/harness.js';

const V1 = `description: hold a hot node out of traffic until it cools
trigger:
  alert: { metric: cpu_usage_pct, labels: { role: web } }
steps:
  - action: cordon
  - wait: 2m
  - verify: alert-resolved
    within: 10m
  - action: uncordon
cooldown: 10m
rateLimit: { max: 1, per: node, window: 10m }
`;
const V2 = V1.replace('  - wait: 2m\n', '  - wait: 5m\n');

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`playbooks on ${engine.name}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ engine });
    });
    afterAll(async () => server?.close());

    const put = (name: string, yaml: string) =>
      server.app.inject({ method: 'PUT', url: `/v1/playbooks/${name}`, headers: server.admin, payload: { yaml } });
    const get = async <T>(url: string) => {
      const res = await server.app.inject({ method: 'GET', url, headers: server.admin });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as T;
    };

    it('keeps every changed version, the same text keeps its version, and history diffs two of them', async () => {
      const first = await put('hot-node', V1);
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({
        name: 'hot-node',
        version: 1,
        spec: {
          trigger: { alert: { metric: 'cpu_usage_pct' } },
          steps: [{ action: 'cordon' }, { wait: '2m' }, {}, {}],
        },
      });
      expect((await put('hot-node', V1)).json().version).toBe(1);
      expect((await put('hot-node', V2)).json().version).toBe(2);
      expect(await get<Playbook>('/v1/playbooks/hot-node')).toMatchObject({ version: 2, yaml: V2 });
      const history = await get<PlaybookHistory>('/v1/playbooks/hot-node/history');
      expect(history).toMatchObject({ from: 1, to: 2 });
      expect(history.versions.map((v) => v.version)).toEqual([1, 2]);
      expect(history.diff.split('\n').filter((l) => !l.startsWith('  '))).toEqual(['-   - wait: 2m', '+   - wait: 5m']);
      const initial = await get<PlaybookHistory>('/v1/playbooks/hot-node/history?to=1');
      expect(initial.from).toBe(0);
      expect(initial.diff.split('\n').every((l) => l.startsWith('+ '))).toBe(true);
      const list = await get<{ items: Playbook[] }>('/v1/playbooks');
      expect(list.items.map((p) => [p.name, p.version])).toEqual([['hot-node', 2]]);
    });

    it.each([
      ['steps: [', /not valid YAML/],
      ['trigger: { alert: {} }\nsteps: [{ action: cordon }]', /trigger\.alert: must name at least one/],
      ['trigger: { alert: { metric: x } }\nsteps: [{ action: reboot }]', /steps\.0/],
      ['trigger: { alert: { metric: x } }\nsteps: [{ wait: soon }]', /steps\.0\.wait: "soon" must be a duration/],
      ['trigger: { alert: { metric: x } }\nsteps: [{ action: cordon }]\nshell: rm -rf /', /shell|additional/i],
      ['trigger: { alert: { metric: x } }\nsteps: []', /steps/],
    ])('refuses %j naming the field', async (yaml, detail) => {
      const res = await put('bad', yaml);
      expect(res.statusCode).toBe(400);
      expect(res.json().detail).toMatch(detail);
      expect(
        (await server.app.inject({ method: 'GET', url: '/v1/playbooks/bad', headers: server.admin })).statusCode,
      ).toBe(404);
    });

    it('an unknown version in a history request is a 400 naming the versions there are', async () => {
      const res = await server.app.inject({
        method: 'GET',
        url: '/v1/playbooks/hot-node/history?from=7',
        headers: server.admin,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().detail).toMatch(/versions 1 to 2/);
    });
  });
}
