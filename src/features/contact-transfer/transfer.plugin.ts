import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fail, invalidField } from '../../platform/errors.js';
import { ErrorResponse, IdParams, standardErrors } from '../../platform/http/common-schemas.js';
import { CreateContactBody, UpdateContactBody } from '../contacts/contact.schemas.js';
import { exportColumns } from './transfer.columns.js';
import { csvOf, readCsv, readText, type ImportLimits } from './transfer.csv.js';
import { csvCells, jsonArray } from './transfer.export.js';
import type { BodyCheck } from './transfer.import.js';
import { ExportAnswer, ExportQuery, ImportQuery, ImportRejected, ImportReport } from './transfer.schemas.js';
import type { ContactTransferService, ImportBody } from './transfer.service.js';

/** What one import may be: 20 MB and 100,000 rows (errors.ts says both). */
const limits: ImportLimits = { bytes: 20 * 1024 * 1024, rows: 100_000 };

/**
 * Contact export and import. The body parsers are this plugin's own (Fastify keeps them to its
 * routes): a CSV or a JSON array read as it arrives, stopped at the limits before it is all read.
 */
export const contactTransferPlugin: FastifyPluginAsyncTypebox<{ transfer: ContactTransferService }> = async (
  app,
  { transfer },
) => {
  installImportParsers(app);
  const tags = ['contacts'];

  app.get(
    '/tenants/:id/contacts/export',
    {
      schema: {
        tags,
        operationId: 'exportTenantContacts',
        summary:
          "Every contact of the tenant (or its subtree), streamed as a CSV or JSON file, with each tenant's path",
        params: IdParams,
        querystring: ExportQuery,
        response: { 200: ExportAnswer, ...standardErrors },
      },
    },
    async (request, reply) => {
      const { format = 'csv', subtree = false } = request.query;
      const { tenant, records } = await transfer.export(request.principal, request.params.id, subtree);
      const day = new Date().toISOString().slice(0, 10);
      const name = `contacts-${tenant.name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') || tenant.id}-${day}`;
      reply.header('content-disposition', `attachment; filename="${name}.${format}"`);
      if (format === 'json')
        return reply.type('application/json; charset=utf-8').send(file(Readable.from(jsonArray(records))));
      const rows = (async function* () {
        for await (const record of records) yield csvCells(record);
      })();
      return reply.type('text/csv; charset=utf-8').send(file(csvOf(exportColumns, rows)));
    },
  );

  app.post(
    '/contact-imports',
    {
      bodyLimit: limits.bytes,
      schema: {
        tags,
        summary:
          'Import contacts from a CSV (text/csv, comma or semicolon) or a JSON array: each row created, updated or unchanged, matched by tenant and email. dry_run writes nothing; apply is all-or-nothing (422 with the same report) unless on_error=skip. At most 20 MB and 100,000 rows',
        querystring: ImportQuery,
        response: {
          200: ImportReport,
          413: Type.Ref(ErrorResponse),
          415: Type.Ref(ErrorResponse),
          422: ImportRejected,
          ...standardErrors,
        },
      },
    },
    async (request, reply) => {
      if (request.body === undefined) throw invalidField('body', 'send the rows as text/csv or a JSON array');
      const { tenant_id: tenantId, mode, on_error: onError = 'abort' } = request.query;
      const { report, applied } = await transfer.import(request.principal, request.body as ImportBody, {
        tenantId,
        mode,
        onError,
        check: bodyCheck(request),
      });
      if (mode === 'dry_run' || applied) return report;
      const { code, message, options } = fail('import_rejected');
      const error = { code, domain: options.domain ?? null, message, details: { info: null }, context: {}, data: [] };
      return reply.status(422).send({ error, ...report });
    },
  );
};

/** A stream as the reply's payload: Fastify pipes it out; the route's schema documents what it holds. */
const file = (stream: Readable) => stream as unknown as string;

function installImportParsers(app: FastifyInstance) {
  const strictJson = app.getDefaultJsonParser('error', 'error');
  const tooLarge = (request: FastifyRequest) => Number(request.headers['content-length'] ?? 0) > limits.bytes;
  app.addContentTypeParser('text/csv', (request, payload, done) => {
    if (tooLarge(request)) return done(fail('import_too_large'), undefined);
    readCsv(payload, limits).then(
      (csv) => done(null, { csv }),
      (error: Error) => done(error, undefined),
    );
  });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', (request, payload, done) => {
    if (tooLarge(request)) return done(fail('import_too_large'), undefined);
    readText(payload, limits.bytes).then(
      (text) => {
        if (text.trim() === '') return done(null, undefined);
        strictJson(request, text, (error: Error | null, value?: unknown) => {
          if (error) return done(fail('body_not_json', { info: 'body' }), undefined);
          if (!Array.isArray(value)) return done(invalidField('body', 'must be an array of rows'), undefined);
          if (value.length > limits.rows) return done(fail('import_too_many_rows'), undefined);
          done(null, { json: value });
        });
      },
      (error: Error) => done(error, undefined),
    );
  });
}

/** A row checked by the same validator as POST and PUT /contacts: the first problem, naming its field. */
const bodyCheck =
  (request: FastifyRequest): BodyCheck =>
  (body, value) => {
    const validate = request.compileValidationSchema(body === 'create' ? CreateContactBody : UpdateContactBody);
    if (validate(value)) return undefined;
    const [error] = validate.errors ?? [];
    const missing = (error?.params as { missingProperty?: string } | undefined)?.missingProperty;
    const field = missing ?? error?.instancePath.split('/')[1] ?? 'row';
    return { field, message: missing ? 'is required' : (error?.message ?? 'is not valid') };
  };
