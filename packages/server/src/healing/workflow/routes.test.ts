import type { WorkflowRunDetail, WorkflowRunList } from '@aurora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../testing/engines.js';
import { startTestServer, type TestServer } from '../../testing/harness.js';

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`workflow runs in the API on ${engine.name}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ engine });
      server.healing.workflows.define<{ node: string }>({
        name: 'api-visible',
        steps: [
          { kind: 'task', name: 'pick', run: async (c) => `picked ${c.input.node}` },
          { kind: 'wait', name: 'settle', ms: 60_000 },
        ],
      });
    });
    afterAll(async () => server?.close());

    const get = (url: string) => server.app.inject({ method: 'GET', url, headers: server.admin });

    it('lists runs and shows each step as recorded, while the run waits on its timer', async () => {
      const { run } = await server.healing.workflows.start('api-visible', { node: 'web-1' }, 'api-visible-1');
      await server.healing.workflows.drain();
      const list = (await get('/v1/runs?workflow=api-visible')).json() as WorkflowRunList;
      expect(list.items.map((r) => [r.id, r.status, r.step])).toEqual([[run.id, 'waiting', 1]]);
      const detail = (await get(`/v1/runs/${run.id}`)).json() as WorkflowRunDetail;
      expect(detail).toMatchObject({ input: { node: 'web-1' }, outputs: { pick: 'picked web-1' } });
      expect(detail.steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
        ['pick', 'succeeded', 1],
        ['settle', 'waiting', 1],
      ]);
      expect(detail.steps[1]?.wakeAt).toBe(new Date(server.clock.now() + 60_000).toISOString());
    });

    it('an unknown run is a 404 naming the list route', async () => {
      const res = await get('/v1/runs/nope');
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({
        code: 'AURORA_RUN_NOT_FOUND',
        detail: expect.stringMatching(/GET \/v1\/runs/),
      });
    });
  });
}
