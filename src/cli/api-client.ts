import type { Config } from '../platform/config.js';

// How the commands that work through the API (announce, announcements) reach a running Liaison.

/** The API answer's error message (with the field it names), or the status. */
async function failure(res: Response) {
  const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
  return new Error(`${res.status}: ${body?.error?.message ?? res.statusText}`);
}

/** fetch, with an unreachable server said in words rather than "fetch failed". */
async function request(url: string, init?: RequestInit) {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new Error(`cannot reach Liaison at ${new URL(url).origin} (${cause}); check --url or LIAISON_URL`);
  }
}

/** A bearer token from LIAISON_TOKEN, or a password grant with LIAISON_USERNAME / LIAISON_PASSWORD. */
async function authorization(base: string, env: NodeJS.ProcessEnv): Promise<string> {
  if (env.LIAISON_TOKEN) return `Bearer ${env.LIAISON_TOKEN}`;
  if (!env.LIAISON_USERNAME || !env.LIAISON_PASSWORD)
    throw new Error('set LIAISON_TOKEN, or LIAISON_USERNAME and LIAISON_PASSWORD');
  const res = await request(`${base}/api/2/idp/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      username: env.LIAISON_USERNAME,
      password: env.LIAISON_PASSWORD,
    }),
  });
  if (!res.ok) throw new Error(`cannot sign in as "${env.LIAISON_USERNAME}": ${(await failure(res)).message}`);
  return `Bearer ${((await res.json()) as { access_token: string }).access_token}`;
}

export type Api = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/**
 * Signs in to the Liaison at --url (else LIAISON_URL, else this machine's HOST:PORT) and answers
 * a caller of its /api/2 that throws the API's own error message on any answer but a success.
 */
export async function connect(url: string | undefined, config: Config, env: NodeJS.ProcessEnv): Promise<Api> {
  const base = (url ?? env.LIAISON_URL ?? `http://${config.host}:${config.port}`).replace(/\/+$/, '');
  const auth = await authorization(base, env);
  return async <T>(method: string, path: string, body?: unknown) => {
    const res = await request(`${base}/api/2${path}`, {
      method,
      headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw await failure(res);
    return (await res.json()) as T;
  };
}

/** A caller of /api/2 answering the raw Response (a streamed body); any status but a success or `accept` throws. */
export type RawApi = (path: string, init?: RequestInit & { duplex?: 'half' }, accept?: number[]) => Promise<Response>;

/** As connect, for a command that streams a body up or down. */
export async function connectRaw(url: string | undefined, config: Config, env: NodeJS.ProcessEnv): Promise<RawApi> {
  const base = (url ?? env.LIAISON_URL ?? `http://${config.host}:${config.port}`).replace(/\/+$/, '');
  const auth = await authorization(base, env);
  return async (path, init = {}, accept = []) => {
    const res = await request(`${base}/api/2${path}`, {
      ...init,
      headers: { ...(init.headers as Record<string, string> | undefined), authorization: auth },
    });
    if (!res.ok && !accept.includes(res.status)) throw await failure(res);
    return res;
  };
}
