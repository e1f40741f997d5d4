import { tenantAccess } from '../../platform/access.js';
import type { Db } from '../../platform/db/database.js';
import type { Principal } from '../../platform/scope.js';
import * as repo from './search.repository.js';

export interface SearchHit {
  obj_type: 'tenant' | 'user';
  id: string;
  parent_id: string;
  path: string[];
  kind?: string;
  name?: string;
  login?: string;
  first_name?: string;
  last_name?: string;
}

export class SearchService {
  constructor(private readonly db: Db) {}

  /** Tenants by name, contact card or their contacts' names and emails; users by login, email or name; case-insensitive. */
  async search(principal: Principal, input: { tenant?: string; text: string; limit: number }): Promise<SearchHit[]> {
    const rootId = input.tenant ?? principal.tenantId;
    await tenantAccess(this.db, principal, rootId, 'read');
    const text = input.text.trim();
    const [tenants, users] = await Promise.all([
      repo.searchTenants(this.db, principal.read, rootId, text, input.limit),
      repo.searchUsers(this.db, principal.read, rootId, text, input.limit),
    ]);
    const paths = await repo.findPaths(this.db, principal.read, rootId, [
      ...tenants.map((t) => t.parent_id),
      ...users.map((u) => u.tenant_id),
    ]);
    const hits: SearchHit[] = [
      ...tenants.map((t): SearchHit => ({
        obj_type: 'tenant',
        id: t.id,
        parent_id: t.parent_id,
        kind: t.kind,
        name: t.name,
        // The search root itself has no path inside the searched subtree.
        path: t.id === rootId ? [] : (paths.get(t.parent_id) ?? []),
      })),
      ...users.map((u): SearchHit => ({
        obj_type: 'user',
        id: u.id,
        parent_id: u.tenant_id,
        login: u.login,
        first_name: u.firstname,
        last_name: u.lastname,
        path: paths.get(u.tenant_id) ?? [],
      })),
    ];
    return hits.slice(0, input.limit);
  }
}
