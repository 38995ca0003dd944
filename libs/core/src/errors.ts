/**
 * One error hierarchy for every service. Each kind maps to one HTTP status (problem.ts) and
 * to one Kafka outcome (retry or dead-letter). `cause` is always kept.
 */
export type ErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'rate_limited'
  | 'retryable'
  | 'permanent';

export interface FieldError {
  field: string;
  reason: string;
}

export const httpStatusOf: Record<ErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  retryable: 503,
  permanent: 500,
};

export class LmaError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: { cause?: unknown; errors?: FieldError[]; extra?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.errors = options.errors ?? [];
    this.extra = options.extra ?? {};
  }
  readonly errors: FieldError[];
  readonly extra: Record<string, unknown>;
}

export class ValidationError extends LmaError {
  constructor(errors: FieldError[], message = 'The request is invalid') {
    super('validation', message, { errors });
  }
}
export class UnauthenticatedError extends LmaError {
  constructor(message = 'Authentication is required') {
    super('unauthenticated', message);
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
  constructor(message: string, extra?: Record<string, unknown>) {
    super('conflict', message, extra ? { extra } : {});
  }
}
export class UnprocessableError extends LmaError {
  constructor(message: string, errors: FieldError[] = []) {
    super('unprocessable', message, { errors });
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
