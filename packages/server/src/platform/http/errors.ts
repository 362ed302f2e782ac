/**
 * The one error catalogue of the control plane. Codes are stable and never
 * reused; each maps to an HTTP status and a title. Every error answered by
 * the API is an RFC 9457 problem document carrying one of these codes.
 */
export const errorCatalogue = {
  AURORA_VALIDATION_FAILED: { status: 400, title: 'Request validation failed' },
  AURORA_BAD_REQUEST: { status: 400, title: 'Bad request' },
  AURORA_INVALID_CURSOR: { status: 400, title: 'Invalid page cursor' },
  AURORA_UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  AURORA_TOKEN_INVALID: { status: 401, title: 'Token invalid' },
  AURORA_TOKEN_EXPIRED: { status: 401, title: 'Access token expired' },
  AURORA_LOGIN_FAILED: { status: 401, title: 'Login failed' },
  AURORA_ACCOUNT_LOCKED: { status: 429, title: 'Account locked' },
  AURORA_TOO_MANY_FAILURES: { status: 429, title: 'Too many failed authentications' },
  AURORA_RATE_LIMITED: { status: 429, title: 'Rate limit exceeded' },
  AURORA_FORBIDDEN: { status: 403, title: 'Forbidden' },
  AURORA_APPROVAL_REQUIRED: { status: 403, title: 'Approval required' },
  AURORA_NOT_AN_APPROVER: { status: 403, title: 'Not an approver of this run' },
  AURORA_RUN_NOT_AWAITING_APPROVAL: { status: 409, title: 'Run not waiting for approval' },
  AURORA_ALREADY_DECIDED: { status: 409, title: 'Already decided' },
  AURORA_NOT_FOUND: { status: 404, title: 'Not found' },
  AURORA_NODE_NOT_FOUND: { status: 404, title: 'Node not found' },
  AURORA_TOKEN_NOT_FOUND: { status: 404, title: 'Join token not found' },
  AURORA_ALERT_NOT_FOUND: { status: 404, title: 'Alert not found' },
  AURORA_ALERT_RULE_NOT_FOUND: { status: 404, title: 'Alert rule not found' },
  AURORA_SILENCE_NOT_FOUND: { status: 404, title: 'Silence not found' },
  AURORA_ALERT_RULE_NAME_TAKEN: { status: 409, title: 'Alert rule name already taken' },
  AURORA_SERVICE_NOT_FOUND: { status: 404, title: 'Service not found' },
  AURORA_INCIDENT_NOT_FOUND: { status: 404, title: 'Incident not found' },
  AURORA_PLAYBOOK_NOT_FOUND: { status: 404, title: 'Playbook not found' },
  AURORA_RUN_NOT_FOUND: { status: 404, title: 'Workflow run not found' },
  AURORA_USER_NOT_FOUND: { status: 404, title: 'User not found' },
  AURORA_USER_NAME_TAKEN: { status: 409, title: 'User name already taken' },
  AURORA_NOT_A_USER: { status: 400, title: 'Only users have passwords and sessions' },
  AURORA_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  AURORA_NODE_NAME_TAKEN: { status: 409, title: 'Node name already taken' },
  AURORA_CONFLICT: { status: 409, title: 'Conflict' },
  AURORA_TLS_OFF: { status: 409, title: 'TLS is off' },
  AURORA_CERTIFICATE_INVALID: { status: 401, title: 'Client certificate refused' },
  AURORA_PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  AURORA_URI_TOO_LONG: { status: 414, title: 'URI too long' },
  AURORA_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  AURORA_SERIES_LIMIT: { status: 422, title: 'Series limit reached' },
  AURORA_LABEL_LIMIT: { status: 400, title: 'Label limit exceeded' },
  AURORA_SAMPLE_REJECTED: { status: 400, title: 'Sample rejected' },
  AURORA_MALFORMED_PAYLOAD: { status: 400, title: 'Malformed payload' },
  AURORA_POLICY_INVALID: { status: 400, title: 'Policy invalid' },
  AURORA_POLICY_NOT_FOUND: { status: 404, title: 'Policy not found' },
  AURORA_POLICY_LOCKOUT: { status: 409, title: 'Policy change would lock out policy management' },
  AURORA_NOT_LEADER: { status: 503, title: 'Not the leader' },
  AURORA_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
  AURORA_INTERNAL: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

/** A stable error code from {@link errorCatalogue}. */
export type ErrorCode = keyof typeof errorCatalogue;

/**
 * The error type of the control plane: a catalogue code plus a detail for
 * humans and, for validation errors, the request field at fault.
 *
 * @example
 * throw new AuroraError('AURORA_NODE_NOT_FOUND', `no node named "${name}"; list nodes with GET /v1/nodes`);
 */
export class AuroraError extends Error {
  readonly status: number;
  readonly title: string;
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly field?: string,
    /** Seconds the client should wait before trying again (sent as Retry-After). */
    readonly retryAfterSeconds?: number,
    /** The individual messages behind it (Cedar's, for a refused policy), each placed where known. */
    readonly errors?: readonly { message: string; document?: string; line?: number; column?: number }[],
  ) {
    super(detail ?? errorCatalogue[code].title);
    this.name = 'AuroraError';
    this.status = errorCatalogue[code].status;
    this.title = errorCatalogue[code].title;
  }
}

/** Base of the `type` URI of problem documents; each code gets its own fragment. */
export const PROBLEM_TYPE_BASE = 'https://aurora.dev/problems/';
