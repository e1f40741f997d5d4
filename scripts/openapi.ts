/**
 * Writes Liaison's OpenAPI document to web/src/api/openapi.json, from which the console's
 * API types are generated (npm run api:types). No database is touched: the app is only
 * built, never queried.
 */
import fs from 'node:fs/promises';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/platform/config.js';
import { buildApp } from '../src/app.js';
import type { Database } from '../src/platform/db/schema.js';

const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ max: 1 }) }) });
const app = await buildApp({ db, config: loadConfig({}), logger: false });
await app.ready();
const target = new URL('../web/src/api/openapi.json', import.meta.url);
await fs.writeFile(target, `${JSON.stringify(app.swagger(), null, 2)}\n`);
await app.close();
await db.destroy();
console.log(`wrote ${target.pathname}`);
