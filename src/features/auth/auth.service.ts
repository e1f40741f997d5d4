import type { Config } from '../../platform/config.js';
import { fail } from '../../platform/errors.js';
import { scopeOf, type Principal } from '../../platform/scope.js';
import { newToken, sameHash, sha256, verifyPassword } from '../../platform/secrets.js';
import * as repo from './auth.repository.js';
import { SignInThrottle } from './sign-in-throttle.js';
import { PrincipalCache, type Cached } from './principal-cache.js';
import { authGeneration } from '../../platform/db/auth-changes.js';
import { authWatch, type Db } from '../../platform/db/database.js';
import { isStorableText } from '../../platform/http/input-guard.js';

const invalidLogin = () => fail('invalid_login');
const invalidClient = () => fail('invalid_client');
/** The roles that open tenants to their holder: to read (all three) and to write (all but readonly_admin). */
const ADMIN_ROLES = new Set(['partner_admin', 'company_admin', 'readonly_admin']);
// No Basic challenge: a browser meeting one would pop up its own login box over the console.
const unauthorized = (message?: string) =>
  fail('unauthorized', { message, headers: { 'www-authenticate': 'Bearer realm="liaison"' } });

/** Housekeeping the server runs every 10 minutes: expired tokens and stale sign-in failures go. */
export async function sweepAuth(db: Db, config: Pick<Config, 'authFailureWindowSeconds'>) {
  await repo.deleteExpiredTokens(db);
  await repo.deleteStaleAttempts(db, config.authFailureWindowSeconds);
}

/** A client's last access is written when its address changes, else at most once a minute (not on every call). */
const LAST_ACCESS_GRANULARITY_MS = 60_000;
const lastAccessStale = (row: Pick<Cached, 'lastAccessAt' | 'lastAccessFromIp'>, ip: string) =>
  row.lastAccessFromIp !== ip ||
  !row.lastAccessAt ||
  Date.now() - row.lastAccessAt.getTime() >= LAST_ACCESS_GRANULARITY_MS;

export interface TokenAnswer {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  expires_on: number;
}

export class AuthService {
  private readonly throttle: SignInThrottle;
  private readonly principals: PrincipalCache;

  /** @param signedIn told of each user's successful password sign-in (it confirms the person's contact). */
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly signedIn: (userId: string) => Promise<void> = async () => {},
  ) {
    this.throttle = new SignInThrottle(db, config.authFailureLimit, config.authFailureWindowSeconds);
    this.principals = new PrincipalCache(config.authCacheSeconds * 1000);
  }

  async passwordGrant(username: string, password: string, ip: string): Promise<TokenAnswer> {
    return (await this.signIn(username, password, ip)).token;
  }

  /** A password sign-in that also says who signed in (the console's session needs it). */
  async signIn(username: string, password: string, ip: string) {
    const user = await this.checkPassword(username, password, ip);
    await this.signedIn(user.id);
    return { userId: user.id, token: await this.issue('user', user.id) };
  }

  async revoke(token: string) {
    await repo.deleteToken(this.db, sha256(token));
  }

  async clientGrant(clientId: string, secret: string, ip: string): Promise<TokenAnswer> {
    // Text PostgreSQL cannot store (a NUL) matches nobody.
    if (!isStorableText(clientId)) throw invalidClient();
    const attempt = await this.throttle.attempt(`client:${clientId.toLowerCase()}`, ip);
    const client = /^[0-9a-f-]{36}$/i.test(clientId)
      ? await repo.findActiveClient(this.db, clientId.toLowerCase())
      : undefined;
    if (!client || client.status !== 'enabled' || !sameHash(client.secret_hash, sha256(secret))) throw invalidClient();
    await attempt.forgive();
    await repo.touchClient(this.db, client.id, ip);
    return this.issue('client', client.id);
  }

  /** Resolves an Authorization header (Bearer token or Basic login:password). */
  async authenticate(header: string | undefined, ip: string): Promise<Principal> {
    if (!header) throw unauthorized();
    const [scheme, value = ''] = header.split(' ', 2);
    if (scheme.toLowerCase() === 'bearer') return this.bearer(sha256(value.trim()), ip);
    if (scheme.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw unauthorized('Malformed Basic credentials');
      const user = await this.checkPassword(decoded.slice(0, colon), decoded.slice(colon + 1), ip);
      const principal = await this.userPrincipal(user.id);
      if (!principal) throw invalidLogin();
      return principal;
    }
    throw unauthorized('Unsupported authorization scheme');
  }

  /** A bearer token's principal: from memory while nothing it was read from has changed (PrincipalCache). */
  private async bearer(tokenHash: string, ip: string): Promise<Principal> {
    // Another process's changes are heard only while the database's watch is live.
    const cacheable = authWatch(this.db).live;
    const hit = cacheable ? this.principals.get(tokenHash) : undefined;
    // A client's last access due to be written goes the long way, which writes it.
    if (hit && (hit.principal.kind === 'user' || !lastAccessStale(hit, ip))) return hit.principal;
    const generation = authGeneration();
    const row = await repo.findPrincipal(this.db, { tokenHash });
    const principal = row && (await this.principalOf(row, ip));
    if (!row || !principal) throw unauthorized('The access token is invalid or expired');
    if (cacheable) {
      const lastAccessAt = row.last_access_at;
      const lastAccessFromIp = row.last_access_from_ip;
      this.principals.set(tokenHash, generation, row.expires_at, { principal, lastAccessAt, lastAccessFromIp });
    }
    return principal;
  }

  async userPrincipal(userId: string): Promise<Principal | undefined> {
    const row = await repo.findPrincipal(this.db, { userId });
    return row && this.principalOf(row);
  }

  /** The principal of an active subject (a client's last access is recorded); undefined for an inactive one. */
  private async principalOf(row: repo.PrincipalRow, ip?: string): Promise<Principal | undefined> {
    if (row.id === null) return undefined;
    if (row.subject_type === 'client') {
      const access = { lastAccessAt: row.last_access_at, lastAccessFromIp: row.last_access_from_ip };
      if (ip !== undefined && lastAccessStale(access, ip)) await repo.touchClient(this.db, row.id, ip);
      return {
        kind: 'client',
        id: row.id,
        tenantId: row.tenant_id,
        read: scopeOf([row.tenant_id]),
        write: scopeOf([row.tenant_id]),
      };
    }
    // Only Liaison's admin roles open tenants; a user role or another product's role opens none.
    const admin = row.roles.filter(([, role]) => ADMIN_ROLES.has(role));
    const writers = admin.filter(([, role]) => role !== 'readonly_admin');
    return {
      kind: 'user',
      id: row.id,
      tenantId: row.tenant_id,
      read: scopeOf(admin.map(([tenantId]) => tenantId)),
      write: scopeOf(writers.map(([tenantId]) => tenantId)),
    };
  }

  private async checkPassword(username: string, password: string, ip: string) {
    if (!isStorableText(username)) throw invalidLogin();
    const attempt = await this.throttle.attempt(`login:${username.toLowerCase()}`, ip);
    const user = await repo.findActiveUserByLogin(this.db, username);
    const ok = await verifyPassword(user?.password_hash, password);
    if (!user || !ok) throw invalidLogin();
    await attempt.forgive();
    if (!user.enabled) throw fail('user_disabled');
    return user;
  }

  private async issue(subjectType: 'user' | 'client', subjectId: string): Promise<TokenAnswer> {
    const { token, hash } = newToken();
    const ttl = this.config.tokenTtlSeconds;
    const expires = new Date(Date.now() + ttl * 1000);
    await repo.insertToken(this.db, {
      token_hash: hash,
      subject_type: subjectType,
      subject_id: subjectId,
      expires_at: expires,
    });
    return {
      access_token: token,
      token_type: 'bearer',
      expires_in: ttl,
      expires_on: Math.floor(expires.getTime() / 1000),
    };
  }
}
