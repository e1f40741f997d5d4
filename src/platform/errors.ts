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
  payload_too_large: 413,
  import_rejected: 422,
  invalid_client: 401,
  unsupported_grant_type: 400,
  data_dir_locked: 500,
  database_unavailable: 503,
  not_ready: 503,
  contact_email_taken: 409,
  contact_user_taken: 409,
  primary_contact_required: 409,
  own_admin_role_required: 409,
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

/**
 * Every situation the API answers with an error, declared once: its code (whose status is
 * above), its domain and its message. Services name the situation (`fail('self_delete')`), so a
 * text is written once however many places meet it, and an unknown situation does not compile.
 */
const situations = {
  // Tenants and access
  tenant_not_found: [1005, 'AccountServer', 'Tenant not found'],
  parent_not_found: [1005, 'AccountServer', 'Parent tenant not found'],
  read_only: [1002, 'AccountServer', 'Access denied: your role may read this tenant but not change it'],
  parent_disabled: [1003, 'AccountServer', 'The parent tenant is disabled'],
  tenant_name_taken: [1004, 'AccountServer', 'A tenant with this name already exists under the same parent'],
  tenant_enabled: [1006, 'AccountServer', 'Disable the tenant before deleting it'],
  tenant_has_children: ['has_children', 'AccountServer', 'The tenant still has tenants below it; delete those first'],
  own_tenant_disable: [
    1002,
    'AccountServer',
    'You cannot disable the tenant you administer from; ask its service provider',
  ],
  own_tenant_delete: [
    1002,
    'AccountServer',
    'You cannot delete the tenant you administer from; ask its service provider',
  ],
  version_mismatch: [1001, 'AccountServer', 'Version mismatch: the object was changed by someone else; read it again'],
  // Users, roles and clients
  user_not_found: ['not_found', 'AccountServer', 'User not found'],
  client_not_found: ['not_found', 'AccountServer', 'API client not found'],
  client_not_user: ['not_found', 'AccountServer', 'An API client is not a user; read its tenant instead'],
  login_taken: ['login_taken', 'AccountServer', 'This login is already taken'],
  login_not_found: ['not_found', 'AccountServer', 'No user has this login'],
  self_disable: [1002, 'AccountServer', 'You cannot disable yourself'],
  self_delete: [1002, 'AccountServer', 'You cannot delete yourself'],
  policy_listed_twice: ['conflict', 'AccountServer', 'The same access policy is listed twice'],
  own_admin_role_required: [
    'own_admin_role_required',
    'AccountServer',
    'You cannot remove your own last administrator role; another administrator must do it',
  ],
  // Contacts and their addresses
  contact_not_found: ['not_found', 'AccountServer', 'Contact not found'],
  contact_user_taken: ['contact_user_taken', 'contacts', 'This user is already a contact of this tenant'],
  primary_contact_required: [
    'primary_contact_required',
    'contacts',
    "This is the tenant's primary contact of a type other contacts have: make another of them primary first",
  ],
  contact_email_taken: [
    'contact_email_taken',
    'contacts',
    'Another contact of this tenant already uses this email address',
  ],
  contact_email_taken_meanwhile: [
    'contact_email_taken',
    'contacts',
    'Another contact of this tenant took this address meanwhile; ask for the change again',
  ],
  nothing_pending: ['nothing_pending', 'confirmations', 'No email change is waiting for confirmation'],
  // Contact import
  import_too_large: [
    'payload_too_large',
    'contacts',
    'An import may be at most 20 MB: split the file into parts of at most 20 MB',
  ],
  import_too_many_rows: [
    'payload_too_large',
    'contacts',
    'An import may hold at most 100,000 rows: split the file into parts of at most 100,000 rows',
  ],
  import_not_csv: ['bad_request', 'contacts', 'The CSV could not be read'],
  import_rejected: [
    'import_rejected',
    'contacts',
    'Some rows have errors, so nothing was written: correct them, or send on_error=skip to apply the other rows',
  ],
  // Opt-outs (one-click unsubscribe): an invalid link says nothing of why (forged, unknown, malformed)
  unsubscribe_link_invalid: ['not_found', 'opt-outs', 'This unsubscribe link is not valid'],
  opt_out_nothing_to_ask: [
    'conflict',
    'opt-outs',
    'This contact has not opted out of notices (of this category): there is nothing to ask again',
  ],
  // Links
  token_invalid: [
    'token_invalid',
    'confirmations',
    'This link is not valid. Check that you opened the whole link from the message.',
  ],
  token_expired: ['token_expired', 'confirmations', 'This link has expired. Ask for a new one.'],
  token_used: ['token_used', 'confirmations', 'This link was already used.'],
  token_revoked: ['token_revoked', 'confirmations', 'This link was replaced by a newer one or cancelled.'],
  already_activated: ['already_activated', 'confirmations', 'This user has already activated its account'],
  // Notices and the mailbox
  announcement_not_found: ['not_found', 'AccountServer', 'Announcement not found'],
  announcer_not_provider: [
    1002,
    'announcements',
    'Only service providers and platform administrators send announcements',
  ],
  mandatory_root_only: [
    1002,
    'announcements',
    'Only platform administrators (who may change the root tenant) may make an announcement mandatory',
  ],
  announcement_not_scheduled: [
    'conflict',
    'announcements',
    'Only a scheduled announcement can be changed; this one has started or was cancelled',
  ],
  announcement_finished: ['conflict', 'announcements', 'The announcement is already done or cancelled'],
  announcement_not_draft: [
    'conflict',
    'announcements',
    'Only a draft can be sent or deleted this way; this announcement was already sent or scheduled: cancel it instead',
  ],
  announcement_not_yours: [
    1002,
    'announcements',
    'Only administrators of the tenant that sent this announcement, or of a tenant above it, may change or cancel it',
  ],
  mailbox_forbidden: [1002, 'AccountServer', 'Only administrators who may change the root tenant may read the mailbox'],
  // Webhooks
  webhook_not_found: ['not_found', 'webhooks', 'Webhook not found'],
  webhook_delivery_not_found: ['not_found', 'webhooks', 'Webhook delivery not found'],
  // Re-attestation
  attestation_campaign_not_found: ['not_found', 'attestation', 'Attestation campaign not found'],
  attestation_schedule_not_found: ['not_found', 'attestation', 'This tenant has no yearly attestation campaign'],
  attestation_answered: ['token_used', 'attestation', 'This question was already answered.'],
  attestation_closed: ['token_expired', 'attestation', 'This question has closed: the campaign ended unanswered.'],
  attestation_withdrawn: ['token_revoked', 'attestation', 'This question no longer applies: the contact was removed.'],
  // Signing in
  unauthorized: ['unauthorized', 'auth', 'Authentication required'],
  invalid_login: [1033, 'auth', 'Invalid login or password'],
  invalid_client: ['invalid_client', 'auth', 'Invalid client credentials'],
  user_disabled: [1018, 'auth', 'This user is disabled'],
  csrf_mismatch: ['forbidden', 'auth', 'Missing or wrong X-CSRF-Token header for this session'],
  sign_in_not_json: ['unsupported_media_type', 'auth', 'Send the sign-in as application/json'],
  basic_not_revocable: [
    'not_revocable',
    'auth',
    'HTTP Basic sends the password with every call, so there is no session to end: stop sending it, or change the password',
  ],
  unsupported_grant_type: ['unsupported_grant_type', 'validation', 'grant_type must be password or client_credentials'],
  // Requests and the machine
  body_not_json: ['bad_request', 'http', 'body is not valid JSON'],
  body_poisoned: ['bad_request', 'http', 'body must not contain the keys __proto__ or constructor'],
  invalid_fields: ['validation_failed', 'validation', 'The request is not valid'],
  too_many_requests: ['too_many_requests', 'AccountServer', 'Too many requests; try again later'],
  database_unavailable: ['database_unavailable', 'AccountServer', 'The database is unavailable; try again shortly'],
  data_dir_locked: ['data_dir_locked', 'AccountServer', 'The data folder is in use by another Liaison process'],
  migrations_not_current: [
    'not_ready',
    'AccountServer',
    "The database's migrations are not this version's: run `liaison migrate`, or deploy the matching version",
  ],
} as const satisfies Record<string, readonly [ErrorCode, string, string]>;

export type Situation = keyof typeof situations;

/** What a situation's answer adds: the field (`info`), context, headers, or a message that names values. */
export interface FailDetails extends Omit<AppErrorOptions, 'domain'> {
  message?: string;
}

/** The error of a situation of the catalogue. */
export function fail(situation: Situation, { message, ...details }: FailDetails = {}) {
  const [code, domain, text] = situations[situation];
  return new AppError(code, message ?? text, { domain, ...details });
}

/** One line for a rule: `assertThat(tenant.enabled, 'parent_disabled', { info: 'parent_id' })`. */
export function assertThat(condition: unknown, situation: Situation, details?: FailDetails): asserts condition {
  if (!condition) throw fail(situation, details);
}

/** A 429 that says when to come back, in the Retry-After header and in context.retry_after. */
export const tooManyRequests = (message: string, retryAfter: number, domain: string) =>
  new AppError('too_many_requests', message, {
    domain,
    headers: { 'retry-after': String(retryAfter) },
    context: { retry_after: retryAfter },
  });

export const versionMismatch = (current?: number) =>
  fail('version_mismatch', { context: current === undefined ? {} : { current_version: current } });

/** A request that names fields wrongly: the answer names them (at most a few, see the error handler). */
export const invalidFields = (fields: string[], message: string) =>
  fail('invalid_fields', { message, info: fields.join(','), context: { fields } });

export const invalidField = (field: string, message: string) => invalidFields([field], `${field}: ${message}`);

/** The same error with the fields it names put under `prefix` (an object nested in a body: `company_billing_contact.email`). */
export function underField(prefix: string, error: unknown): unknown {
  if (!(error instanceof AppError) || !error.options.info) return error;
  const fields = error.options.info.split(',').map((field) => `${prefix}.${field}`);
  const message = error.message.replace(/^([\w.]+):/, `${prefix}.$1:`);
  return new AppError(error.code, message, {
    ...error.options,
    info: fields.join(','),
    context: error.options.context?.fields ? { ...error.options.context, fields } : error.options.context,
  });
}
