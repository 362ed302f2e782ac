import { diffLines, formatDiff } from '@aurora/core';
import { Playbook, PlaybookHistory, PlaybookList, PlaybookVersionsQuery, Problem, PutPlaybook } from '@aurora/sdk';
import { Type } from '@sinclair/typebox';
import { asc, desc, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { AuroraError } from '../../platform/http/errors.js';
import type { Db } from '../../platform/store/engine.js';
import { playbooks } from '../../platform/store/schema.js';
import { parsePlaybook } from './spec.js';

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };
const security = [{ admin: [] }];
const NameParams = Type.Object({
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'lower-case letters, digits and dashes' }),
});

type Row = typeof playbooks.$inferSelect;

function view(r: Row): Playbook {
  return {
    name: r.name,
    version: r.version,
    yaml: r.yaml,
    spec: r.spec as Playbook['spec'],
    createdAt: new Date(r.createdAt).toISOString(),
  };
}

/** The latest version of every playbook, by name. */
export async function latestPlaybooks(db: Db): Promise<Row[]> {
  return db
    .select()
    .from(playbooks)
    .where(sql`${playbooks.version} = (select max(p.version) from playbooks p where p.name = ${playbooks.name})`)
    .orderBy(asc(playbooks.name));
}

async function latest(db: Db, name: string): Promise<Row | undefined> {
  const [row] = await db
    .select()
    .from(playbooks)
    .where(eq(playbooks.name, name))
    .orderBy(desc(playbooks.version))
    .limit(1);
  return row;
}

const notFound = (name: string) =>
  new AuroraError('AURORA_PLAYBOOK_NOT_FOUND', `no playbook named "${name}"; list them with GET /v1/playbooks`);

/** Playbooks in YAML, every version kept, with line diffs between versions. */
export async function registerPlaybookRoutes(app: FastifyInstance, db: Db, now: () => number): Promise<void> {
  app.put(
    '/v1/playbooks/:name',
    {
      schema: {
        summary: 'Store a playbook (YAML); a changed text becomes a new version, the same text keeps the current one',
        tags: ['healing'],
        security,
        params: NameParams,
        body: PutPlaybook,
        response: { 200: Playbook, ...errors },
      },
    },
    async (request) => {
      const { name } = request.params as { name: string };
      const { yaml } = request.body as PutPlaybook;
      const spec = parsePlaybook(yaml);
      for (let attempt = 0; attempt < 3; attempt++) {
        const current = await latest(db, name);
        if (current && current.yaml === yaml) return view(current);
        const inserted = await db
          .insert(playbooks)
          .values({ name, version: (current?.version ?? 0) + 1, yaml, spec, createdAt: now() })
          .onConflictDoNothing()
          .returning();
        if (inserted[0]) return view(inserted[0]);
        // another writer took this version number: read again and go on from theirs
      }
      throw new AuroraError('AURORA_CONFLICT', `playbook "${name}" is being changed by others; try again`);
    },
  );

  app.get(
    '/v1/playbooks',
    {
      schema: {
        summary: 'The latest version of every playbook',
        tags: ['healing'],
        security,
        response: { 200: PlaybookList, ...errors },
      },
    },
    async () => ({ items: (await latestPlaybooks(db)).map(view) }),
  );

  app.get(
    '/v1/playbooks/:name',
    {
      schema: {
        summary: 'The latest version of one playbook',
        tags: ['healing'],
        security,
        params: NameParams,
        response: { 200: Playbook, ...errors },
      },
    },
    async (request) => {
      const { name } = request.params as { name: string };
      const row = await latest(db, name);
      if (!row) throw notFound(name);
      return view(row);
    },
  );

  app.get(
    '/v1/playbooks/:name/history',
    {
      schema: {
        summary: "A playbook's versions and a line diff between two of them (default: the last change)",
        tags: ['healing'],
        security,
        params: NameParams,
        querystring: PlaybookVersionsQuery,
        response: { 200: PlaybookHistory, ...errors },
      },
    },
    async (request) => {
      const { name } = request.params as { name: string };
      const q = request.query as PlaybookVersionsQuery;
      const all = await db.select().from(playbooks).where(eq(playbooks.name, name)).orderBy(asc(playbooks.version));
      const last = all.at(-1);
      if (!last) throw notFound(name);
      const to = q.to ?? last.version;
      const from = q.from ?? to - 1;
      const pick = (v: number, field: string) => {
        if (v === 0 && field === 'from') return '';
        const row = all.find((r) => r.version === v);
        if (!row) {
          throw new AuroraError(
            'AURORA_VALIDATION_FAILED',
            `${field}: playbook "${name}" has versions 1 to ${last.version}`,
            field,
          );
        }
        return row.yaml;
      };
      const diff = formatDiff(diffLines(pick(from, 'from'), pick(to, 'to')));
      return {
        name,
        versions: all.map((r) => ({ version: r.version, createdAt: new Date(r.createdAt).toISOString() })),
        from,
        to,
        diff,
      };
    },
  );
}
