import type { IdKind } from './fuzz-world.js';
import type { Schema } from './fuzz-values.js';

interface Parameter {
  name: string;
  in: 'query' | 'path';
  schema: Schema;
  required: boolean;
}

/** One operation of the OpenAPI document, as the fuzz suite reads it. */
export interface Operation {
  method: string;
  /** The documented path, e.g. /api/2/tenants/{id}. */
  path: string;
  query: Parameter[];
  pathParams: Parameter[];
  body?: { form: boolean; schema: Schema };
  /** What the {id} of the path names (the segment before it), if anything. */
  idKind?: IdKind;
  /** Documented as needing no credentials (`security: []`). */
  public: boolean;
}

const kinds: Record<string, IdKind> = {
  tenants: 'tenant',
  users: 'user',
  contacts: 'contact',
  clients: 'client',
  announcements: 'announcement',
};

/** A resolver of `#/components/schemas/…` references in the document. */
export function resolverOf(doc: any): (schema: Schema) => Schema {
  return (schema) => {
    let s = schema ?? {};
    for (let hops = 0; s.$ref && hops < 10; hops++) s = doc.components.schemas[String(s.$ref).split('/').pop()!];
    return s;
  };
}

/** Every operation of the document, writes after reads and deletes last (they remove the objects the others act on). */
export function operationsOf(doc: any): Operation[] {
  const resolve = resolverOf(doc);
  const order = ['get', 'post', 'put', 'patch', 'delete'];
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (!order.includes(method)) continue;
      const params: Parameter[] = (op.parameters ?? []).map((p: any) => ({
        name: p.name,
        in: p.in,
        schema: resolve(p.schema),
        required: !!p.required,
      }));
      const content = op.requestBody?.content ?? {};
      const type = Object.keys(content)[0];
      const segment = /\/(\w+)\/\{id\}/.exec(path)?.[1];
      operations.push({
        method: method.toUpperCase(),
        path,
        query: params.filter((p) => p.in === 'query'),
        pathParams: params.filter((p) => p.in === 'path'),
        body: type ? { form: type.includes('form'), schema: resolve(content[type].schema) } : undefined,
        idKind: segment ? kinds[segment] : undefined,
        public: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
  return operations.sort((a, b) => order.indexOf(a.method.toLowerCase()) - order.indexOf(b.method.toLowerCase()));
}

/** Which ids fill a uuid field of this name. */
export function idKindOfField(name: string): IdKind | undefined {
  if (/^(tenant|tenant_id|parent_id|scope_tenant_id|subtree_root_id|subtree_root_tenant_id)$/.test(name))
    return 'tenant';
  if (/^(user_id|trustee_id|issuer_id)$/.test(name)) return 'user';
  return undefined;
}
