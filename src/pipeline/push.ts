import { decodeMms, type MmsPdu } from '../codec/mms/index.js';
import { decodePush, isMmsPush } from '../codec/wsp/index.js';
import type { DecodeError } from '../util/errors.js';
import { JOB, type PipelineContext } from './context.js';
import { commitNow, type LastWrites } from './last-writes.js';
import { receivedBy, recordReceivedBy } from './received-by.js';

/** Where a push came from: the SMS segments that carried it. */
export interface PushOrigin {
  readonly from: string;
  readonly date: number;
  readonly rawPduIds: readonly number[];
  readonly segmentIds: readonly number[];
  readonly incomplete: boolean;
  /** Decoder warnings so far (the SMS layer's, then the push's and the MMS's): stored with the message. */
  readonly warnings?: readonly string[];
}

/**
 * A WAP Push (WAP-251) reassembled from SMS: an MMS notification (m-notification-ind,
 * OMA-TS-MMS_ENC §6.2) becomes an inbound MMS waiting to be fetched; an m-delivery-ind or
 * m-read-orig-ind updates the outbound message it reports on; anything else (SI, SL,
 * provisioning) is kept and reported as unsupported. The carrying SMS segments are linked to
 * the resulting message row in the same transaction, and the push bytes are kept raw.
 */
export async function handlePush(ctx: PipelineContext, payload: Uint8Array, sms: PushOrigin, last: LastWrites = commitNow(ctx.store)): Promise<void> {
  const record = decide(ctx, payload, sms);
  // A large push body goes to a blob file now (durably); the row that names it is a last write.
  const [raw] = await ctx.store.content.prepareBodies([{ body: payload }]);
  // Every write of the push — its raw bytes, then the message or report it makes, or the note
  // and quarantine entry of one that is refused or undecodable — is one last write: nothing
  // here talks to the outside world, so a crash before they are committed runs the step again.
  // Another job for the same segments may have read them too: the first to commit records the
  // push, the others find its segments claimed and write nothing.
  last(() => {
    if (!ctx.store.intake.unclaimed(sms.segmentIds, sms.rawPduIds)) return;
    record(ctx.store.content.addRawPdu({ kind: 'wap-push', body: raw!.body, receivedAt: ctx.now(), source: 'sms' }).id);
  });
}

/** Decodes the push and decides what it becomes; returns the writes that record it, given the raw push's row. */
function decide(ctx: PipelineContext, payload: Uint8Array, sms: PushOrigin): (rawPushId: number) => void {
  // Several modems: the policy of the SIM's carrier that received it.
  const by = receivedBy(ctx, sms.rawPduIds);
  const policy = (by.modem !== undefined ? ctx.pushPolicyFor?.(by.modem) : undefined) ?? ctx.pushPolicy;
  // WAP Push from an originator the carrier does not push from is never acted on.
  if (policy && !policy.sourceAllowed(sms.from)) {
    return (id) => refusePush(ctx, payload, sms, id, 'PUSH_SOURCE_REFUSED', `WAP Push from ${sms.from}, which is not a push source of the carrier`, 'push-source-refused', undefined);
  }
  const push = decodePush(payload);
  if (!push.ok) return (id) => keepUndecodable(ctx, 'wap-push', payload, push.error, sms, id);
  let origin: PushOrigin = withWarnings(sms, push.value.warnings);
  if (!isMmsPush(push.value)) {
    const type = push.value.contentType.mediaType;
    const o = origin;
    return (id) =>
      keepNote(ctx, o, id, 'rejected', `Unsupported WAP Push (${type}, application ${String(push.value.applicationId ?? 'none')})`, {
        event: 'push-unsupported',
        detail: { contentType: type, applicationId: push.value.applicationId ?? null },
      });
  }
  const mms = decodeMms(push.value.body);
  if (!mms.ok) {
    const o = origin;
    return (id) => keepUndecodable(ctx, 'mms', push.value.body, mms.error, o, id);
  }
  const pdu = mms.value;
  origin = withWarnings(origin, pdu.warnings);
  const o = origin;
  switch (pdu.messageType) {
    case 'm-notification-ind': {
      const refused = pdu.contentLocation ? policy?.locationRefused(pdu.contentLocation) : undefined;
      if (refused) {
        const why = `MMS notification refused: the location ${pdu.contentLocation ?? ''} is not fetched (${refused.reason})`;
        return (id) => refusePush(ctx, payload, o, id, refused.code, why, 'location-refused', pdu);
      }
      return (id) => notification(ctx, pdu, o, id);
    }
    case 'm-delivery-ind':
    case 'm-read-orig-ind':
      return (id) => report(ctx, pdu, o, id);
    default:
      return (id) =>
        keepNote(ctx, o, id, 'rejected', `Unexpected ${pdu.messageType} by WAP Push`, {
          event: 'push-unexpected',
          detail: { messageType: pdu.messageType },
        });
  }
}

function notification(ctx: PipelineContext, pdu: MmsPdu, origin: PushOrigin, rawPushId: number): void {
  const { store } = ctx;
  const expiry = expiryOf(pdu, ctx.now());
  const by = receivedBy(ctx, origin.rawPduIds);
  store.tx(() => {
    const { message, created } = store.messages.insertOrGet(
      {
        direction: 'in',
        kind: 'mms',
        state: 'notified',
        from: pdu.from?.value ?? origin.from,
        to: by.box ? [by.box] : [],
        subject: pdu.subject ?? null,
        date: origin.date,
        transactionId: pdu.transactionId ?? `push-${rawPushId}`,
        contentLocation: pdu.contentLocation ?? null,
        size: pdu.messageSize ?? null,
        expiry,
        box: by.box ?? null,
        at: ctx.now(),
      },
      'transactionId',
    );
    if (created) recordReceivedBy(ctx, message.id, by);
    link(ctx, message.id, origin, rawPushId);
    if (!created) {
      // Carriers resend notifications; the transaction id says it is the same message. For a
      // message whose retrieval failed or was refused, that is the network asking again: try again.
      if (message.state === 'failed' || message.state === 'rejected') {
        const job = store.jobs.getByKey(`mms-retrieve:${message.id}`);
        store.messages.update(message.id, { state: 'notified', ...(expiry !== null ? { expiry } : {}) }, ctx.now());
        store.events.add(message.id, 'notification-resent', { rawPushId, previousState: message.state, retry: true }, ctx.now());
        if (job && (job.state === 'dead' || job.state === 'done')) store.jobs.requeue(job.id, ctx.now());
        else ctx.enqueue({ kind: JOB.mmsRetrieve, key: `mms-retrieve:${message.id}`, payload: { msgId: message.id } });
        return;
      }
      store.events.add(message.id, 'duplicate-notification', { rawPushId }, ctx.now());
      return;
    }
    store.events.add(message.id, 'push-received', { transactionId: pdu.transactionId, size: pdu.messageSize, contentLocation: pdu.contentLocation }, ctx.now());
    ctx.enqueue({ kind: JOB.mmsRetrieve, key: `mms-retrieve:${message.id}`, payload: { msgId: message.id } });
  });
}

function report(ctx: PipelineContext, pdu: MmsPdu, origin: PushOrigin, rawPushId: number): void {
  const { store } = ctx;
  const kind = pdu.messageType === 'm-delivery-ind' ? 'delivery' : 'read';
  const status = kind === 'delivery' ? (pdu.status ?? 'indeterminate') : (pdu.readStatus ?? 'read');
  const recipient = pdu.to[0]?.value ?? pdu.from?.value ?? null;
  store.tx(() => {
    const sent = pdu.messageId ? store.messages.getByMessageId(pdu.messageId, 'out') : undefined;
    const holder = sent ?? store.messages.insert({
      direction: 'in',
      kind: 'sms',
      state: 'rejected',
      from: origin.from,
      subject: `${kind === 'delivery' ? 'Delivery' : 'Read'} report for unknown message ${pdu.messageId ?? '(no Message-ID)'}`,
      date: origin.date,
      at: ctx.now(),
    });
    link(ctx, holder.id, origin, rawPushId);
    const r = store.reports.add({ kind, messageId: pdu.messageId ?? null, msgId: sent?.id ?? null, recipient, status, at: ctx.now(), rawPduId: rawPushId });
    store.events.add(holder.id, `${kind}-report`, { status, recipient }, ctx.now());
    if (sent) {
      if (kind === 'delivery' && status === 'retrieved' && sent.state === 'sent') store.messages.setState(sent.id, 'delivered', ctx.now());
      if (kind === 'read' && status === 'read') store.messages.setState(sent.id, 'read', ctx.now());
      // Keyed by what the report says, not by its row: an MMSC that pushes the same report
      // again (a new push, so not caught as a duplicate SMS) must not mail the sender twice.
      ctx.enqueue({ kind: JOB.notifySender, key: `notify:${sent.id}:${recipient ?? ''}:${kind}:${status}`, payload: { reportId: r.id, msgId: sent.id } });
    }
  });
}

function keepUndecodable(ctx: PipelineContext, source: string, bytes: Uint8Array, e: DecodeError, origin: PushOrigin, rawPushId: number): void {
  const q = ctx.store.intake.quarantine({ source, bytes, errorCode: e.code, errorField: e.field, errorOffset: e.offset, message: e.message, at: ctx.now() });
  ctx.log.warn({ quarantineId: q.id, err: e.message }, `undecodable ${source} quarantined`);
  keepNote(ctx, origin, rawPushId, 'failed', `Undecodable ${source === 'mms' ? 'MMS notification' : 'WAP Push'}: ${e.message}`, {
    event: 'quarantined',
    detail: { quarantineId: q.id, code: e.code, field: e.field, offset: e.offset },
  });
}

/**
 * A push the policy refuses (stranger's originator, Content-Location not fetchable): kept
 * raw in quarantine with the reason, one rejected row linked to its SMS, and, for a refused
 * notification, a notice to the owner. Nothing is fetched.
 */
function refusePush(ctx: PipelineContext, payload: Uint8Array, origin: PushOrigin, rawPushId: number, code: string, reason: string, event: string, pdu: MmsPdu | undefined): void {
  ctx.store.tx(() => refuseInTx(ctx, payload, origin, rawPushId, code, reason, event, pdu));
}

function refuseInTx(ctx: PipelineContext, payload: Uint8Array, origin: PushOrigin, rawPushId: number, code: string, reason: string, event: string, pdu: MmsPdu | undefined): void {
  const q = ctx.store.intake.quarantine({ source: 'wap-push', bytes: payload, errorCode: code, message: reason, at: ctx.now() });
  ctx.log.warn({ quarantineId: q.id, from: origin.from, code }, reason);
  keepNote(ctx, origin, rawPushId, 'rejected', reason, {
    event,
    detail: { quarantineId: q.id, code, reason, from: origin.from, ...(pdu ? { transactionId: pdu.transactionId ?? null, contentLocation: pdu.contentLocation ?? null } : {}) },
  });
  const owner = ctx.pushPolicy?.owner;
  if (owner && pdu) {
    const text = [
      'The gateway received an MMS notification it will not act on:',
      '',
      `  from:     ${origin.from}${pdu.from?.value ? ` (announced sender ${pdu.from.value})` : ''}`,
      `  subject:  ${pdu.subject ?? '(none)'}`,
      `  size:     ${pdu.messageSize ?? '?'} bytes`,
      `  location: ${pdu.contentLocation ?? '(none)'}`,
      `  reason:   ${reason}`,
      '',
      `The notification is kept in quarantine as #${q.id} (mmsgw quarantine).`,
      '',
    ].join('\n');
    ctx.enqueue({
      kind: JOB.notifySender,
      key: `push-refused:${rawPushId}`,
      payload: { reply: { envelope: { from: '', to: owner.mailbox }, from: owner.from, to: owner.mailbox, subject: 'MMS notification refused', text, headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' } } },
    });
  }
}

/**
 * A retrieval the URL policy stopped at fetch time (a redirect, or a host that resolved into a
 * refused range): the message is kept as `rejected` with the reason (its push stays linked)
 * and the owner is told, as for a location refused when the notification arrived.
 */
export function locationRefusedAtFetch(ctx: PipelineContext, msgId: number, reason: string): void {
  const msg = ctx.store.messages.get(msgId);
  if (!msg) return;
  ctx.store.tx(() => {
    ctx.store.messages.setState(msgId, 'rejected', ctx.now());
    ctx.store.events.add(msgId, 'location-refused', { reason, contentLocation: msg.contentLocation }, ctx.now());
    const owner = ctx.pushPolicy?.owner;
    if (!owner) return;
    const text = [
      'The gateway refused to fetch an announced MMS:',
      '',
      `  from:     ${msg.from ?? '?'}`,
      `  subject:  ${msg.subject ?? '(none)'}`,
      `  size:     ${msg.size ?? '?'} bytes`,
      `  location: ${msg.contentLocation ?? '(none)'}`,
      `  reason:   ${reason}`,
      '',
      `It is kept as message #${msgId}.`,
      '',
    ].join('\n');
    ctx.enqueue({
      kind: JOB.notifySender,
      key: `fetch-refused:${msgId}`,
      payload: { reply: { envelope: { from: '', to: owner.mailbox }, from: owner.from, to: owner.mailbox, subject: 'MMS notification refused', text, headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' } } },
    });
  });
}

/** A push that is not a message to relay: one row so its SMS and bytes stay linked and visible. */
function keepNote(
  ctx: PipelineContext,
  origin: PushOrigin,
  rawPushId: number,
  state: 'rejected' | 'failed',
  subject: string,
  ev: { event: string; detail: unknown },
): void {
  ctx.store.tx(() => {
    const m = ctx.store.messages.insert({ direction: 'in', kind: 'sms', state, from: origin.from, subject, date: origin.date, incomplete: origin.incomplete, at: ctx.now() });
    link(ctx, m.id, origin, rawPushId);
    ctx.store.events.add(m.id, ev.event, ev.detail, ctx.now());
  });
}

function withWarnings(origin: PushOrigin, more: readonly string[] | undefined): PushOrigin {
  return more && more.length > 0 ? { ...origin, warnings: [...(origin.warnings ?? []), ...more] } : origin;
}

function link(ctx: PipelineContext, msgId: number, origin: PushOrigin, rawPushId: number): void {
  ctx.store.messages.addWarnings(msgId, origin.warnings);
  if (origin.segmentIds.length > 0) ctx.store.intake.consumeSegments(origin.segmentIds, msgId);
  for (const id of origin.rawPduIds) ctx.store.content.linkRawPdu(id, msgId);
  ctx.store.content.linkRawPdu(rawPushId, msgId);
}

/** X-Mms-Expiry as an instant (OMA-TS-MMS_ENC §7.3.20: absolute date or seconds from now). */
function expiryOf(pdu: MmsPdu, now: number): number | null {
  const e = pdu.expiry;
  if (!e) return null;
  return e.kind === 'absolute' ? e.date.getTime() : now + e.seconds * 1000;
}
