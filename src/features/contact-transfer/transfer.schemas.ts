import { Type } from '@sinclair/typebox';
import { ErrorResponse, Uuid } from '../../platform/http/common-schemas.js';
import { exportColumns } from './transfer.columns.js';

export const ExportQuery = Type.Object(
  {
    format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('json')], { default: 'csv' })),
    subtree: Type.Optional(
      Type.Boolean({ default: false, description: 'The contacts of every tenant below it too, each with its path' }),
    ),
  },
  { additionalProperties: false },
);

const Cell = Type.Union([Type.String(), Type.Array(Type.String()), Type.Null()]);
/** One exported contact (JSON); the CSV has the same columns, lists as `billing;technical`. */
const ExportedContact = Type.Object(Object.fromEntries(exportColumns.map((c) => [c, Cell])), {
  $id: 'ExportedContact',
});

export const ExportAnswer = {
  description:
    'A CSV (UTF-8 with a BOM, RFC 4180, formula-looking cells behind an apostrophe) or a JSON array, as an attachment',
  content: {
    'text/csv': { schema: Type.String() },
    'application/json': { schema: Type.Array(ExportedContact) },
  },
};

export const ImportQuery = Type.Object(
  {
    tenant_id: Uuid,
    mode: Type.Union([Type.Literal('dry_run'), Type.Literal('apply')], {
      description: 'dry_run answers what apply would do and writes nothing',
    }),
    on_error: Type.Optional(
      Type.Union([Type.Literal('abort'), Type.Literal('skip')], {
        default: 'abort',
        description: 'abort: any error row and nothing is written (422); skip: the good rows are applied',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Error rows, and rows that are not errors, listed in an answer (all are counted). */
export const MAX_LISTED_ERRORS = 1000;
export const MAX_LISTED_ROWS = 1000;

const Count = Type.Integer({ minimum: 0 });
const Row = Type.Integer({ minimum: 1, description: '1 is the first row after the header' });
const report = {
  counts: Type.Object({ create: Count, update: Count, unchanged: Count, error: Count }),
  errors: Type.Array(Type.Object({ row: Row, field: Type.String(), message: Type.String() }), {
    description: `The first ${MAX_LISTED_ERRORS.toLocaleString('en')} error rows`,
  }),
  rows: Type.Array(
    Type.Object({
      row: Row,
      action: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('unchanged')]),
      tenant_id: Uuid,
      email: Type.String(),
    }),
    {
      description: `What each row does, for the first ${MAX_LISTED_ROWS.toLocaleString('en')} rows that are not errors, in row order (the error rows are in errors)`,
    },
  ),
};
export const ImportReport = Type.Object(report, { $id: 'ContactImportReport' });
/** An apply refused for its error rows: the API's error, and the same report beside it. */
export const ImportRejected = Type.Object(
  { error: ErrorResponse.properties.error, ...report },
  { $id: 'ContactImportRejected' },
);
