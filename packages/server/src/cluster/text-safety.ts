import { AuroraError } from '../platform/http/errors.js';

/** Path of the first string (key or value) containing U+0000, which PostgreSQL text and jsonb cannot store. */
export function findNulPath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'body' : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNulPath(value[i], path ? `${path}.${i}` : String(i));
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      if (k.includes('\u0000')) return at;
      const found = findNulPath(v, at);
      if (found) return found;
    }
  }
  return undefined;
}

/** Rejects a body with a NUL character before it reaches a shared batched write. */
export function assertStorableText(body: unknown): void {
  const field = findNulPath(body);
  if (field)
    throw new AuroraError('AURORA_VALIDATION_FAILED', `${field}: must not contain the NUL character (U+0000)`, field);
}
