import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';

/**
 * The OpenAPI document's operation ids and security, derived from each route at the one place
 * the document is built, so no route file repeats them; a route whose id the rule would not
 * name well gives its own `operationId` in its schema. SDKs name their methods after the ids:
 * they must stay stable, so a rename here is a breaking change for API clients.
 */

/** A path segment that names an action rather than a resource (POST /users/activate). */
const actionVerbs = new Set(['activate', 'preview', 'resend', 'send']);

const pascal = (words: string[]) => words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
const wordsOf = (segment: string) => segment.split(/[-_]/).filter(Boolean);

function singular(word: string): string {
  if (word === 'children') return 'child';
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/**
 * list/create/replace on a collection, get/update/delete on an item, the verb itself on an
 * action; the resources owning it come first, in the singular: GET /tenants/{id}/users is
 * listTenantUsers, POST /users/{id}/send-activation-email is sendUserActivationEmail.
 */
function operationIdOf(method: string, route: string): string {
  const url = route.replace(/:(\w+)/g, '{$1}');
  const segments = url
    .replace(/^\/api\/2\//, '')
    .split('/')
    .filter((s) => /^[\w{}-]+$/.test(s));
  if (segments.length === 0) return method.toLowerCase();
  const onItem = segments.at(-1)!.startsWith('{');
  const resources = segments.filter((s) => !s.startsWith('{')).map(wordsOf);
  const target = resources.pop()!;
  const owners = resources.map((words) => pascal([...words.slice(0, -1), singular(words.at(-1)!)])).join('');
  if (method === 'POST' && !onItem && actionVerbs.has(target[0]!))
    return `${target[0]}${owners}${pascal(target.slice(1))}`;
  const one = onItem || method === 'POST';
  const noun = pascal(one ? [...target.slice(0, -1), singular(target.at(-1)!)] : target);
  const verbs: Record<string, string> = onItem
    ? { GET: 'get', PUT: 'update', PATCH: 'update', DELETE: 'delete' }
    : { GET: 'list', POST: 'create', PUT: 'replace', DELETE: 'delete' };
  return `${verbs[method] ?? method.toLowerCase()}${owners}${noun}`;
}

type Transform = NonNullable<FastifyDynamicSwaggerOptions['transform']>;

/** Adds the operation id, and `security: []` on the routes anyone may call. */
export const documentRoute: Transform = ({ schema, url, route }) => {
  if (!schema || (schema as { hide?: boolean }).hide) return { schema, url };
  const method = Array.isArray(route.method) ? route.method[0]! : route.method;
  const extra: Record<string, unknown> = {};
  if (!(schema as { operationId?: string } | undefined)?.operationId) extra.operationId = operationIdOf(method, url);
  if ((route.config as { public?: boolean } | undefined)?.public) extra.security = [];
  // A copy: the route's own schema also drives validation and serialization.
  return { schema: { ...schema, ...extra } as typeof schema, url };
};
