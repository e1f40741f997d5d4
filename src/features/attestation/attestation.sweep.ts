import type { Config } from '../../platform/config.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import { enqueueMail } from '../../platform/mail/outbox.repository.js';
import { pickLanguage } from '../../platform/mail/render.js';
import { loadMailTokens, type MailTokens } from '../../platform/mail/mail-tokens.js';
import * as sweep from './attestation-sweep.repository.js';
import { markStale } from './attestation.repository.js';
import { questionMail } from './attestation.mails.js';
import { startCampaign } from './attestation.service.js';

const MAILS_PER_PASS = 200;
const STALE_PER_PASS = 5000;

/**
 * One pass of re-attestation's background work, each step its own short transaction: questions
 * whose campaign ended unanswered expire; due questions are mailed (the first time, then the
 * reminders); old confirmations turn stale; yearly campaigns due start. Answers how much it did
 * (the engine's loop goes again at once while it did something).
 */
export function attestationPass(uow: UnitOfWork, config: Config) {
  let tokens: Promise<MailTokens> | undefined;
  return async () => {
    tokens ??= loadMailTokens(uow.db);
    return onePass(uow, config, await tokens);
  };
}

async function onePass(uow: UnitOfWork, config: Config, tokens: MailTokens) {
  const { staleDays } = config.attestation;
  const expired = await uow.run((trx) => sweep.expireUnanswered(trx, staleDays));
  const mailed = await mailDue(uow, config, tokens);
  const stale = await uow.run((trx) => markStale(trx, staleDays, STALE_PER_PASS));
  const started = await uow.run(async (trx, after) => {
    const due = await sweep.claimDueSchedules(trx);
    for (const schedule of due) {
      // Started on behalf of whoever scheduled it: a decline is told to them.
      const by = { type: schedule.created_by_type as 'user' | 'client', id: schedule.created_by_id };
      await startCampaign(trx, config, by, schedule.tenant_id, schedule);
      await sweep.moveScheduleOn(trx, schedule.tenant_id);
    }
    if (due.length > 0) after.wake('attestation');
    return due.length;
  });
  return expired + mailed + stale + started;
}

async function mailDue(uow: UnitOfWork, config: Config, tokens: MailTokens) {
  const { reminderDays, maxReminders } = config.attestation;
  return uow.run(async (trx, after) => {
    const due = await sweep.claimDueRequests(trx, {
      remindBefore: new Date(Date.now() - reminderDays * 86_400_000),
      maxReminders,
      limit: MAILS_PER_PASS,
    });
    for (const q of due) {
      if (!q.email) continue;
      const token = tokens.sign('a', q.id, 'attest');
      const link = (answer: 'yes' | 'no') => `${config.publicUrl}/attest?token=${token}&answer=${answer}`;
      const mail = questionMail(pickLanguage(q.language, q.tenant_language), {
        firstname: q.firstname ?? '',
        tenantName: q.tenant_name,
        types: q.types,
        yes: link('yes'),
        no: link('no'),
        until: q.expires_at,
        reminder: q.sends > 0,
      });
      await enqueueMail(trx, { tenantId: q.tenant_id, kind: 'attestation', to: q.email, ...mail });
    }
    await sweep.markSent(
      trx,
      due.map((q) => q.id),
    );
    if (due.length > 0) after.wake('mail');
    return due.length;
  });
}
