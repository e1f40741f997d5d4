import { Type } from '@sinclair/typebox';
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
