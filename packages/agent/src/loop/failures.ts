/**
 * Sorts failed requests into what the agent should do about them: retry soon
 * (the control plane is down or overloaded), or stop hammering and tell the
 * operator (the credential or the request itself was refused).
 */
import { AuroraApiError } from '@aurora/sdk';

/** How a failed request is handled. */
export type FailureKind = 'unreachable' | 'unauthorized' | 'rejected';

/**
 * `unreachable`: network errors, 5xx, 408 and 429 — back off and retry.
 * `unauthorized`: 401/403 — the credential or token is not accepted.
 * `rejected`: any other 4xx — the server will keep refusing this request.
 */
export function classifyFailure(error: unknown): FailureKind {
  if (!(error instanceof AuroraApiError)) return 'unreachable';
  if (error.status === 401 || error.status === 403) return 'unauthorized';
  if (error.status >= 500 || error.status === 408 || error.status === 429) return 'unreachable';
  return 'rejected';
}

/** A one-line description for logs, including the network cause `fetch` hides in `error.cause`. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/**
 * The wait the server asked for with Retry-After (a 429 from the rate limit, a 503 while it starts),
 * at most `limitMs` so a wrong header cannot park the agent for hours; undefined when it asked nothing.
 */
export function requestedWait(error: unknown, limitMs: number): number | undefined {
  if (!(error instanceof AuroraApiError) || error.retryAfterMs === undefined) return undefined;
  return Math.min(error.retryAfterMs, limitMs);
}
