import type { AcceptedMail, InboundOutcome, RefusedMail } from '../mail/in/types.js';
import type { NewPart } from '../store/index.js';
import { JOB, type PipelineContext } from './context.js';

/** Name of the SMIL part of an outbound MMS (OMA-TS-MMS_CONF §8: the start of multipart/related). */
export const SMIL_CONTENT_ID = 'smil';

/**
 * The durable hand-off of mail in (IMAP poller, SMTP listener): when this returns, the mail
 * is in the store — accepted as an outbound message with its send job, or refused with its
 * raw bytes in quarantine and a reply queued — and only then may the mail be marked processed
 * (IMAP) or answered 250 (SMTP). Idempotent on the mail's identity: the same mail offered
 * twice (a poller restarted before it flagged the mail) is queued once.
 */
export async function acceptInbound(ctx: PipelineContext, outcome: InboundOutcome): Promise<void> {
  if (outcome.kind === 'refused') return refuse(ctx, outcome);
  return queue(ctx, outcome);
}

async function queue(ctx: PipelineContext, mail: AcceptedMail): Promise<void> {
  const { store } = ctx;
  // Sender + Message-ID + content digest (mail-in `emailIdentity`): a different mail reusing a Message-ID is not swallowed.
  const identity = mail.dedupKey;
  if (store.messages.getByEmailMessageId(identity)) return;
  const plan = mail.plan;
  const parts: NewPart[] =
    plan.kind === 'sms'
      ? [{ contentType: 'text/plain', params: { charset: 'utf-8' }, charset: 'utf-8', body: Buffer.from(plan.text, 'utf8') }]
      : [
          { contentType: 'application/smil', params: { charset: 'utf-8' }, charset: 'utf-8', contentId: `<${SMIL_CONTENT_ID}>`, contentLocation: 'smil.xml', body: Buffer.from(plan.smil, 'utf8') },
          ...plan.parts.map((p) => ({
            contentType: p.contentType,
            params: (p.charset ? { charset: p.charset } : {}) as Record<string, string>,
            charset: p.charset ?? null,
            contentId: `<${p.contentId}>`,
            contentLocation: p.contentLocation,
            filename: p.contentLocation,
            body: p.body,
          })),
        ];
  const prepared = await store.content.prepareBodies(parts);
  const rawEmail = await store.content.prepareBodies([{ body: mail.raw }]);
  store.tx(() => {
    const { message, created } = store.messages.insertOrGet(
      {
        direction: 'out',
        kind: plan.kind,
        state: 'queued',
        from: mail.sender,
        to: plan.to,
        subject: plan.kind === 'mms' ? (plan.subject ?? null) : null,
        date: mail.source.receivedAt.getTime(),
        emailMessageId: identity,
        expiry: mail.expiresAt.getTime(),
        box: ctx.ownNumber ?? null,
        at: ctx.now(),
      },
      'emailMessageId',
    );
    if (!created) return;
    store.content.replaceParts(message.id, prepared);
    store.content.addRawPdu({ kind: 'email', body: rawEmail[0]!.body, msgId: message.id, receivedAt: mail.source.receivedAt.getTime(), source: mail.source.transport });
    store.events.add(message.id, 'email-accepted', { source: mail.source.id, sender: mail.sender, to: plan.to, kind: plan.kind }, ctx.now());
    ctx.enqueue({ kind: plan.kind === 'sms' ? JOB.sendSms : JOB.sendMms, key: `send-${plan.kind}:${message.id}`, payload: { msgId: message.id } });
  });
}

function refuse(ctx: PipelineContext, mail: RefusedMail): void {
  const { store } = ctx;
  store.tx(() => {
    const q = store.intake.quarantine({
      source: `email:${mail.source.transport}`,
      bytes: mail.raw,
      errorCode: mail.refusal.code,
      message: mail.refusal.reason,
      at: ctx.now(),
    });
    ctx.log.info({ quarantineId: q.id, code: mail.refusal.code, sender: mail.sender, reply: mail.reply !== undefined }, 'mail refused');
    if (mail.reply) ctx.enqueue({ kind: JOB.notifySender, key: `reply:${mail.source.id}`, payload: { reply: mail.reply } });
  });
}
