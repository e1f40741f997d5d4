import { sql } from 'kysely';

/**
 * A timestamp column as exact text for a keyset cursor. A JS Date keeps milliseconds only,
 * PostgreSQL microseconds: rows written within one millisecond would be skipped between pages.
 */
export const exactTime = (column: string) =>
  sql<string>`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
