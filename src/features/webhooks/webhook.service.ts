import { randomBytes } from 'node:crypto';
import { assertWritable, tenantAccess } from '../../platform/access.js';
import type { Db } from '../../platform/db/database.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import { actorOf, recordAudit } from '../../platform/audit-trail.js';
import { fail, invalidField, versionMismatch } from '../../platform/errors.js';
import { recordEvent } from '../../platform/events.js';
import { resolveTarget, TargetRefused } from '../../platform/outbound-target.js';
import type { Principal } from '../../platform/scope.js';
import * as repo from './webhook.repository.js';
import { checkEvents, toDelivery, toWebhook } from './webhook.mapping.js';
import type { CreateWebhookInput, UpdateWebhookInput } from './webhook.schemas.js';

/** How long the secret before a rotation keeps signing beside the new one. */
const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** A Standard Webhooks secret: whsec_ and the base64 of 24 random bytes. */
const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/** Each change to a webhook in the audit trail of its tenant, in the change's transaction; never a secret. */
const audit = (trx: Db, principal: Principal, row: { id: string; tenant_id: string }, change: Change) =>
  recordAudit(trx, actorOf(principal), { tenantId: row.tenant_id, objectType: 'webhook', objectId: row.id, ...change });
type Change = { action: string; before?: unknown; after?: unknown };

export class WebhookService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly allowPrivate: boolean,
  ) {}

  private get db() {
    return this.uow.db;
  }

  /** Resolved before the transaction opens (DNS may take a while); refused URLs answer 400 naming url. */
  private async checkUrl(url: string) {
    try {
      await resolveTarget(url, this.allowPrivate);
    } catch (error) {
      if (error instanceof TargetRefused) throw invalidField('url', error.message);
      throw error;
    }
  }

  private async readable(principal: Principal, id: string, db: Db = this.db) {
    const row = await repo.findWebhook(db, principal.read, id);
    if (!row) throw fail('webhook_not_found');
    return row;
  }

  private async writable(trx: Db, principal: Principal, id: string) {
    const row = await this.readable(principal, id, trx);
    await assertWritable(trx, principal, row.tenant_id);
    return row;
  }

  async create(principal: Principal, input: CreateWebhookInput) {
    const events = checkEvents(input.events);
    await this.checkUrl(input.url);
    return this.uow.run(async (trx) => {
      const tenant = await tenantAccess(trx, principal, input.tenant_id, 'write', { field: 'tenant_id' });
      const secret = newSecret();
      const id = await repo.insertWebhook(trx, {
        tenant_id: tenant.id,
        url: input.url,
        events,
        description: input.description ?? null,
        enabled: input.enabled ?? true,
        secret,
        previous_secret: null,
        previous_secret_expires_at: null,
        disabled_reason: null,
        failing_since: null,
        updated_at: new Date(),
      });
      const created = toWebhook((await repo.findWebhook(trx, principal.read, id))!);
      await audit(trx, principal, created, { action: 'create', after: created });
      return { ...created, secret };
    });
  }

  async get(principal: Principal, id: string) {
    return toWebhook(await this.readable(principal, id));
  }

  async list(principal: Principal, tenantId: string) {
    await tenantAccess(this.db, principal, tenantId, 'read', { field: 'tenant_id' });
    return (await repo.findWebhooksOfTenant(this.db, principal.read, tenantId)).map(toWebhook);
  }

  async update(principal: Principal, id: string, input: UpdateWebhookInput) {
    const events = input.events && checkEvents(input.events);
    if (input.url !== undefined) await this.checkUrl(input.url);
    return this.uow.run(async (trx) => {
      const row = await this.writable(trx, principal, id);
      if (row.version !== input.version) throw versionMismatch(row.version);
      const patch = {
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(events ? { events } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        // Turned on again by hand: its failures start over.
        ...(input.enabled ? { disabled_reason: null, failing_since: null } : {}),
      };
      if (!(await repo.updateWebhook(trx, principal.write, id, input.version, patch))) throw versionMismatch();
      const after = toWebhook((await repo.findWebhook(trx, principal.read, id))!);
      await audit(trx, principal, row, { action: 'update', before: toWebhook(row), after });
      return after;
    });
  }

  async remove(principal: Principal, id: string, version?: number) {
    await this.uow.run(async (trx) => {
      const row = await this.writable(trx, principal, id);
      if (version !== undefined && row.version !== version) throw versionMismatch(row.version);
      await repo.deleteWebhook(trx, principal.write, id);
      await audit(trx, principal, row, { action: 'delete', before: toWebhook(row) });
    });
  }

  /** A new secret; the old one signs beside it for 24 hours, so receivers can switch without losing events. */
  async rotateSecret(principal: Principal, id: string) {
    return this.uow.run(async (trx) => {
      const row = await this.writable(trx, principal, id);
      const secret = newSecret();
      const patch = {
        secret,
        previous_secret: row.secret,
        previous_secret_expires_at: new Date(Date.now() + ROTATION_OVERLAP_MS),
      };
      if (!(await repo.updateWebhook(trx, principal.write, id, row.version, patch))) throw versionMismatch();
      const after = toWebhook((await repo.findWebhook(trx, principal.read, id))!);
      await audit(trx, principal, row, {
        action: 'rotate_secret',
        after: { previous_secret_expires_at: after.previous_secret_expires_at },
      });
      return { ...after, secret };
    });
  }

  /** Sends a webhook.test event to this webhook alone, whatever its events (a disabled one gets it once enabled). */
  async sendTest(principal: Principal, id: string) {
    return this.uow.run(async (trx) => {
      const row = await this.writable(trx, principal, id);
      await recordEvent(
        trx,
        { type: 'webhook.test', tenantId: row.tenant_id, objectId: row.id, data: { webhook_id: row.id } },
        { to: row.id },
      );
      return toDelivery(await repo.deliveryOfEvent(trx, row.id));
    });
  }

  async deliveries(principal: Principal, id: string, limit: number) {
    const row = await this.readable(principal, id);
    return (await repo.findDeliveries(this.db, row.id, limit)).map(toDelivery);
  }

  async redeliver(principal: Principal, id: string, deliveryId: string) {
    return this.uow.run(async (trx, after) => {
      const row = await this.writable(trx, principal, id);
      const before = await repo.findDelivery(trx, row.id, deliveryId);
      if (!before) throw fail('webhook_delivery_not_found');
      await repo.restartDelivery(trx, row.id, deliveryId);
      after.wake('webhooks');
      const delivery = toDelivery((await repo.findDelivery(trx, row.id, deliveryId))!);
      await audit(trx, principal, row, {
        action: 'redeliver',
        before: { delivery_id: deliveryId, status: before.status, attempts: before.attempts },
        after: { delivery_id: deliveryId, event: delivery.event, message_id: delivery.message_id },
      });
      return delivery;
    });
  }
}
