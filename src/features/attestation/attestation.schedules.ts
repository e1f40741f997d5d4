import { tenantAccess } from '../../platform/access.js';
import { actorOf, recordAudit } from '../../platform/audit-trail.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import { fail } from '../../platform/errors.js';
import type { Principal } from '../../platform/scope.js';
import { contactTypes } from '../../platform/db/schema.people.js';
import * as repo from './attestation-sweep.repository.js';
import type { ScheduleInput } from './attestation.schemas.js';
import { scheduleView } from './attestation.views.js';

/** A partner's yearly campaign: the sweep starts it on its day and moves it a year on. */
export class AttestationSchedules {
  constructor(private readonly uow: UnitOfWork) {}

  async get(principal: Principal, tenantId: string) {
    await tenantAccess(this.uow.db, principal, tenantId, 'read');
    const found = await repo.findSchedule(this.uow.db, tenantId);
    if (!found) throw fail('attestation_schedule_not_found');
    return scheduleView(found);
  }

  async put(principal: Principal, tenantId: string, input: ScheduleInput) {
    return this.uow.run(async (trx, after) => {
      await tenantAccess(trx, principal, tenantId, 'write');
      const types = input.types?.length ? contactTypes.filter((t) => input.types!.includes(t)) : [...contactTypes];
      const values = {
        tenant_id: tenantId,
        types,
        older_than_days: input.older_than_days ?? null,
        next_run_at: new Date(input.next_run_at),
        created_by_type: principal.kind,
        created_by_id: principal.id,
      };
      await repo.putSchedule(trx, values);
      await recordAudit(trx, actorOf(principal), {
        tenantId,
        objectType: 'attestation_campaign',
        objectId: tenantId,
        action: 'schedule',
        after: { types, older_than_days: values.older_than_days, next_run_at: input.next_run_at },
      });
      after.wake('attestation');
      return scheduleView((await repo.findSchedule(trx, tenantId))!);
    });
  }

  async remove(principal: Principal, tenantId: string) {
    await this.uow.run(async (trx) => {
      await tenantAccess(trx, principal, tenantId, 'write');
      if (!(await repo.deleteSchedule(trx, tenantId))) throw fail('attestation_schedule_not_found');
      await recordAudit(trx, actorOf(principal), {
        tenantId,
        objectType: 'attestation_campaign',
        objectId: tenantId,
        action: 'unschedule',
      });
    });
  }
}
