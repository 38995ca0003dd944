/**
 * One error hierarchy for every service. Each kind maps to one Kafka outcome (retry or
 * dead-letter); each error names the kind of problem it is (PROBLEM_TYPES), which gives its HTTP
 * status and problem `type`. `cause` is always kept.
 */
export type ErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'unprocessable'
  | 'rate_limited'
  | 'retryable'
  | 'permanent';

export interface FieldError {
  field: string;
  reason: string;
}

/**
 * Every kind of problem the API reports, by name: its `type` is `PROBLEM_TYPE_BASE` + name, and
 * docs/problems.md has a section (anchor) of that name. A type is a kind of problem a client may
 * handle on its own (not a status: a 409 may be a license that cannot be modified or a lead that is
 * not open); `example` is a typical `detail`.
 */
export const PROBLEM_TYPES = {
  validation: { status: 400, title: 'Invalid request', example: 'The request is invalid' },
  unauthenticated: { status: 401, title: 'Authentication required', example: 'The bearer token has expired' },
  'permission-denied': { status: 403, title: 'Permission denied', example: 'Missing permission licenses:edit' },
  'not-found': { status: 404, title: 'Not found', example: 'License lic_033000000000000AAA_00D000000000AAA was not found' },
  'unknown-operation': { status: 404, title: 'No such operation', example: 'No API operation at GET /api/v1/nothing; see /api/v1/openapi.json' },
  'method-not-allowed': { status: 405, title: 'Method not allowed', example: '/api/v1/api-keys allows GET, POST' },
  'request-timeout': { status: 408, title: 'Request timeout', example: 'The request was not received in time' },
  'already-exists': { status: 409, title: 'Already exists', example: 'Team member jane already exists' },
  'revision-conflict': { status: 409, title: 'Revision conflict', example: 'License L-000042 is at revision 7, not 6' },
  'license-not-modifiable': { status: 409, title: 'License not modifiable', example: "Uninstalled licenses can't be modified" },
  'no-seat-available': { status: 409, title: 'No seat available', example: 'All 10 seats of license L-000042 are taken (10 in use): revoke a seat or raise the seats first' },
  'lead-not-open': { status: 409, title: 'Lead not open', example: 'Lead lead_64b7f0c2a1d3e4f5a6b7c8d9 is Converted; only an open lead can be converted' },
  'onboarding-not-parked': { status: 409, title: 'Onboarding not parked', example: 'Onboarding onb:3f1c is completed; only a parked onboarding can be retried' },
  'refresh-not-retryable': { status: 409, title: 'Refresh not retryable', example: 'Only an incomplete refresh can be retried; rj_033000000000000AAA_3 is completed' },
  'notification-not-resendable': { status: 409, title: 'Notification not resendable', example: 'Notification n_0123456789abcdef0123456789abcdef is still being delivered' },
  'precondition-failed': { status: 412, title: 'Precondition failed', example: 'If-Match "6" does not match the current ETag "7"' },
  'payload-too-large': { status: 413, title: 'Payload too large', example: 'The request body is larger than 64 kB' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type', example: 'The request body must be application/json, not text/plain' },
  'license-rule-violated': { status: 422, title: 'License rule violated', example: 'A Trial license must expire within 90 days' },
  'invalid-lead-manager': { status: 422, title: 'Invalid lead manager', example: 'Team member jane cannot be a lead manager: the id names an inactive team member' },
  'unknown-account': { status: 422, title: 'Unknown account', example: 'Account account_64b7f0c2a1d3e4f5a6b7c8d9 does not exist' },
  'rate-limited': { status: 429, title: 'Rate limit exceeded', example: 'Rate limit exceeded; retry in 1 s' },
  'refresh-allowance-used': { status: 429, title: 'Weekly refresh allowance used', example: 'This package was refreshed less than 7 days ago; the next refresh is available at 2026-06-08T10:00:00.000Z' },
  'headers-too-large': { status: 431, title: 'Request header fields too large', example: 'The request line and headers are larger than 16 kB' },
  'internal-error': { status: 500, title: 'Internal error', example: 'An unexpected error occurred' },
  'service-unavailable': { status: 503, title: 'Service unavailable', example: 'The license service is unavailable: it cannot be reached' },
} as const satisfies Record<string, { status: number; title: string; example: string }>;
export type ProblemType = keyof typeof PROBLEM_TYPES;
/** Problem types of one status. */
export type ProblemOfStatus<S extends number> = { [K in ProblemType]: (typeof PROBLEM_TYPES)[K]['status'] extends S ? K : never }[ProblemType];

/** Where every problem type is documented: `<base><name>` (docs/problems.md, one section per name). */
export const PROBLEM_TYPE_BASE = 'https://lma.example/problems/';
export const problemTypeUri = (type: ProblemType): string => `${PROBLEM_TYPE_BASE}${type}`;

/** The problem of an error of each kind, unless the error names a more specific one. */
const DEFAULT_PROBLEM: Record<Exclude<ErrorKind, 'conflict' | 'unprocessable'>, ProblemType> = {
  validation: 'validation',
  unauthenticated: 'unauthenticated',
  forbidden: 'permission-denied',
  not_found: 'not-found',
  precondition_failed: 'precondition-failed',
  rate_limited: 'rate-limited',
  retryable: 'service-unavailable',
  permanent: 'internal-error',
};

interface ErrorOptions {
  cause?: unknown;
  errors?: FieldError[];
  extra?: Record<string, unknown>;
  problem?: ProblemType;
}

export class LmaError extends Error {
  /** Conflicts and refused changes always say which kind of problem they are. */
  constructor(kind: 'conflict' | 'unprocessable', message: string, options: ErrorOptions & { problem: ProblemType });
  constructor(kind: ErrorKind, message: string, options?: ErrorOptions);
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: ErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.errors = options.errors ?? [];
    this.extra = options.extra ?? {};
    this.problem = options.problem ?? DEFAULT_PROBLEM[kind as keyof typeof DEFAULT_PROBLEM];
  }
  readonly errors: FieldError[];
  readonly extra: Record<string, unknown>;
  readonly problem: ProblemType;
}

export class ValidationError extends LmaError {
  constructor(errors: FieldError[], message = 'The request is invalid') {
    super('validation', message, { errors });
  }
}

/** The schemes a 401 challenges the caller with (`WWW-Authenticate`). */
export type AuthScheme = 'Bearer' | 'ApiKey';
export interface AuthChallenge {
  /** The schemes this server accepts. */
  schemes: readonly AuthScheme[];
  /** The scheme of credentials that were given and refused (`error="invalid_token"`). */
  refused?: AuthScheme;
}

export class UnauthenticatedError extends LmaError {
  constructor(
    message = 'Authentication is required',
    readonly challenge: AuthChallenge = { schemes: ['Bearer'] },
    cause?: unknown,
  ) {
    super('unauthenticated', message, { cause });
  }
}
export class ForbiddenError extends LmaError {
  constructor(readonly missingPermission: string) {
    super('forbidden', `Missing permission ${missingPermission}`, { extra: { missingPermission } });
  }
}
export class NotFoundError extends LmaError {
  constructor(what: string) {
    super('not_found', `${what} was not found`);
  }
}
export class ConflictError extends LmaError {
  constructor(problem: ProblemOfStatus<409>, message: string, extra?: Record<string, unknown>) {
    super('conflict', message, { problem, ...(extra ? { extra } : {}) });
  }
}
/** 412: a precondition of the request (`If-Match`) does not hold for the resource as it is. */
export class PreconditionFailedError extends LmaError {
  constructor(message: string, extra?: Record<string, unknown>) {
    super('precondition_failed', message, extra ? { extra } : {});
  }
}
export class UnprocessableError extends LmaError {
  constructor(problem: ProblemOfStatus<422>, message: string, errors: FieldError[] = []) {
    super('unprocessable', message, { problem, errors });
  }
}
/** 415: a body that is not JSON, for an operation that takes one. */
export class UnsupportedMediaTypeError extends LmaError {
  constructor(contentType: string | undefined) {
    super('validation', `The request body must be application/json, not ${contentType ?? 'untyped'}`, { problem: 'unsupported-media-type' });
  }
}
export class RateLimitedError extends LmaError {
  constructor(readonly retryAfterSeconds: number, message = 'Too many requests') {
    super('rate_limited', message, { extra: { retryAfterSeconds } });
  }
}
/** Transient: the same input may succeed later (a broker or database hiccup). */
export class RetryableError extends LmaError {
  constructor(message: string, cause?: unknown) {
    super('retryable', message, { cause });
  }
}
/** The input can never be processed; Kafka consumers dead-letter it with this reason. */
export class PermanentError extends LmaError {
  constructor(message: string, options: { cause?: unknown; field?: string } = {}) {
    super('permanent', message, { cause: options.cause, ...(options.field ? { errors: [{ field: options.field, reason: message }] } : {}) });
  }
}

const TRANSIENT_MONGO = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoWaitQueueTimeoutError',
]);

/** True for failures worth retrying as they are: infrastructure, not input. */
export function isTransient(err: unknown): boolean {
  if (err instanceof RetryableError) return true;
  if (err instanceof LmaError) return false;
  if (!(err instanceof Error)) return false;
  if (TRANSIENT_MONGO.has(err.name)) return true;
  const anyErr = err as Error & { retriable?: boolean; hasErrorLabel?: (l: string) => boolean };
  if (typeof anyErr.hasErrorLabel === 'function' && anyErr.hasErrorLabel('RetryableWriteError')) return true;
  if (err.name.startsWith('KafkaJS') && anyErr.retriable === true) return true;
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|socket hang up/i.test(err.message);
}

/** Duplicate-key errors mean "already done" for idempotent inserts. */
export const isDuplicateKey = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
