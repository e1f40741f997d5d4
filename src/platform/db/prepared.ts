import { createHash } from 'node:crypto';
import pg from 'pg';
import { authChanged, touchesAuth } from './auth-changes.js';

/** Distinct statements one connection keeps prepared; later new ones run unnamed (planned each time). */
const MAX_PREPARED = 500;

/** Names by SQL text, shared by every connection (the same text has the same name everywhere). */
const names = new Map<string, string>();
const nameOf = (text: string) => {
  let name = names.get(text);
  if (name === undefined) {
    name = `l_${createHash('sha1').update(text).digest('base64url')}`;
    if (names.size < 10 * MAX_PREPARED) names.set(text, name);
  }
  return name;
};

/**
 * A pg client that runs every query with parameters (nearly all of Kysely's) as a named
 * prepared statement: PostgreSQL parses and plans it once per connection and then reuses the plan (as
 * it decides: custom or generic), instead of parsing and planning the same text on every call,
 * which under load cost more than running it. Text without parameters (a migration's several
 * commands, BEGIN) runs as before. Results are unchanged: the same text, the same
 * values. The pool makes its connections of this class (database.ts).
 */
export class PreparingClient extends pg.Client {
  readonly #prepared = new Set<string>();
  #inTransaction = false;
  /** This connection's open transaction wrote a table principals are read from (auth-changes.ts). */
  #authWritten = false;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's overloads, passed through as they are
  override query(...args: any[]): any {
    const [text] = args;
    const answer = this.#send(args);
    if (typeof text !== 'string' || !answer || typeof answer.then !== 'function') return answer;
    // Principals cached from before a write to their tables are dropped once the database has
    // answered it, and again when its transaction ends (a read in between saw it uncommitted).
    const writes = touchesAuth(text);
    if (beginsTransaction(text)) this.#inTransaction = true;
    const ends = this.#inTransaction && endsTransaction(text);
    const changed = writes || (ends && this.#authWritten);
    if (writes && this.#inTransaction) this.#authWritten = true;
    if (ends) this.#inTransaction = this.#authWritten = false;
    return changed ? answer.finally(authChanged) : answer;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  #send(args: any[]): any {
    const [text, values] = args;
    if (args.length === 2 && typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      const name = nameOf(text);
      if (this.#prepared.has(name) || this.#prepared.size < MAX_PREPARED) {
        this.#prepared.add(name);
        return super.query({ name, text, values });
      }
    }
    return super.query(...(args as [string]));
  }
}

const beginsTransaction = (text: string) => /^\s*(?:begin|start\s+transaction)\b/i.test(text);
/** COMMIT or ROLLBACK of the whole transaction (not ROLLBACK TO a savepoint). */
const endsTransaction = (text: string) => /^\s*(?:commit|end|abort|rollback(?!\s+to\b))\b/i.test(text);
