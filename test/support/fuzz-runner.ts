import { ROOT_PASSWORD, type Actor, type TestApp } from './test-app.js';
import type { FuzzApp } from './fuzz-app.js';
import type { FuzzCase, FuzzRequest } from './fuzz-cases.js';
import { namedFields, problemOf, type Answered, type Failure } from './fuzz-check.js';

const idInUrl = /\/api\/2\/\w+\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/;

/**
 * Sends fuzz cases through app.inject (no network) one at a time, so a run is reproducible,
 * and keeps what later requests need: current versions, the admin's token (a fuzzed sign-out
 * revokes it), the fields each unmutated request was refused for.
 */
export class FuzzRunner {
  count = 0;
  readonly failures: Failure[] = [];
  private readonly bases = new Map<string, string[]>();
  private admin: Actor;

  constructor(
    private readonly t: TestApp,
    private readonly fuzz: FuzzApp,
    readonly versions: Map<string, number>,
  ) {
    this.admin = t.root;
  }

  async run(c: FuzzCase, auth = c.auth): Promise<void> {
    let baseNamed: string[] = [];
    if (c.base && c.baseKey) {
      const key = `${auth} ${c.baseKey}`;
      if (!this.bases.has(key)) {
        const base = { ...c, where: `${c.where} (unmutated request)`, label: 'valid', names: '', strict: false };
        const answer = await this.check(base, c.base(), auth);
        this.bases.set(key, answer.status === 400 ? namedFields(parse(answer)?.error) : []);
      }
      baseNamed = this.bases.get(key)!;
    }
    await this.check(c, c.build(), auth, baseNamed);
  }

  private async check(
    c: FuzzCase,
    request: FuzzRequest,
    auth: FuzzCase['auth'],
    baseNamed: string[] = [],
  ): Promise<Answered> {
    const answer = await this.send(request, auth);
    const problem = answer.status === 0 ? `inject threw: ${answer.text}` : problemOf(c, answer, baseNamed);
    if (problem) this.failures.push({ c: { ...c, auth }, request, answer, problem });
    return answer;
  }

  private async send(request: FuzzRequest, auth: FuzzCase['auth']): Promise<Answered> {
    const n = ++this.count;
    const headers = {
      ...request.headers,
      'x-request-id': `fuzz-${n}`,
      ...(auth === 'admin' ? { authorization: this.admin.authorization } : {}),
    };
    let answer: Answered;
    try {
      // Each request from its own address: sign-in throttles count per address, and the fuzz sends many wrong ones.
      const res = await this.fuzz.app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers,
        payload: request.payload,
        remoteAddress: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
      });
      answer = {
        status: res.statusCode,
        headers: res.headers,
        text: res.body,
        logged: res.statusCode >= 500 ? this.fuzz.errorOf(`fuzz-${n}`) : undefined,
      };
    } catch (error) {
      answer = { status: 0, headers: {}, text: String(error) };
    }
    this.remember(request, answer);
    if (
      auth === 'admin' &&
      (answer.status === 401 || (request.method === 'DELETE' && request.url.startsWith('/api/2/session')))
    )
      await this.refreshAdmin();
    return answer;
  }

  /** Versions from answers (an object, or a 409's current_version), so PUT and DELETE can send the right one. */
  private remember(request: FuzzRequest, answer: Answered) {
    const body = parse(answer);
    if (answer.status < 300 && typeof body?.id === 'string' && Number.isInteger(body.version))
      this.versions.set(body.id, body.version);
    const current = body?.error?.context?.current_version;
    const id = idInUrl.exec(request.url)?.[1];
    if (answer.status === 409 && id && Number.isInteger(current)) this.versions.set(id, current);
  }

  /** Signing out (DELETE /session) revokes the token that made the call: sign in again. */
  private async refreshAdmin() {
    const me = await this.t.app.inject({
      method: 'GET',
      url: '/api/2/users/me',
      headers: { authorization: this.admin.authorization },
    });
    if (me.statusCode === 401) this.admin = await this.t.tokenFor('admin', ROOT_PASSWORD);
  }
}

function parse(answer: Answered): any {
  try {
    return JSON.parse(answer.text);
  } catch {
    return undefined;
  }
}
