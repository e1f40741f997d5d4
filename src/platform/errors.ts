/**
 * The one error type services throw. `code` decides the HTTP answer (see `statusOf`);
 * numeric codes are the established API's, strings are Liaison's own.
 */
export type ErrorCode =
  | 1000 | 1001 | 1002 | 1003 | 1004 | 1005 | 1006 | 1018 | 1033
  | 'validation_failed' | 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict'
  | 'login_taken' | 'has_children' | 'too_many_requests' | 'unsupported_media_type'
  | 'invalid_client' | 'unsupported_grant_type' | 'data_dir_locked' | 'database_unavailable'
  | 'contact_email_taken' | 'contact_user_taken' | 'already_activated' | 'nothing_pending'
  | 'token_invalid' | 'token_expired' | 'token_used' | 'token_revoked'
  | 'not_revocable';

const statusByCode: Record<string, number> = {
  1000: 500, 1001: 409, 1002: 403, 1003: 409, 1004: 409, 1005: 404, 1006: 409, 1018: 401, 1033: 401,
  validation_failed: 400, bad_request: 400, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409,
  login_taken: 409, has_children: 409, too_many_requests: 429, unsupported_media_type: 415,
  invalid_client: 401, unsupported_grant_type: 400, data_dir_locked: 500, database_unavailable: 503,
  contact_email_taken: 409, contact_user_taken: 409, already_activated: 409, nothing_pending: 404,
  token_invalid: 400, token_expired: 410, token_used: 410, token_revoked: 410,
  not_revocable: 400,
};

export interface AppErrorOptions {
  domain?: string;
  info?: string;
  context?: Record<string, unknown>;
  /** Extra response headers (e.g. Retry-After). */
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly status: number;
  constructor(readonly code: ErrorCode, message: string, readonly options: AppErrorOptions = {}) {
    super(message);
    this.name = 'AppError';
    this.status = statusByCode[String(code)] ?? 500;
  }
}

export const notFound = (what: string, code: ErrorCode = 'not_found') =>
  new AppError(code, `${what} not found`, { domain: 'AccountServer' });

export const versionMismatch = (current?: number) =>
  new AppError(1001, 'Version mismatch: the object was changed by someone else; read it again', {
    domain: 'AccountServer',
    context: current === undefined ? {} : { current_version: current },
  });

export const invalidField = (field: string, message: string) =>
  new AppError('validation_failed', `${field}: ${message}`, { domain: 'validation', info: field, context: { fields: [field] } });
