import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartnerWorld, startTestApp, type PartnerWorld, type TestApp } from '../../test/support/test-app.js';
import { pruneWebhookHistory } from './webhook-queue.repository.js';

// The outbox's retention, on the real schema: what is settled and old goes, what is pending stays.

let t: TestApp;
let p: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'Pruned');
});
afterAll(() => t?.close());

describe('pruneWebhookHistory', () => {
  it('forgets old settled events with their deliveries, and keeps pending and recent ones', async () => {
    // Disabled: no worker sends these while the test looks at them.
    const webhook = await t.db
      .insertInto('webhooks')
      .values({
        tenant_id: p.partnerId,
        url: 'https://93.184.215.14/hook',
        events: ['contact.*'],
        description: null,
        enabled: false,
        secret: 'whsec_' + Buffer.alloc(24, 1).toString('base64'),
        previous_secret: null,
        previous_secret_expires_at: null,
        disabled_reason: null,
        failing_since: null,
        updated_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const old = new Date(Date.now() - 40 * 86_400_000);
    const event = async (createdAt: Date, status: 'pending' | 'succeeded' | 'failed') => {
      const row = await t.db
        .insertInto('webhook_events')
        .values({
          type: 'contact.updated',
          tenant_id: p.partnerId,
          object_id: 'x',
          payload: '{}',
          created_at: createdAt,
        })
        .returning(['id', 'seq'])
        .executeTakeFirstOrThrow();
      await t.db
        .insertInto('webhook_deliveries')
        .values({ webhook_id: webhook.id, event_id: row.id, seq: row.seq, object_id: 'x', status })
        .execute();
      return row.id;
    };
    const oldDone = await event(old, 'succeeded');
    const oldFailed = await event(old, 'failed');
    const oldPending = await event(old, 'pending');
    const recent = await event(new Date(), 'succeeded');
    const cutoff = new Date(Date.now() - 30 * 86_400_000);
    expect(await pruneWebhookHistory(t.db, cutoff, 1)).toBe(1);
    expect(await pruneWebhookHistory(t.db, cutoff, 100)).toBe(1);
    expect(await pruneWebhookHistory(t.db, cutoff, 100)).toBe(0);
    const left = await t.db.selectFrom('webhook_events').select('id').where('tenant_id', '=', p.partnerId).execute();
    expect(left.map((e) => e.id).sort()).toEqual([oldPending, recent].sort());
    const deliveries = await t.db.selectFrom('webhook_deliveries').select('event_id').execute();
    expect(deliveries.map((d) => d.event_id)).not.toContain(oldDone);
    expect(deliveries.map((d) => d.event_id)).not.toContain(oldFailed);
  });
});
