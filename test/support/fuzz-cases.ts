import type { Rng } from './fuzz-random.js';
import type { FuzzWorld } from './fuzz-world.js';
import { idKindOfField, type Operation } from './fuzz-openapi.js';
import { choose, paramMutationsOf, pct, queryString } from './fuzz-query.js';
import { forgedCursors } from './fuzz-cursors.js';
import {
  deepObject,
  fieldsOf,
  REMOVE,
  toJson,
  validValue,
  withValue,
  type Schema,
  type ValueContext,
} from './fuzz-values.js';
import { mutationsOf } from './fuzz-mutations.js';

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

/** One fuzzed request: where it is odd, how, and what a 400 to it must name. */
export interface FuzzCase {
  route: string;
  where: string;
  label: string;
  /** The field a 400 validation answer must name ('' when any named field will do). */
  names: string;
  strict: boolean;
  /** admin: sent with the fuzzing admin's token; none: without credentials; own: the case brings them. */
  auth: 'admin' | 'none' | 'own';
  /** The same request unmutated, sent once per key first: fields it is refused for excuse a 400 naming them. */
  baseKey?: string;
  base?: () => FuzzRequest;
  build: () => FuzzRequest;
}

export interface CaseEnv {
  rng: Rng;
  world: FuzzWorld;
  resolve: (schema: Schema) => Schema;
  /** Current versions by object id, kept from the answers. */
  versions: Map<string, number>;
  /** A real `after` cursor per operation path, when its list had a second page. */
  cursors: Map<string, string | undefined>;
  isPublic(op: Operation): boolean;
}

const json = { 'content-type': 'application/json' };

export class CaseBuilder {
  constructor(private readonly env: CaseEnv) {}

  ctx(pathId?: string): ValueContext {
    const { rng, world } = this.env;
    return {
      rng,
      idFor: (name) => {
        const kind = idKindOfField(name);
        return kind ? rng.pick(world.ids[kind]) : undefined;
      },
      version: pathId ? (this.env.versions.get(pathId) ?? 1) : undefined,
    };
  }

  /** A real id for the path: of the kind the path names, never a read-only one on writes. */
  pathId(op: Operation): string | undefined {
    if (!op.pathParams.length) return undefined;
    const { ids, readOnly } = this.env.world;
    const all = op.idKind ? ids[op.idKind] : Object.values(ids).flat();
    return this.env.rng.pick(all.filter((id) => op.method === 'GET' || !readOnly.has(id)));
  }

  url(op: Operation, segment: string | undefined, query: [string, string[] | undefined][]): string {
    return op.path.replace('{id}', segment ?? '') + queryString(query);
  }

  /** Required query parameters with valid values (DELETE's version from the answers seen). */
  baseQuery(op: Operation, pathId?: string): [string, string[] | undefined][] {
    const ctx = this.ctx(pathId);
    const fixed: Record<string, string> = {
      text: 'fuzz',
      username: 'fuzz.free.login',
      tenant_id: this.env.world.ids.tenant[0],
      type: 'billing',
    };
    return op.query
      .filter((p) => p.required)
      .map((p) => [
        p.name,
        [p.name === 'version' ? String(ctx.version) : (fixed[p.name] ?? String(validValue(p.schema, p.name, ctx)))],
      ]);
  }

  private make(
    op: Operation,
    where: string,
    label: string,
    names: string,
    strict: boolean,
    pathId: string | undefined,
    build: () => FuzzRequest,
    base?: () => FuzzRequest,
  ): FuzzCase {
    return {
      route: `${op.method} ${op.path}`,
      where,
      label,
      names,
      strict,
      auth: this.env.isPublic(op) ? 'none' : 'admin',
      baseKey: base ? `${op.method} ${op.path} ${pathId ?? ''}` : undefined,
      base,
      build,
    };
  }

  /** A JSON body route: every field of its schema mutated in turn, and the body as a whole. */
  bodyCases(op: Operation, extra: number): FuzzCase[] {
    const { rng, resolve } = this.env;
    const cases: FuzzCase[] = [];
    const request =
      (pathId: string | undefined, body: () => unknown, headers: Record<string, string> = json) =>
      () => ({
        method: op.method,
        url: this.url(op, pathId, this.baseQuery(op, pathId)),
        headers,
        payload: toJson(body()),
      });
    if (!op.body) {
      const pathId = this.pathId(op);
      const raw =
        (payload: string, headers: Record<string, string> = json) =>
        () => ({ method: op.method, url: this.url(op, pathId, this.baseQuery(op, pathId)), headers, payload });
      cases.push(
        this.make(op, 'body', 'empty body with a JSON content type', '', false, pathId, raw('')),
        this.make(op, 'body', 'unexpected JSON body', '', false, pathId, raw('{"zzz_unknown":"\\u0000"}')),
        this.make(op, 'body', 'invalid JSON', '', false, pathId, raw('{')),
      );
      return cases;
    }
    const schema = op.body.schema;
    // One object per route: the unmutated request is then sent once, not once per field.
    const target = this.pathId(op);
    for (const field of fieldsOf(schema, resolve)) {
      const pathId = target;
      const base = request(pathId, () => validValue(schema, '', this.ctx(pathId)));
      const leaf = field.path.filter((k) => !/^\d+$/.test(k)).pop()!;
      const mutations = mutationsOf(field.schema, leaf, this.ctx(pathId));
      if (field.required) mutations.push({ label: 'left out', value: REMOVE, strict: true, core: true });
      mutations.push({ label: 'valid', value: validValue(field.schema, leaf, this.ctx(pathId), true), strict: false });
      for (const m of choose(rng, mutations, extra)) {
        const names = [...field.path, ...(m.names ? [m.names] : [])].join('.');
        const body = () =>
          withValue(validValue(schema, '', this.ctx(pathId)), schema, field.path, m.value, this.ctx(pathId), resolve);
        cases.push(
          this.make(op, `body ${field.path.join('.')}`, m.label, names, m.strict, pathId, request(pathId, body), base),
        );
      }
    }
    const pathId = this.pathId(op);
    const valid = () => validValue(schema, '', this.ctx(pathId));
    const plus = (member: string) => {
      const inside = toJson(valid()).slice(1, -1);
      return `{${inside}${inside ? ',' : ''}${member}}`;
    };
    const raw =
      (payload: () => string | Buffer, headers: Record<string, string> = json) =>
      () => ({ method: op.method, url: this.url(op, pathId, this.baseQuery(op, pathId)), headers, payload: payload() });
    const whole: [string, boolean, () => FuzzRequest][] = [
      ['empty body with a JSON content type', false, raw(() => '')],
      ['no body, no content type', false, raw(() => '', {})],
      ['JSON null', true, raw(() => 'null')],
      ['JSON array', true, raw(() => '[]')],
      ['JSON string', true, raw(() => '"x"')],
      ['invalid JSON', false, raw(() => '{')],
      ['byte order mark', false, raw(() => `\ufeff${toJson(valid())}`)],
      [
        'invalid UTF-8',
        false,
        raw(() =>
          Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('"}')]),
        ),
      ],
      ['__proto__ key', false, raw(() => plus('"__proto__":{"admin":true}'))],
      ['constructor key', false, raw(() => plus('"constructor":{"prototype":{"admin":true}}'))],
      ['over the 1 MB body limit', false, raw(() => plus(`"zzz_padding":"${'x'.repeat(1_100_000)}"`))],
      ['nested 5000 deep', true, raw(() => toJson(deepObject(5000)))],
      [
        '3000 unknown keys',
        true,
        raw(() =>
          toJson({
            ...(valid() as object),
            ...Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`unknown_key_${i}`, i])),
          }),
        ),
      ],
      ['every field valid', false, request(pathId, () => validValue(schema, '', this.ctx(pathId), true))],
      ['text/plain', false, raw(() => toJson(valid()), { 'content-type': 'text/plain' })],
      ['form-encoded', false, raw(() => 'a=1', { 'content-type': 'application/x-www-form-urlencoded' })],
    ];
    for (const [label, strict, build] of whole) cases.push(this.make(op, 'body', label, '', strict, pathId, build));
    return cases;
  }

  /** Every query parameter mutated in turn; `after` gets forged cursors. */
  queryCases(op: Operation, extra: number, cursors: number): FuzzCase[] {
    const cases: FuzzCase[] = [];
    for (const param of op.query) {
      const pathId = this.pathId(op);
      const mutations =
        param.name === 'after'
          ? forgedCursors(this.env.cursors.get(op.path), this.env.rng, cursors).map((f) => ({
              label: `cursor ${f.label}`,
              values: [f.value],
              strict: !f.label.startsWith('real'),
              core: true,
            }))
          : choose(this.env.rng, paramMutationsOf(param.schema, param.name, this.ctx(pathId), param.required), extra);
      for (const m of mutations) {
        const query = () => {
          const q = this.baseQuery(op, pathId).filter(([name]) => name !== param.name);
          // A cursor is read with the filters it carries: send it alone, as a client would.
          return [...q, [param.name, m.values] as [string, string[] | undefined]];
        };
        const base = () => ({
          method: op.method,
          url: this.url(op, pathId, this.baseQuery(op, pathId)),
          headers: op.body ? json : {},
          payload: op.body ? toJson(validValue(op.body.schema, '', this.ctx(pathId))) : undefined,
        });
        const build = () => ({ ...base(), url: this.url(op, pathId, query()) });
        cases.push(
          this.make(
            op,
            `query ${param.name}`,
            m.label,
            param.name,
            m.strict,
            pathId,
            build,
            op.method === 'GET' ? base : undefined,
          ),
        );
      }
    }
    return cases;
  }

  /** The path's id: real ones of each owner and kind, unknown, malformed, over-long, NUL. */
  pathCases(op: Operation, extra: number): FuzzCase[] {
    if (!op.pathParams.length) return [];
    const { rng, world } = this.env;
    const own = this.pathId(op)!;
    const otherKind = rng.pick(
      Object.values(world.ids)
        .flat()
        .filter((id) => !world.readOnly.has(id)),
    );
    const core: [string, string, boolean][] = [
      ['real id', pct(own), false],
      ['upper-case id', own.toUpperCase(), false],
      ['not a uuid', 'not-a-uuid', true],
      ['NUL', '%00', true],
      ['id and NUL', `${own}%00`, true],
      ['101 characters', 'x'.repeat(101), true],
    ];
    const others: [string, string, boolean][] = [
      ['id of another kind', pct(otherKind), false],
      ['unknown uuid', rng.uuid(), false],
      ['nil uuid', '00000000-0000-0000-0000-000000000000', false],
      ['lone surrogate bytes', '%ED%A0%80', true],
      ['malformed percent escape', '%E0%A4%A', true],
      ['600 characters', 'x'.repeat(600), true],
      ['encoded slashes', '..%2F..%2Fetc', true],
      ['SQL', pct("' OR '1'='1"), true],
      ['0x1', '0x1', true],
    ];
    return [...core, ...rng.sample(others, extra)].map(([label, segment, strict]) =>
      this.make(op, 'path id', label, 'id', strict, undefined, () => ({
        method: op.method,
        url: op.path.replace('{id}', segment) + queryString(this.baseQuery(op, own)),
        headers: op.body ? json : {},
        payload: op.body ? toJson(validValue(op.body.schema, '', this.ctx(own))) : undefined,
      })),
    );
  }

  /** The form-encoded token endpoint: every field mutated, for both grants. */
  formCases(op: Operation, extra: number): FuzzCase[] {
    const { rng, world } = this.env;
    const cases: FuzzCase[] = [];
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const grants: Record<string, [string, string][]> = {
      password: [
        ['grant_type', 'password'],
        ['username', world.spareLogin],
        ['password', 'wrong-password'],
      ],
      client_credentials: [
        ['grant_type', 'client_credentials'],
        ['client_id', world.partner.client.clientId],
        ['client_secret', 'wrong-secret'],
      ],
    };
    for (const [grant, fields] of Object.entries(grants)) {
      const body = (pairs: [string, string[] | undefined][]) => queryString(pairs).slice(1);
      const base = () => ({
        method: op.method,
        url: op.path,
        headers: form,
        payload: body(fields.map(([k, v]) => [k, [v]])),
      });
      for (const [name, schema] of Object.entries<Schema>(op.body!.schema.properties ?? {})) {
        const required = fields.some(([k]) => k === name) && name !== 'client_secret';
        for (const m of choose(rng, paramMutationsOf(schema, name, this.ctx(), required), extra)) {
          const pairs = fields.filter(([k]) => k !== name).map(([k, v]) => [k, [v]] as [string, string[] | undefined]);
          cases.push(
            this.make(
              op,
              `form ${name} (${grant} grant)`,
              m.label,
              name,
              m.strict,
              grant,
              () => ({ ...base(), payload: body([...pairs, [name, m.values]]) }),
              base,
            ),
          );
        }
      }
    }
    return cases;
  }
}
