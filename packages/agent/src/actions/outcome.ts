import type { AgentActionStatus } from '@aurora/sdk';

/** What an action handler returns: a status and structured details (never a bare string). */
export interface Outcome {
  status: AgentActionStatus;
  details: Record<string, unknown>;
}

/** Stable reason codes of refusals and failures. */
export type Reason =
  | 'invalid'
  | 'not-allowed'
  | 'outside-roots'
  | 'symlink-escape'
  | 'not-found'
  | 'unavailable'
  | 'interrupted'
  | 'error';

export function refused(reason: Reason, message: string, field?: string): Outcome {
  return { status: 'refused', details: { reason, message, ...(field ? { field } : {}) } };
}

export function failed(reason: Reason, message: string, extra: Record<string, unknown> = {}): Outcome {
  return { status: 'failed', details: { reason, message, ...extra } };
}

export function succeeded(details: Record<string, unknown>): Outcome {
  return { status: 'succeeded', details };
}

/** An operating-system error as a message with its code, for details. */
export function describeError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && 'message' in e) return e.code ? `${e.code}: ${e.message}` : String(e.message);
  return String(error);
}
