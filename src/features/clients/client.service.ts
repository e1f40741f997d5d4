import type { Static } from '@sinclair/typebox';
import { assertWritable, tenantAccess } from '../../platform/access.js';
import type { Db } from '../../platform/db/database.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import type { ApiClientRow } from '../../platform/db/schema.js';
import { fail } from '../../platform/errors.js';
import type { Principal } from '../../platform/scope.js';
import { newToken } from '../../platform/secrets.js';
import * as repo from './client.repository.js';
import type { Client, CreateClientInput, UpdateClientInput } from './client.schemas.js';

function toClient(row: ApiClientRow): Static<typeof Client> {
  return {
    client_id: row.id,
    tenant_id: row.tenant_id,
    type: 'api_client',
    token_endpoint_auth_method: row.auth_method as Static<typeof Client>['token_endpoint_auth_method'],
    status: row.status as Static<typeof Client>['status'],
    created_at: row.created_at.toISOString(),
    created_by: row.created_by,
    data: { client_name: row.name },
    last_access_at: row.last_access_at ? row.last_access_at.toISOString() : null,
    last_access_from_ip: row.last_access_from_ip,
  };
}

export class ClientService {
  constructor(private readonly uow: UnitOfWork) {}

  private get db() {
    return this.uow.db;
  }

  async create(principal: Principal, input: CreateClientInput) {
    return this.uow.run(async (trx) => {
      const tenant = await tenantAccess(trx, principal, input.tenant_id, 'write', { field: 'tenant_id' });
      // The secret is random and long, so a plain SHA-256 suffices (no password hashing).
      const secret = newToken();
      const id = await repo.insertClient(trx, {
        tenant_id: tenant.id,
        secret_hash: secret.hash,
        name: input.data.client_name,
        auth_method: input.token_endpoint_auth_method ?? 'client_secret_basic',
        created_by: principal.id,
      });
      const {
        last_access_at: _a,
        last_access_from_ip: _b,
        ...client
      } = toClient((await repo.findClient(trx, principal.read, id))!);
      return { ...client, client_secret: secret.token, client_secret_expires_at: 0 };
    });
  }

  async get(principal: Principal, id: string) {
    const row = await repo.findClient(this.db, principal.read, id);
    if (!row) throw fail('client_not_found');
    return toClient(row);
  }

  async update(principal: Principal, id: string, input: UpdateClientInput) {
    return this.uow.run(async (trx) => {
      const row = await repo.findClient(trx, principal.read, id);
      if (!row) throw fail('client_not_found');
      await assertWritable(trx, principal, row.tenant_id);
      const patch = {
        ...(input.data ? { name: input.data.client_name } : {}),
        ...(input.status ? { status: input.status } : {}),
      };
      // A PUT that changes nothing (an empty body) answers the client as it is.
      if (Object.keys(patch).length === 0) return toClient(row);
      await repo.updateClient(trx, principal.write, id, patch);
      return toClient((await repo.findClient(trx, principal.read, id))!);
    });
  }

  async remove(principal: Principal, id: string) {
    await this.uow.run(async (trx) => {
      const row = await repo.findClient(trx, principal.read, id);
      if (!row) throw fail('client_not_found');
      await assertWritable(trx, principal, row.tenant_id);
      await repo.deleteClient(trx, principal.write, id);
    });
  }

  /** Inside the deletion of their tenant (see use-cases/delete-tenant.ts): its clients stop working with it. */
  async deleteAllOfTenant(trx: Db, principal: Principal, tenantId: string) {
    await repo.deleteClientsOfTenant(trx, principal.write, tenantId);
  }
}
