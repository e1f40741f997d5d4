import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, fail, type ErrorCode } from '../errors.js';

interface ErrorBody {
  code: ErrorCode | string;
  domain: string | null;
  message: string;
  details?: { info?: string | null };
  context?: Record<string, unknown>;
}

function send(reply: FastifyReply, status: number, body: ErrorBody) {
  return reply
    .status(status)
    .type('application/json')
    .send({
      error: { details: { info: null }, context: {}, data: [], ...body },
    });
}

/** Named constraints whose violation is the caller's conflict, not our failure. */
const constraintErrors: Record<string, () => AppError> = {
  users_login_unique: () => fail('login_taken', { info: 'login' }),
  tenants_sibling_name_unique: () => fail('tenant_name_taken', { info: 'name' }),
  contacts_user_unique: () => fail('contact_user_taken', { info: 'user_id' }),
  contacts_email_unique: () => fail('contact_email_taken', { info: 'email' }),
  access_policies_unique: () => fail('policy_listed_twice'),
};

interface Violation {
  instancePath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  message?: string;
  parentSchema?: { description?: unknown };
}

/** An error answer lists this many violations at most, then says how many more there were. */
export const MAX_LISTED_VIOLATIONS = 20;

function describeViolations(source: string, all: Violation[]) {
  const list = all.slice(0, MAX_LISTED_VIOLATIONS);
  const fields = new Set<string>();
  const messages = list.map((v) => {
    const base = (v.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
    let field = base;
    let message = v.message ?? 'is invalid';
    if (v.keyword === 'additionalProperties') {
      field = [base, String(v.params?.additionalProperty)].filter(Boolean).join('.');
      message = 'is not a known field';
    } else if ((v.keyword === 'pattern' || v.keyword === 'format') && typeof v.parentSchema?.description === 'string') {
      // "must match pattern ^(?:(?=…" means nothing to a person; the schema says what is expected.
      message = `is not valid: ${v.parentSchema.description}`;
    } else if (v.keyword === 'required') {
      field = [base, String(v.params?.missingProperty)].filter(Boolean).join('.');
      message = 'is required';
    }
    field ||= source;
    fields.add(field);
    return `${field} ${message}`;
  });
  const more = all.length - list.length;
  return { fields: [...fields], message: messages.join('; ') + (more > 0 ? `; and ${more} more` : '') };
}

/** Errors Fastify's router raises before a route is chosen (bad or over-long URL parts). */
export function sendFrameworkError(reply: FastifyReply, error: FastifyError) {
  const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path parameter is too long' : 'The request URL is not valid';
  return send(reply, status, { code: status === 414 ? 'uri_too_long' : 'bad_request', domain: 'http', message });
}

const clientErrors: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'request_header_fields_too_large', 'The request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'The request took too long to arrive'],
};

/**
 * Errors Node's HTTP parser meets before Fastify sees a request (oversized headers, a
 * request that never finishes): answered on the raw socket, in the API's error shape.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = clientErrors[error.code ?? ''] ?? [
    400,
    'bad_request',
    'The request could not be read',
  ];
  const body = JSON.stringify({
    error: { code, domain: 'http', message, details: { info: null }, context: {}, data: [] },
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The one place that turns any error into the API's error shape. */
export function installErrorHandler(
  app: FastifyInstance,
  pageFallback?: (request: FastifyRequest, reply: FastifyReply) => boolean,
): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      // An outage (503) or any other 5xx of ours leaves a line; a caller's 4xx does not.
      if (error.status >= 500) request.log.error({ err: error, code: error.code }, error.message);
      if (error.options.headers) reply.headers(error.options.headers);
      return send(reply, error.status, {
        code: error.code,
        domain: error.options.domain ?? null,
        message: error.message,
        details: { info: error.options.info ?? null },
        context: error.options.context ?? {},
      });
    }
    const fe = error as FastifyError & { validationContext?: string; constraint?: string; code?: string };
    if (fe.validation) {
      const { fields, message } = describeViolations(fe.validationContext ?? 'body', fe.validation as Violation[]);
      return send(reply, 400, {
        code: 'validation_failed',
        domain: 'validation',
        message,
        details: { info: fields.join(',') },
        context: { fields },
      });
    }
    if (fe.code === '23505' && fe.constraint && constraintErrors[fe.constraint]) {
      const mapped = constraintErrors[fe.constraint]();
      return send(reply, mapped.status, {
        code: mapped.code,
        domain: mapped.options.domain ?? null,
        message: mapped.message,
        details: { info: mapped.options.info ?? null },
      });
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return send(reply, 415, { code: 'unsupported_media_type', domain: 'http', message: 'Unsupported Content-Type' });
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return send(reply, fe.statusCode, {
        code: fe.statusCode === 429 ? 'too_many_requests' : 'bad_request',
        domain: 'http',
        message: fe.message,
      });
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, 500, { code: 1000, domain: 'AccountServer', message: 'Internal error' });
  });

  app.setNotFoundHandler((request, reply) => {
    // The console's pages are client-side routes: a browser asking for one gets the app.
    if (pageFallback?.(request, reply)) return reply;
    return send(reply, 404, {
      code: 'not_found',
      domain: 'http',
      message: `Route ${request.method} ${request.url.split('?')[0]} not found`,
    });
  });
}
