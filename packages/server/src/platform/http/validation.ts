import { AjvCompiler, type ValidatorFactory } from '@fastify/ajv-compiler';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { stripUnknownFields } from './unknown-fields.js';

/** Ajv settings shared by every request part; `coerceTypes` is chosen per part. */
const AJV_OPTIONS = { removeAdditional: false, allErrors: false, useDefaults: true } as const;

/** Unknown body fields that validation removed, by the body object they were removed from. */
const unknownByBody = new WeakMap<object, string[]>();

type Validate = ((data: unknown, ctx?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };
type CompileInput = { schema: FastifySchema; method: string; url: string; httpPart?: string };
type Compile = (input: CompileInput) => Validate;
type ExternalSchemas = Record<string, unknown>;

/**
 * Builds Fastify's validator compiler with two Ajv instances: bodies are
 * JSON and are validated exactly as sent (`coerceTypes: false`, so `null`,
 * `false`, `[7]` or `"12"` where a number belongs is refused), while query
 * strings, path parameters and headers, which are text by nature, may still
 * parse numbers and repeat into arrays (`coerceTypes: 'array'`). A valid
 * body then loses the fields its schema does not declare, and their names
 * are kept for the `Warning` response header (see {@link unknownFieldsOf}).
 */
function buildValidator(externalSchemas: ExternalSchemas): Compile {
  const pool = AjvCompiler() as unknown as (schemas: ExternalSchemas, options: object) => Compile;
  const body = pool(externalSchemas, { customOptions: { ...AJV_OPTIONS, coerceTypes: false } });
  const text = pool(externalSchemas, { customOptions: { ...AJV_OPTIONS, coerceTypes: 'array' } });
  const refs = new Map<string, unknown>();
  for (const schema of Object.values(externalSchemas)) {
    const id = (schema as { $id?: unknown }).$id;
    if (typeof id === 'string') refs.set(id, schema);
  }
  return (input) => {
    if (input.httpPart !== 'body') return finiteOnly(text(input));
    const inner = body(input);
    const schema = input.schema;
    const wrapped: Validate = (data, ctx) => {
      const ok = inner(data, ctx);
      wrapped.errors = inner.errors;
      if (ok === true && data !== null && typeof data === 'object') {
        const unknown = stripUnknownFields(schema, data, refs);
        if (unknown.length > 0) unknownByBody.set(data, unknown);
      }
      return ok;
    };
    if (inner.schemaEnv !== undefined) wrapped.schemaEnv = inner.schemaEnv;
    return wrapped;
  };
}

/**
 * Ajv turns the text `Infinity` into a number and its `minimum`/`maximum`
 * checks let it through, so a query string could hand a handler a value no
 * SQL parameter accepts. Text parts are flat (query, params, headers), so
 * their own values and array items are all there is to look at.
 */
function finiteOnly(inner: Validate): Validate {
  const wrapped: Validate = (data, ctx) => {
    const ok = inner(data, ctx);
    wrapped.errors = inner.errors;
    if (ok !== true || data === null || typeof data !== 'object') return ok;
    for (const [key, value] of Object.entries(data)) {
      const items: unknown[] = Array.isArray(value) ? value : [value];
      if (items.some((item) => typeof item === 'number' && !Number.isFinite(item))) {
        wrapped.errors = [
          {
            instancePath: `/${key}`,
            schemaPath: '#/finite',
            keyword: 'type',
            params: {},
            message: 'must be a finite number',
          },
        ];
        return false;
      }
    }
    return ok;
  };
  if (inner.schemaEnv !== undefined) wrapped.schemaEnv = inner.schemaEnv;
  return wrapped;
}

/**
 * {@link buildValidator} as Fastify's `schemaController.compilersFactory.buildValidator`.
 * The upstream type declares the compiler's argument as a bare schema, though
 * Fastify passes `{ schema, method, url, httpPart }`, hence the cast.
 */
export const validatorFactory = buildValidator as unknown as ValidatorFactory;

/** Names (dotted paths such as `facts.isAdmin`) of the fields removed from a validated body. */
export function unknownFieldsOf(body: unknown): readonly string[] {
  return body !== null && typeof body === 'object' ? (unknownByBody.get(body) ?? []) : [];
}

/** At most this many fields are named one by one in `Warning` headers; the rest are counted. */
const MAX_WARNINGS = 20;
/** Longer field names are cut, so a megabyte-long key cannot make a megabyte-long header. */
const MAX_NAME = 120;

/** A field name as a quoted-string that any HTTP client accepts: printable ASCII, the rest escaped. */
function quoted(text: string): string {
  const cut = text.length > MAX_NAME ? `${text.slice(0, MAX_NAME)}...` : text;
  let out = '';
  for (const ch of cut) {
    const code = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else out += `\\u{${code.toString(16)}}`;
  }
  return out;
}

/**
 * The `Warning` header values (RFC 7234 code 299, as Kubernetes sends them)
 * that name unknown fields, e.g. `299 - "unknown field \"isAdmin\""`.
 */
export function unknownFieldWarnings(fields: readonly string[]): string[] {
  const out = fields.slice(0, MAX_WARNINGS).map((f) => `299 - "unknown field \\"${quoted(f)}\\""`);
  if (fields.length > MAX_WARNINGS) out.push(`299 - "and ${fields.length - MAX_WARNINGS} more unknown fields"`);
  return out;
}

/** Installs the validator compiler's counterpart: valid bodies with unknown fields answer with `Warning` headers. */
export function installUnknownFieldWarnings(app: FastifyInstance): void {
  app.addHook('preHandler', async (request, reply) => {
    const fields = unknownFieldsOf(request.body);
    if (fields.length > 0) reply.header('warning', unknownFieldWarnings(fields));
  });
}
