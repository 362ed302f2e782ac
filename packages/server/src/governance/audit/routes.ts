import {
  AuditCheckpointList,
  AuditEntryPage,
  AuditPageQuery,
  AuditVerification,
  AuditVerifyQuery,
  Problem,
} from '@aurora/sdk';
import type { FastifyInstance } from 'fastify';
import { AuroraError } from '../../platform/http/errors.js';
import type { AuditLog } from './audit-log.js';
import { readPublicKey } from './chain.js';

const errors = { 400: Problem, 401: Problem, 403: Problem };
const security = [{ admin: [] }];

/** Audit routes: read entries and checkpoints, verify the chain. */
export async function registerAuditRoutes(app: FastifyInstance, audit: AuditLog): Promise<void> {
  app.get(
    '/v1/audit',
    {
      schema: {
        summary: 'Audit entries in chain order, each with its canonical text and hash',
        tags: ['governance'],
        security,
        querystring: AuditPageQuery,
        response: { 200: AuditEntryPage, ...errors },
      },
    },
    async (request) => {
      const q = request.query as AuditPageQuery;
      const limit = q.limit ?? 500;
      const items = await audit.read(q.after ?? 0, limit);
      return { items, next: items.length === limit ? (items[items.length - 1]?.seq ?? null) : null };
    },
  );

  app.get(
    '/v1/audit/checkpoints',
    {
      schema: {
        summary: 'Signed checkpoints of the audit chain, and the public key that signs them',
        tags: ['governance'],
        security,
        response: { 200: AuditCheckpointList, ...errors },
      },
    },
    async () => ({ items: await audit.checkpoints(), keyId: audit.keyId, publicKey: audit.publicKeyPem }),
  );

  app.get(
    '/v1/audit/verify',
    {
      schema: {
        summary: 'Recompute the audit chain and check every checkpoint signature; names the first broken entry',
        tags: ['governance'],
        security,
        querystring: AuditVerifyQuery,
        response: { 200: AuditVerification, ...errors },
      },
    },
    async (request) => {
      const q = request.query as AuditVerifyQuery;
      let key = audit.publicKey;
      if (q.publicKey) {
        try {
          key = readPublicKey(q.publicKey);
        } catch {
          throw new AuroraError(
            'AURORA_VALIDATION_FAILED',
            'publicKey: not an Ed25519 public key; pass the PEM from GET /v1/audit/checkpoints',
            'publicKey',
          );
        }
      }
      return { ...(await audit.verify(key)), keyId: audit.keyId };
    },
  );
}
