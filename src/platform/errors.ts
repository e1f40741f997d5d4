/**
 * The error catalogue: every code with its HTTP status, declared once. Numeric codes are the
 * established API's, strings are Liaison's own. `ErrorCode` is derived from it, so a code
 * without a status does not compile (it used to fall through to a 500).
 */
const statusByCode = {
  1000: 500,
  1001: 409,
  1002: 403,
  1003: 409,
  1004: 409,
  1005: 404,
  1006: 409,
  1018: 401,
  1033: 401,
  validation_failed: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  login_taken: 409,
  has_children: 409,
  too_many_requests: 429,
  unsupported_media_type: 415,
  invalid_client: 401,
  unsupported_grant_type: 400,
  data_dir_locked: 500,
  database_unavailable: 503,
  contact_email_taken: 409,
  contact_user_taken: 409,
  already_activated: 409,
  nothing_pending: 404,
  token_invalid: 400,
  token_expired: 410,
  token_used: 410,
  token_revoked: 410,
  not_revocable: 400,
} as const satisfies Record<string | number, number>;

export type ErrorCode = keyof typeof statusByCode;

export interface AppErrorOptions {
  domain?: string;
  info?: string;
  context?: Record<string, unknown>;
  /** Extra response headers (e.g. Retry-After). */
  headers?: Record<string, string>;
}

/** The one error type services throw; its code decides the HTTP answer. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: AppErrorOptions = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = statusByCode[code];
  }
}

/** A 429 that says when to come back, in the Retry-After header and in context.retry_after. */
export const tooManyRequests = (message: string, retryAfter: number, domain: string) =>
  new AppError('too_many_requests', message, {
    domain,
    headers: { 'retry-after': String(retryAfter) },
    context: { retry_after: retryAfter },
  });

export const notFound = (what: string, code: ErrorCode = 'not_found') =>
  new AppError(code, `${what} not found`, { domain: 'AccountServer' });

export const versionMismatch = (current?: number) =>
  new AppError(1001, 'Version mismatch: the object was changed by someone else; read it again', {
    domain: 'AccountServer',
    context: current === undefined ? {} : { current_version: current },
  });

export const invalidField = (field: string, message: string) =>
  new AppError('validation_failed', `${field}: ${message}`, {
    domain: 'validation',
    info: field,
    context: { fields: [field] },
  });
