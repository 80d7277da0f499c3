import type { AcceptedMail, InboundOutcome, RefusedMail } from '../mail/in/types.js';
import type { OutboundPlan } from '../compose/types.js';
import type { MessageRow, NewPart } from '../store/index.js';
import { crashPoint } from '../util/crash-point.js';
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
  // Disk full: fail, so the SMTP listener answers 451 and IMAP leaves the mail unflagged.
  ctx.disk?.refuse();
  try {
    if (outcome.kind === 'refused') refuse(ctx, outcome);
    else await queue(ctx, outcome);
    // Answered 250 or flagged when this returns: the mail (or its quarantined bytes) on disk first.
    await ctx.store.durable();
  } catch (e) {
    ctx.disk?.observe(e);
    throw e;
  }
}

async function queue(ctx: PipelineContext, mail: AcceptedMail): Promise<void> {
  await queuePlan(ctx, {
    plan: mail.plan,
    sender: mail.sender,
    // Sender + Message-ID + content digest (mail-in `emailIdentity`): a different mail reusing a Message-ID is not swallowed.
    identity: mail.dedupKey,
    date: mail.source.receivedAt,
    expiresAt: mail.expiresAt,
    ...(mail.via !== undefined ? { via: mail.via } : {}),
    event: { kind: 'email-accepted', detail: { source: mail.source.id, sender: mail.sender, to: mail.plan.to, kind: mail.plan.kind, ...(mail.via !== undefined ? { from: mail.via } : {}) } },
    raw: { kind: 'email', body: mail.raw, receivedAt: mail.source.receivedAt, source: mail.source.transport },
  });
}

/** One composed outbound message, from whichever door it came in (mail, REST API, web form, MM7). */
export interface QueuedPlan {
  readonly plan: OutboundPlan;
  /** Who asked, stored as the message's sender: a mail address, or `api:<token>` / `web:<user>` / `mm7:<vasp>`. */
  readonly sender: string;
  /** Unique identity of the request (a mail's Message-ID, an idempotency key): offered twice, queued once. */
  readonly identity: string;
  readonly date: Date;
  readonly expiresAt: Date;
  /** The event recorded with the message when it is queued. */
  readonly event: { readonly kind: string; readonly detail: Readonly<Record<string, unknown>> };
  /** The box's own number the sender asked to send from (several modems); the sending modem is the one holding it. */
  readonly via?: string;
  /** The request as received, kept beside the message (the mail, for mail). */
  readonly raw?: { readonly kind: 'email'; readonly body: Uint8Array; readonly receivedAt: Date; readonly source: string };
  /** The door's own writes about the new message (an MM7 submission's record), in the same transaction. */
  readonly alsoWrite?: (message: MessageRow) => void;
}

/**
 * The one durable path of every outbound message: parts and the message row, its event and
 * its send job are committed in one transaction (shared with the other messages queued in the
 * same turn). Returns the message and whether this call created it (false: the identity was
 * queued before, nothing new was queued).
 */
export async function queuePlan(ctx: PipelineContext, q: QueuedPlan): Promise<{ message: MessageRow; created: boolean }> {
  const { store } = ctx;
  const known = store.messages.getByEmailMessageId(q.identity);
  if (known) {
    // Queued by an earlier request whose commit may not be on disk yet: the answer waits for it.
    await store.durable();
    return { message: known, created: false };
  }
  crashPoint('mailin-before-queue');
  const plan = q.plan;
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
  const raw = q.raw;
  const rawBody = raw ? await store.content.prepareBodies([{ body: raw.body }]) : undefined;
  // Committed with whatever else is queued in this turn of the event loop (mails, API and MM7
  // requests arriving together share one commit and one fsync: src/store/turn-commit.ts).
  const queued = await store.inTurnCommit(() => {
    const result = store.messages.insertOrGet(
      {
        direction: 'out',
        kind: plan.kind,
        state: 'queued',
        from: q.sender,
        to: plan.to,
        subject: plan.kind === 'mms' ? (plan.subject ?? null) : null,
        date: q.date.getTime(),
        emailMessageId: q.identity,
        expiry: q.expiresAt.getTime(),
        box: q.via ?? ctx.ownNumber ?? null,
        at: ctx.now(),
      },
      'emailMessageId',
    );
    if (!result.created) return result;
    const { message } = result;
    if (q.via !== undefined) store.modemLinks.setVia(message.id, q.via);
    store.content.replaceParts(message.id, prepared);
    if (raw && rawBody) store.content.addRawPdu({ kind: raw.kind, body: rawBody[0]!.body, msgId: message.id, receivedAt: raw.receivedAt.getTime(), source: raw.source });
    store.events.add(message.id, q.event.kind, q.event.detail, ctx.now());
    q.alsoWrite?.(message);
    ctx.enqueue({ kind: plan.kind === 'sms' ? JOB.sendSms : JOB.sendMms, key: `send-${plan.kind}:${message.id}`, payload: { msgId: message.id } });
    return result;
  });
  // Every door answers "queued" when this returns (250, 201, SubmitRsp): on disk first.
  await store.durable();
  crashPoint('mailin-after-queue');
  return queued;
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
