import { expect } from 'vitest';
import type { TestServer } from './harness.js';

/** An audit entry as GET /v1/audit carries it, parsed. */
export type AuditEntry = { seq: number; kind: string } & Record<string, unknown>;

/** Every entry of the chain through GET /v1/audit, page by page, oldest first. */
export async function auditEntries(server: TestServer): Promise<AuditEntry[]> {
  const all: AuditEntry[] = [];
  let after = 0;
  for (let page = 0; page < 100; page++) {
    const res = await server.app.inject({
      method: 'GET',
      url: `/v1/audit?limit=1000&after=${after}`,
      headers: server.admin,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: { entry: string }[]; next: number | null };
    all.push(...body.items.map((i) => JSON.parse(i.entry) as AuditEntry));
    if (body.next === null) return all;
    after = body.next;
  }
  throw new Error('more than 100 pages of audit entries');
}

/** The decisions `controller` recorded, in chain order. */
export async function controllerDecisions(server: TestServer, controller: string): Promise<AuditEntry[]> {
  return (await auditEntries(server)).filter(
    (e) => e.kind === 'controller.decision' && (e.actor as { id?: string } | undefined)?.id === controller,
  );
}

/** Fails unless GET /v1/audit/verify says the whole chain is intact. */
export async function expectChainIntact(server: TestServer): Promise<void> {
  const res = await server.app.inject({ method: 'GET', url: '/v1/audit/verify', headers: server.admin });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({ intact: true, firstBroken: null });
}
