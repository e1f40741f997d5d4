import { tenantAccess } from '../../platform/access.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import type { Principal } from '../../platform/scope.js';
import type { ContactService } from '../contacts/contact.service.js';
import { exportRecords } from './transfer.export.js';

export class ContactTransferService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly contacts: ContactService,
  ) {}

  /** The tenant (404 when the caller cannot see it) and its contacts, read page by page as the stream is read. */
  async export(principal: Principal, tenantId: string, subtree: boolean) {
    const tenant = await tenantAccess(this.uow.db, principal, tenantId, 'read');
    return { tenant, records: exportRecords(this.uow.db, this.contacts, principal, { tenantId, subtree }) };
  }
}
