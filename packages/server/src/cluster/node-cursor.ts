/**
 * The cursor of `GET /v1/nodes`: where the next page starts (the last row's sort value and
 * name) and the sort and order it belongs to, as base64url JSON. Opaque to clients; checked on
 * the way back in, so a cursor from another sort is refused instead of skipping or repeating rows.
 */
import type { NodeSortKey } from '@aurora/sdk';
import { AuroraError } from '../platform/http/errors.js';
import type { NodePagePosition } from '../platform/store/index.js';

type Order = 'asc' | 'desc';

const NUMERIC: ReadonlySet<NodeSortKey> = new Set(['lastHeartbeatAt', 'createdAt']);

/** The cursor for a page that ended at `position`. */
export function encodeNodeCursor(sort: NodeSortKey, order: Order, position: NodePagePosition): string {
  return Buffer.from(JSON.stringify([sort, order, position.value, position.name])).toString('base64url');
}

/**
 * Reads a cursor back for the given sort and order.
 * @throws AuroraError AURORA_INVALID_CURSOR naming the fix.
 */
export function decodeNodeCursor(cursor: string, sort: NodeSortKey, order: Order): NodePagePosition {
  const invalid = (why: string) =>
    new AuroraError(
      'AURORA_INVALID_CURSOR',
      `cursor: ${why}; pass the \`next\` of the previous page unchanged, with the same sort and order, or leave cursor out to start from the first page`,
      'cursor',
    );
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor of this API');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw invalid('not a cursor of this API');
  const [cSort, cOrder, value, name] = parsed as unknown[];
  if (cSort !== sort || cOrder !== order) {
    throw invalid(`it belongs to sort=${String(cSort)}&order=${String(cOrder)}, not sort=${sort}&order=${order}`);
  }
  const valueOk = NUMERIC.has(sort)
    ? typeof value === 'number' && Number.isSafeInteger(value)
    : typeof value === 'string' && value.length <= 1_024;
  if (!valueOk || typeof name !== 'string' || name.length > 1_024) throw invalid('not a cursor of this API');
  // PostgreSQL text cannot hold U+0000: a forged cursor with one would fail in SQL, not here.
  if (name.includes('\u0000') || (typeof value === 'string' && value.includes('\u0000'))) {
    throw invalid('not a cursor of this API');
  }
  return { value: value as string | number, name };
}
