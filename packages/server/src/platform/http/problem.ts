import type { Problem } from '@aurora/sdk';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AuroraError, type ErrorCode, errorCatalogue, PROBLEM_TYPE_BASE } from './errors.js';

/** Builds the problem document of an error. */
export function toProblem(error: AuroraError, instance?: string): Problem {
  return {
    type: `${PROBLEM_TYPE_BASE}${error.code
      .toLowerCase()
      .replace(/^aurora_/, '')
      .replaceAll('_', '-')}`,
    title: error.title,
    status: error.status,
    code: error.code,
    ...(error.detail ? { detail: error.detail } : {}),
    ...(instance ? { instance } : {}),
    ...(error.field ? { field: error.field } : {}),
    ...(error.errors && error.errors.length > 0 ? { errors: error.errors.map((e) => ({ ...e })) } : {}),
  };
}

/** Turns an AJV path like `/facts/os/platform` or `body/facts` into `facts.os.platform`. */
function fieldOf(error: FastifyError): string | undefined {
  const v = error.validation?.[0];
  if (!v) return undefined;
  const base = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const missing = (v.params as { missingProperty?: string }).missingProperty;
  const extra = (v.params as { additionalProperty?: string }).additionalProperty;
  const leaf = missing ?? extra;
  const path = leaf ? (base ? `${base}.${leaf}` : leaf) : base;
  const where = error.validationContext && error.validationContext !== 'body' ? error.validationContext : '';
  return [where, path].filter(Boolean).join('.') || where || undefined;
}

/**
 * A schema failure of a label map (a property named `labels` in the
 * contract) as AURORA_LABEL_LIMIT naming the limit of `LABEL_LIMITS` it
 * broke, so every way in words label limits alike.
 */
function labelLimitError(error: FastifyError, field: string | undefined): AuroraError | undefined {
  const v = error.validation?.[0] as
    | { keyword: string; instancePath: string; params: { limit?: number }; propertyName?: string }
    | undefined;
  if (!v || field === undefined) return undefined;
  const limit = v.params.limit;
  const path = v.instancePath.split('/');
  if (path.at(-1) === 'labels' && v.keyword === 'maxProperties') {
    return new AuroraError(
      'AURORA_LABEL_LIMIT',
      `${field}: more than maxLabels=${limit} labels; drop some labels`,
      field,
    );
  }
  if (path.at(-1) === 'labels' && v.keyword === 'maxLength' && v.propertyName !== undefined) {
    const name = v.propertyName;
    return new AuroraError(
      'AURORA_LABEL_LIMIT',
      `${field}: label name "${name.slice(0, 80)}${name.length > 80 ? '...' : ''}" is ${name.length} characters, more than maxNameLength=${limit}`,
      field,
    );
  }
  if (path.at(-2) === 'labels' && v.keyword === 'maxLength') {
    return new AuroraError(
      'AURORA_LABEL_LIMIT',
      `${field}: label value is longer than maxValueLength=${limit} characters`,
      field,
    );
  }
  return undefined;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'AURORA_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'AURORA_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'AURORA_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'AURORA_VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'AURORA_VALIDATION_FAILED',
};

/** Maps any thrown value to an {@link AuroraError}; unknown errors become AURORA_INTERNAL. */
export function normaliseError(error: unknown): AuroraError {
  if (error instanceof AuroraError) return error;
  const e = error as FastifyError;
  if (e?.validation) {
    const field = fieldOf(e);
    const label = labelLimitError(e, field);
    if (label) return label;
    const message = e.validation[0]?.message ?? 'is invalid';
    return new AuroraError('AURORA_VALIDATION_FAILED', `${field ?? 'request'}: ${message}`, field);
  }
  const mapped = e?.code ? FASTIFY_CODES[e.code] : undefined;
  if (mapped) return new AuroraError(mapped, e.message);
  if (e?.statusCode === 400 && e.message && /JSON/i.test(e.message)) {
    return new AuroraError('AURORA_VALIDATION_FAILED', `body: ${e.message}`, 'body');
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const byStatus = (Object.keys(errorCatalogue) as ErrorCode[]).find(
      (c) => errorCatalogue[c].status === e.statusCode,
    );
    return new AuroraError(byStatus ?? 'AURORA_BAD_REQUEST', e.message);
  }
  return new AuroraError('AURORA_INTERNAL', 'the server failed to handle the request; see its log');
}

/** Longest path a problem document repeats; a longer one is cut, so a huge URL is not echoed back. */
export const MAX_ECHOED_PATH = 200;

/** The path of a URL without its query, cut to {@link MAX_ECHOED_PATH} characters. */
export function shortPath(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path.length > MAX_ECHOED_PATH ? `${path.slice(0, MAX_ECHOED_PATH)}...` : path;
}

/** Fastify error handler answering `application/problem+json`. */
export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const aurora = normaliseError(error);
  if (aurora.status >= 500) request.log.error({ err: error }, 'request failed');
  if (aurora.retryAfterSeconds !== undefined)
    reply.header('retry-after', String(Math.max(1, aurora.retryAfterSeconds)));
  return reply
    .code(aurora.status)
    .type('application/problem+json')
    .send(JSON.stringify(toProblem(aurora, shortPath(request.url))));
}
