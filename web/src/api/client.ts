import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

let csrfToken: string | undefined;
/** Set by the session once signed in: every write made with the cookie carries it. */
export function setCsrfToken(token: string | undefined) {
  csrfToken = token;
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (csrfToken && !['GET', 'HEAD', 'OPTIONS'].includes(request.method))
      request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
};

/** Typed from Liaison's own OpenAPI document: the console uses only the public /api/2. */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrf);

/** The API's error shape. */
export interface ApiError {
  error: {
    code: number | string;
    message: string;
    details?: { info?: string | null };
    context?: { fields?: string[]; type?: string };
  };
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError | undefined,
  ) {
    super(body?.error?.message ?? `HTTP ${status}`);
  }
  get code() {
    return this.body?.error?.code;
  }
  /** The fields the server named as invalid (400). */
  get fields(): string[] {
    return (
      this.body?.error?.context?.fields ??
      (this.body?.error?.details?.info ? String(this.body.error.details.info).split(',') : [])
    );
  }
}

/** Unwraps an openapi-fetch answer: the data, or an ApiFailure carrying the error body. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiFailure(response.status, error as ApiError | undefined);
  return data as T;
}
