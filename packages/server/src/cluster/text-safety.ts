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

/** Whether any string (key or value) contains U+0000; builds no paths, so a clean body costs one walk. */
function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) {
    for (const item of value) if (containsNul(item)) return true;
    return false;
  }
  if (value && typeof value === 'object') {
    for (const k in value) {
      if (k.includes('\u0000') || containsNul((value as Record<string, unknown>)[k])) return true;
    }
  }
  return false;
}

/** Rejects a body with a NUL character before it reaches a shared batched write. */
export function assertStorableText(body: unknown): void {
  // Paths are built only for the rare body that needs an error message.
  if (!containsNul(body)) return;
  const field = findNulPath(body);
  if (field)
    throw new AuroraError('AURORA_VALIDATION_FAILED', `${field}: must not contain the NUL character (U+0000)`, field);
}
