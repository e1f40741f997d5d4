import { tenantAccess } from '../../platform/access.js';
import type { Db } from '../../platform/db/database.js';
import type { ContactType } from '../../platform/db/schema.js';
import { fail } from '../../platform/errors.js';
import { CursorFields, cursorOf, paged } from '../../platform/http/paging.js';
import type { Principal } from '../../platform/scope.js';
import type { ContactService } from '../contacts/contact.service.js';
import { findFallbackCeiling } from './recipients.repository.js';
import * as repo from './coverage.repository.js';

const cursor = cursorOf({ afterId: CursorFields.Uuid });

export class CoverageService {
  constructor(
    private readonly db: Db,
    private readonly contacts: ContactService,
  ) {}

  async effectiveContacts(principal: Principal, tenantId: string, type: ContactType) {
    // The same ceiling as the caller's own announcement to this tenant would have.
    await tenantAccess(this.db, principal, tenantId, 'read');
    const ceiling = await findFallbackCeiling(this.db, principal, tenantId);
    if (!ceiling) throw fail('tenant_not_found');
    const rows = await repo.findEffectiveContacts(this.db, ceiling, tenantId, type);
    if (rows.length === 0) return [];
    const contacts = new Map(
      (
        await this.contacts.byIds(
          principal,
          rows.map((r) => r.contact_id),
        )
      ).map((c) => [c.id, c]),
    );
    return rows
      .filter((r) => contacts.has(r.contact_id))
      .map((r) => ({ ...contacts.get(r.contact_id)!, inherited: r.inherited, deliverable: r.valid }));
  }

  async coverage(
    principal: Principal,
    tenantId: string,
    query: { type?: ContactType; limit?: number; after?: string },
  ) {
    await tenantAccess(this.db, principal, tenantId, 'read');
    const { total, covered } = await repo.countCoverage(this.db, tenantId);
    const limit = query.limit ?? 100;
    const afterId = query.after ? cursor.decode(query.after).afterId : undefined;
    const types: ContactType[] = query.type ? [query.type] : ['billing', 'technical', 'management'];
    const rows = await repo.findUncovered(this.db, principal.read, tenantId, { types, afterId, limit });
    const bounced = await repo.countBouncedPrimaries(this.db, tenantId, total);
    return {
      tenants: total,
      types: (['billing', 'technical', 'management'] as const).map((type) => ({
        type,
        covered: covered[type],
        uncovered: total - covered[type],
        primary_undeliverable: bounced[type],
      })),
      attestation: await repo.countAttention(this.db, tenantId),
      missing: paged(rows, limit, (last) => cursor.encode({ afterId: last.id })),
    };
  }
}
