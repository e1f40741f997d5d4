/**
 * The routes bench/api drives, as autocannon requests: reads rotate over the seeded contacts and
 * customers; POST makes a contact with an address no request used before; PUT updates contacts
 * no other request holds, sending the version it last read (so no request meets a 409).
 */
import autocannon from 'autocannon';

export interface World {
  customers: string[];
  contacts: string[];
  /** The version of each contact PUT may change (reloaded before each PUT run). */
  versions: Map<string, number>;
}

export interface Route {
  name: string;
  requests: (world: World) => autocannon.Request[];
}

let sequence = 0;
const next = <T>(items: T[]) => items[sequence++ % items.length];
const json = { 'content-type': 'application/json' };

export const routes: Route[] = [
  {
    name: 'GET /contacts/{id}',
    requests: (w) => [{ method: 'GET', setupRequest: (r) => ({ ...r, path: `/api/2/contacts/${next(w.contacts)}` }) }],
  },
  {
    name: 'GET /tenants/{id}/contacts',
    requests: (w) => [
      { method: 'GET', setupRequest: (r) => ({ ...r, path: `/api/2/tenants/${next(w.customers)}/contacts` }) },
    ],
  },
  {
    name: 'GET /contacts?tenant_id=',
    requests: (w) => [
      { method: 'GET', setupRequest: (r) => ({ ...r, path: `/api/2/contacts?tenant_id=${next(w.customers)}` }) },
    ],
  },
  {
    name: 'POST /contacts',
    requests: (w) => [
      {
        method: 'POST',
        path: '/api/2/contacts',
        headers: json,
        setupRequest: (r) => {
          const n = ++sequence;
          const body = {
            tenant_id: w.customers[n % w.customers.length],
            types: ['technical'],
            firstname: `New${n}`,
            lastname: 'Bench',
            email: `new-${process.pid}-${Date.now()}-${n}@bench.test`,
          };
          return { ...r, body: JSON.stringify(body) };
        },
      },
    ],
  },
  {
    name: 'PUT /contacts/{id}',
    requests: (w) => {
      // Contacts not in flight: a request takes one and its answer gives it back, so no two
      // requests ever hold the same contact (the pool is far larger than the connections).
      const free = [...w.versions.keys()];
      return [
        {
          method: 'PUT',
          headers: json,
          setupRequest: (r, context) => {
            const id = free.shift()!;
            (context as { id?: string }).id = id;
            const body = { version: w.versions.get(id), firstname: `Renamed${++sequence}` };
            return { ...r, path: `/api/2/contacts/${id}`, body: JSON.stringify(body) };
          },
          onResponse: (status, body, context) => {
            const { id } = context as { id: string };
            // A refused one leaves the rotation (its version is unknown now).
            if (status !== 200) return;
            w.versions.set(id, (JSON.parse(body) as { version: number }).version);
            free.push(id);
          },
        },
      ];
    },
  },
  {
    name: 'GET /tenants/{id}',
    requests: (w) => [{ method: 'GET', setupRequest: (r) => ({ ...r, path: `/api/2/tenants/${next(w.customers)}` }) }],
  },
];

export interface Measure {
  rps: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** One autocannon run of `route` against `url`. */
export async function drive(
  url: string,
  route: Route,
  world: World,
  options: { connections: number; duration?: number; amount?: number; headers?: Record<string, string> },
): Promise<Measure> {
  const result = await autocannon({
    url,
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.duration }),
    headers: options.headers,
    requests: route.requests(world),
  });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
