import { diffLines, formatDiff } from '@aurora/core';
import {
  PolicyDiff,
  PolicyDiffQuery,
  PolicyId,
  PolicyVersion,
  PolicyVersionList,
  Problem,
  PutPolicy,
  RollbackPolicy,
  StoredPolicy,
  StoredPolicyList,
} from '@aurora/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AuroraError } from '../../platform/http/errors.js';
import type { Authorizer } from '../authz/authorizer.js';
import { notFound, type PolicyCatalog } from './catalog.js';
import { changeOf, type PolicyRepo, type PolicyVersionRow } from './policy-repo.js';

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };
const security = [{ admin: [] }];
const tags = ['governance'];
const IdParams = Type.Object({ id: PolicyId });
const VersionParams = Type.Object({ id: PolicyId, version: Type.Integer({ minimum: 1 }) });

function versionView(r: PolicyVersionRow): PolicyVersion {
  return {
    id: r.id,
    version: r.version,
    change: changeOf(r),
    fromVersion: r.fromVersion,
    author: r.author,
    createdAt: new Date(r.createdAt).toISOString(),
    text: r.text,
  };
}

/** Stored policy documents: every version kept, diffs between versions, rollback, and the set they make in force. */
export async function registerPolicyRoutes(
  app: FastifyInstance,
  deps: { repo: PolicyRepo; catalog: PolicyCatalog; authorizer: Authorizer },
): Promise<void> {
  const { repo, catalog, authorizer } = deps;
  const stored = (r: PolicyVersionRow): StoredPolicy => ({
    ...versionView(r),
    text: r.text ?? '',
    policies: authorizer.engine.policies.filter((p) => p.document === r.id),
  });
  const latestOrThrow = async (id: string) => {
    const row = await repo.latest(id);
    if (!row || row.text === null) throw notFound(id);
    return row;
  };

  app.get(
    '/v1/policies',
    {
      schema: {
        summary: 'The policy documents in force, each at its latest version',
        tags,
        security,
        response: { 200: StoredPolicyList, ...errors },
      },
    },
    async () => {
      await catalog.freshen();
      const { generation, rows } = await repo.active();
      const fallback = catalog.fallbackReason;
      return { items: rows.map(stored), generation, ...(fallback ? { fallback } : {}) };
    },
  );

  app.get(
    '/v1/policies/:id',
    {
      schema: {
        summary: 'The latest version of one policy document',
        tags,
        security,
        params: IdParams,
        response: { 200: StoredPolicy, ...errors },
      },
    },
    async (request) => stored(await latestOrThrow((request.params as { id: string }).id)),
  );

  app.put(
    '/v1/policies/:id',
    {
      schema: {
        summary:
          "Store Cedar policies as the next version of a document; refused with Cedar's messages when the set it makes does not validate",
        tags,
        security,
        params: IdParams,
        body: PutPolicy,
        response: { 200: StoredPolicy, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { row } = await catalog.put(id, (request.body as PutPolicy).text, request.principal);
      return stored(row);
    },
  );

  app.delete(
    '/v1/policies/:id',
    {
      schema: {
        summary: 'Take a policy document out of force (its versions stay; a rollback restores it)',
        tags,
        security,
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await catalog.remove((request.params as { id: string }).id, request.principal);
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/policies/:id/versions',
    {
      schema: {
        summary: 'Every version of a policy document, oldest first, deletions included',
        tags,
        security,
        params: IdParams,
        response: { 200: PolicyVersionList, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const rows = await repo.versions(id);
      if (rows.length === 0) throw notFound(id);
      return { items: rows.map(versionView) };
    },
  );

  app.get(
    '/v1/policies/:id/versions/:version',
    {
      schema: {
        summary: 'One version of a policy document',
        tags,
        security,
        params: VersionParams,
        response: { 200: PolicyVersion, ...errors },
      },
    },
    async (request) => {
      const { id, version } = request.params as { id: string; version: number };
      const row = await repo.version(id, version);
      if (!row) {
        throw new AuroraError(
          'AURORA_POLICY_NOT_FOUND',
          `policy "${id}" has no version ${version}; list them with GET /v1/policies/${id}/versions`,
        );
      }
      return versionView(row);
    },
  );

  app.get(
    '/v1/policies/:id/diff',
    {
      schema: {
        summary: 'A line diff between two versions of a policy document (default: its last change)',
        tags,
        security,
        params: IdParams,
        querystring: PolicyDiffQuery,
        response: { 200: PolicyDiff, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const q = request.query as PolicyDiffQuery;
      const all = await repo.versions(id);
      const last = all.at(-1);
      if (!last) throw notFound(id);
      const to = q.to ?? last.version;
      const from = q.from ?? to - 1;
      const textOf = (v: number, field: 'from' | 'to') => {
        if (v === 0 && field === 'from') return '';
        const row = all.find((r) => r.version === v);
        if (!row) {
          throw new AuroraError(
            'AURORA_VALIDATION_FAILED',
            `${field}: policy "${id}" has versions 1 to ${last.version}`,
            field,
          );
        }
        return row.text ?? '';
      };
      return { id, from, to, diff: formatDiff(diffLines(textOf(from, 'from'), textOf(to, 'to'))) };
    },
  );

  app.post(
    '/v1/policies/:id/rollback',
    {
      schema: {
        summary: 'Make the text of an earlier version the newest version (validated like a PUT)',
        tags,
        security,
        params: IdParams,
        body: RollbackPolicy,
        response: { 200: StoredPolicy, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { row } = await catalog.rollback(id, (request.body as RollbackPolicy).version, request.principal);
      return stored(row);
    },
  );
}
