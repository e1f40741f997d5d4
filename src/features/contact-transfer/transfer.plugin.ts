import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, standardErrors } from '../../platform/http/common-schemas.js';
import { exportColumns } from './transfer.columns.js';
import { csvOf } from './transfer.csv.js';
import { csvCells, jsonArray } from './transfer.export.js';
import { ExportAnswer, ExportQuery } from './transfer.schemas.js';
import type { ContactTransferService } from './transfer.service.js';

/** Contact export: a file streamed out as the client reads it. */
export const contactTransferPlugin: FastifyPluginAsyncTypebox<{ transfer: ContactTransferService }> = async (
  app,
  { transfer },
) => {
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
};

/** A stream as the reply's payload: Fastify pipes it out; the route's schema documents what it holds. */
const file = (stream: Readable) => stream as unknown as string;
