import { buildSendReq, encodeMms, type PartInput } from '../codec/mms/index.js';
import { encodeSubmit } from '../codec/sms/index.js';
import type { SendConf } from '../mmsc/index.js';
import type { MessageRow, SubmissionRow } from '../store/index.js';
import { crashPoint } from '../util/crash-point.js';
import { errorMessage } from '../util/errors.js';
import { JOB, type PipelineContext } from './context.js';
import { PermanentJobError } from './errors.js';
import { commitNow, type LastWrites } from './last-writes.js';

/** The modem side of sending SMS (src/modem: AT+CMGS in PDU mode, 3GPP 27.005 §3.5.1). */
export interface SmsSender {
  sendSmsPdu(hex: string, tpduLength: number): Promise<{ messageReference: number }>;
}

/** The MM1 side of sending MMS (src/mmsc Mm1Client). */
export interface MmsSender {
  send(sendReq: Uint8Array): Promise<SendConf>;
  use<T>(fn: () => Promise<T>): Promise<T>;
}

export interface SendDeps {
  readonly sms?: SmsSender;
  readonly mms?: MmsSender;
  /** Ask the network for delivery reports (SMS status reports, MMS X-Mms-Delivery-Report). */
  readonly deliveryReports: boolean;
  readonly instanceId: string;
  /** `outbound.uncertain`; default resend for SMS, hold for MMS. */
  readonly uncertain?: { readonly sms: UncertainPolicy; readonly mms: UncertainPolicy };
  /** The modem (configured id) sending through `sms`/`mms`, recorded with each submission (several modems). */
  readonly modem?: string;
}

interface SentPart {
  readonly recipient: string;
  readonly seq: number;
  readonly mr: number;
}

/**
 * What to do with a send a crash left between writing the PDU and recording the answer
 * (`outbound.uncertain`): `resend` sends it again (the recipient may get it twice), `hold`
 * keeps it back until an operator runs `mmsgw retry` on the send job. Either way the part is
 * flagged uncertain, visible in `mmsgw jobs --uncertain`, and the sender is told.
 */
export type UncertainPolicy = 'resend' | 'hold';

/**
 * Refusals that prove the PDU did not go out: the modem or network answered with an error
 * result (3GPP 27.005 §3.2.5 +CMS ERROR, 27.007 +CME ERROR, V.250 ERROR), or the PDU was
 * refused before it was written. A timeout or a closed port proves nothing.
 */
const SMS_NOT_SENT = new Set(['AT_ERROR', 'AT_CMS_ERROR', 'AT_CME_ERROR', 'MODEM_SMS_PDU_INVALID']);

function codeOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/**
 * Job `send-sms`: one (possibly concatenated) SMS per recipient, encoded by the project's own
 * SMS-SUBMIT encoder (3GPP 23.040 §9.2.2.2, correct septet accounting). Each part is recorded
 * `submitting` (committed) before AT+CMGS and `sent` with its TP-MR in the commit right after
 * `+CMGS:` answers, so a retry sends only the parts still missing, and a part a crash caught
 * in between is known to be uncertain (see `beginSubmitting`). A message past its
 * time-to-live is never sent late: it is marked expired and the sender told.
 */
export async function sendSms(ctx: PipelineContext, deps: SendDeps, msgId: number, last: LastWrites = commitNow(ctx.store)): Promise<void> {
  const msg = ready(ctx, msgId);
  if (!msg) return;
  if (!deps.sms) throw new PermanentJobError('PIPELINE_NO_MODEM', 'no modem is attached to send SMS');
  const { store } = ctx;
  const [part] = store.content.parts(msgId);
  if (!part) throw new PermanentJobError('PIPELINE_MISSING', `outbound SMS ${msgId} has no text`);
  const text = Buffer.from(await store.content.partBody(part)).toString('utf8');
  // Parts recorded by events only were sent before submissions were kept (schema 2).
  const sentBefore = store.events.ofMessage(msgId).filter((e) => e.kind === 'sms-part-sent').map((e) => e.detail as SentPart);
  const recipients = store.messages.addresses(msgId).filter((a) => a.role === 'to').map((a) => a.normalized);
  // Concatenation reference (3GPP 23.040 §9.2.3.24.1): fixed per message so a resent part
  // joins the parts already delivered.
  const unsent = recipients.flatMap((to) =>
    encodeSubmit({ to, text, reference: msgId & 0xff, statusReport: deps.deliveryReports })
      .map((pdu, i, all) => ({ to, seq: i + 1, total: all.length, pdu }))
      .filter(({ seq }) => store.submissions.get(msgId, to, seq)?.state !== 'sent' && !sentBefore.some((s) => s.recipient === to && s.seq === seq)),
  );
  // Past its time-to-live before a part goes out (a message whose parts all went out is sent).
  if (unsent.length > 0 && expired(ctx, msg)) return expire(ctx, msg);
  // The first part's `submitting` is committed with the message's: nothing lies between them.
  const [first] = unsent;
  const firstSub = beginSubmitting(ctx, msg, deps.uncertain?.sms ?? 'resend', deps.modem, undefined, first && (() => beginPart(ctx, deps, { msgId, recipient: first.to, seq: first.seq, total: first.total })));
  for (const [i, part] of unsent.entries()) {
    if (i > 0 && expired(ctx, msg)) return expire(ctx, msg);
    const { to, seq, pdu } = part;
    const sub = i === 0 && firstSub ? firstSub : recordSubmitting(ctx, deps, { msgId, recipient: to, seq, total: part.total });
    // `submitting` is what marks the part uncertain if we die with it on the wire: on disk first.
    await store.durable();
    crashPoint('cmgs-submitting');
    let messageReference: number;
    try {
      ({ messageReference } = await deps.sms.sendSmsPdu(pdu.hex, pdu.tpduLength));
    } catch (e) {
      // Only a refusal proves the part did not go out; anything else stays `submitting`.
      if (SMS_NOT_SENT.has(codeOf(e) ?? '')) store.submissions.failed(sub.id, errorMessage(e), ctx.now());
      throw e;
    }
    crashPoint('cmgs-answered');
    store.tx(() => {
      store.submissions.sent(sub.id, String(messageReference), ctx.now());
      store.events.add(msgId, 'sms-part-sent', { recipient: to, seq, of: part.total, mr: messageReference } satisfies SentPart & { of: number }, ctx.now());
    });
  }
  last(() => {
    store.messages.setState(msgId, 'sent', ctx.now());
    store.events.add(msgId, 'submitted', { recipients: recipients.length }, ctx.now());
    tellResent(ctx, msgId, deps.deliveryReports);
  });
}

/**
 * Job `send-mms` (OMA-TS-MMS_CTR §8.1.1): builds the m-send-req from the stored parts (SMIL
 * first, as the start of multipart/related), keeps it raw, records the send `submitting`,
 * POSTs it to the MMSC and records the m-send-conf's Message-ID, by which later delivery and
 * read reports find the message.
 */
export async function sendMms(ctx: PipelineContext, deps: SendDeps, msgId: number, last: LastWrites = commitNow(ctx.store)): Promise<void> {
  const msg = ready(ctx, msgId);
  if (!msg) return;
  const mm1 = deps.mms;
  if (!mm1) throw new PermanentJobError('PIPELINE_NO_MMSC', 'no MMSC is configured to send MMS (set mmsc.url)');
  const { store } = ctx;
  const rows = store.content.parts(msgId);
  const parts: PartInput[] = [];
  let smil: PartInput | undefined;
  for (const p of rows) {
    const input: PartInput = {
      contentType: p.contentType,
      body: await store.content.partBody(p),
      ...(p.charset ? { charset: p.charset } : {}),
      ...(p.contentId ? { contentId: p.contentId } : {}),
      ...(p.contentLocation ? { contentLocation: p.contentLocation, name: p.contentLocation } : {}),
    };
    if (p.contentType === 'application/smil' && !smil) smil = input;
    else parts.push(input);
  }
  const to = store.messages.addresses(msgId).filter((a) => a.role === 'to').map((a) => `${a.normalized}/TYPE=PLMN`);
  const pdu = buildSendReq({
    transactionId: `${deps.instanceId}-${msgId}`,
    to,
    subject: msg.subject ?? undefined,
    parts,
    smil,
    date: new Date(ctx.now()),
    deliveryReport: deps.deliveryReports,
    ...(msg.expiry !== null ? { expiry: new Date(msg.expiry) } : {}),
  });
  const bytes = encodeMms(pdu);
  // Kept raw (a large one in a blob file, written now), recorded in the commit that marks the message submitting.
  const [raw] = store.content.rawPdusOf(msgId).some((r) => r.kind === 'm-send-req') ? [] : await store.content.prepareBodies([{ body: bytes }]);
  if (expired(ctx, msg)) return expire(ctx, msg);
  let conf: SendConf;
  let held = false;
  try {
    conf = await mm1.use(async () => {
      // Once the bearer is up, right before the POST (a failure to bring the bearer up is not
      // a send), one commit: the message `submitting`, its m-send-req and the send's record.
      let sub: SubmissionRow | undefined;
      try {
        sub = beginSubmitting(ctx, msg, deps.uncertain?.mms ?? 'hold', deps.modem, () => {
          if (raw) store.content.addRawPdu({ kind: 'm-send-req', body: raw.body, msgId, receivedAt: ctx.now(), source: 'compose' });
        }, () => beginPart(ctx, deps, { msgId, recipient: '', seq: 1, total: 1 }));
      } catch (e) {
        held = true;
        throw e;
      }
      await store.durable();
      crashPoint('msend-before-post');
      try {
        return await mm1.send(bytes);
      } catch (e) {
        // An answer from the MMSC (HTTP or X-Mms-Response-Status) proves it did not take the
        // message; a connection lost mid-request proves nothing and stays `submitting`.
        if (sub && codeOf(e)?.startsWith('MM1_')) store.submissions.failed(sub.id, errorMessage(e), ctx.now());
        throw e;
      }
    });
  } catch (e) {
    // Held back (beginSubmitting said why) is not an attempt.
    if (!held) store.events.add(msgId, 'submit-attempt', { ok: false, error: (e as Error).message, attempts: (e as { attempts?: unknown }).attempts ?? null }, ctx.now());
    throw e;
  }
  crashPoint('msend-confirmed');
  // Before this commits, a crash leaves the send uncertain (as right after the answer).
  last(() => {
    const sub = store.submissions.get(msgId, '', 1);
    if (sub) store.submissions.sent(sub.id, conf.messageId ?? null, ctx.now());
    store.messages.update(msgId, { state: 'sent', messageId: conf.messageId ?? null }, ctx.now());
    store.events.add(msgId, 'submitted', { responseStatus: conf.responseStatus, responseText: conf.responseText ?? null, messageId: conf.messageId ?? null, attempts: conf.attempts }, ctx.now());
    tellResent(ctx, msgId, deps.deliveryReports);
  });
}

/**
 * A part about to be written (AT+CMGS) or posted (m-send-req), recorded `submitting` with the
 * modem it goes through, in one commit.
 */
function recordSubmitting(ctx: PipelineContext, deps: SendDeps, part: { msgId: number; recipient: string; seq: number; total: number }): SubmissionRow {
  return ctx.store.tx(() => beginPart(ctx, deps, part));
}

/** The writes of `recordSubmitting`, inside the caller's transaction. */
function beginPart(ctx: PipelineContext, deps: SendDeps, part: { msgId: number; recipient: string; seq: number; total: number }): SubmissionRow {
  const sub = ctx.store.submissions.begin(part, ctx.now());
  if (deps.modem !== undefined) ctx.store.modemLinks.setSubmissionModem(sub.id, deps.modem);
  return sub;
}

/**
 * Before anything is sent: a submission still `submitting` was left by a crash between the
 * PDU write and the commit of the answer (every failure this process sees moves it on). It
 * is flagged uncertain and, by `policy`, resent now or held. A held send stays held until an
 * operator releases it (`mmsgw retry` on the dead send job, which marks it `released`).
 * Throws (dead job, message `held`, sender told) when something is held; otherwise the
 * message is `submitting`, in the same commit — with the modem it goes through, what the step
 * adds (`alsoWrite`: an MMS's m-send-req kept raw) and, once the uncertain parts are flagged,
 * the first part it sends now recorded `submitting` (`first`, whose row it returns).
 */
function beginSubmitting(ctx: PipelineContext, msg: MessageRow, policy: UncertainPolicy, modem: string | undefined, alsoWrite?: () => void, first?: () => SubmissionRow): SubmissionRow | undefined {
  const { store } = ctx;
  const held: SubmissionRow[] = [];
  const sub = store.tx(() => {
    // The modem it goes through (several modems: chosen and linked already, with its number).
    if (modem !== undefined && store.modemLinks.messageModem(msg.id) !== modem) store.modemLinks.setMessageModem(msg.id, modem, undefined);
    alsoWrite?.();
    for (const r of store.submissions.ofMessage(msg.id)) {
      if (r.state === 'held') {
        if (r.resolution === 'released') store.events.add(msg.id, 'uncertain-released', { recipient: r.recipient || null, seq: r.seq, of: r.total }, ctx.now());
        else held.push(r);
        continue;
      }
      if (r.state !== 'submitting') continue;
      const resolution = policy === 'hold' ? 'held' : 'resent';
      store.submissions.flagUncertain(r.id, resolution, ctx.now());
      store.events.add(msg.id, 'submit-uncertain', { recipient: r.recipient || null, seq: r.seq, of: r.total, attempts: r.attempts, resolution }, ctx.now());
      ctx.log.warn({ msgId: msg.id, recipient: r.recipient || undefined, seq: r.seq, resolution }, 'a crash left this send uncertain');
      if (resolution === 'held') held.push(r);
    }
    if (held.length > 0 && msg.state !== 'held') {
      store.messages.setState(msg.id, 'held', ctx.now());
    }
    if (held.some((r) => r.state === 'submitting')) {
      ctx.enqueue({ kind: JOB.notifySender, key: `notify-held:${msg.id}:${held.map((r) => `${r.id}.${r.attempts}`).join(',')}`, payload: { msgId: msg.id, about: 'held' } });
    }
    if (held.length > 0) return undefined;
    store.messages.setState(msg.id, 'submitting', ctx.now());
    return first?.();
  });
  if (held.length > 0) {
    throw new PermanentJobError(
      'OUTBOUND_UNCERTAIN_HELD',
      `held: a restart interrupted the send of ${describeParts(held)}, which may or may not have reached the network; not sent again (outbound.uncertain: hold). \`mmsgw retry\` on this job sends it again`,
      { details: { msgId: msg.id } },
    );
  }
  return sub;
}

/** When a message with resent uncertain parts is sent and no report will carry the news: tell the sender now. */
function tellResent(ctx: PipelineContext, msgId: number, reportsComing: boolean): void {
  if (reportsComing) return;
  if (!ctx.store.submissions.ofMessage(msgId).some((r) => r.uncertain > 0 && r.resolution !== 'held')) return;
  ctx.enqueue({ kind: JOB.notifySender, key: `notify-resent:${msgId}`, payload: { msgId, about: 'resent' } });
}

function describeParts(rows: readonly SubmissionRow[]): string {
  return rows.map((r) => (r.recipient ? `part ${r.seq}/${r.total} to ${r.recipient}` : 'the m-send-req')).join(', ');
}

/** The message if it still needs sending; undefined when an earlier run finished it. */
function ready(ctx: PipelineContext, msgId: number): MessageRow | undefined {
  const msg = ctx.store.messages.get(msgId);
  if (!msg) throw new PermanentJobError('PIPELINE_MISSING', `message ${msgId} is gone`);
  if (msg.state !== 'queued' && msg.state !== 'submitting' && msg.state !== 'held') return undefined;
  if (expired(ctx, msg)) {
    expire(ctx, msg);
    return undefined;
  }
  return msg;
}

function expired(ctx: PipelineContext, msg: MessageRow): boolean {
  return msg.expiry !== null && msg.expiry <= ctx.now();
}

function expire(ctx: PipelineContext, msg: MessageRow): void {
  ctx.store.tx(() => {
    ctx.store.messages.setState(msg.id, 'expired', ctx.now());
    ctx.store.events.add(msg.id, 'expired', { expiry: msg.expiry }, ctx.now());
    ctx.enqueue({ kind: JOB.notifySender, key: `notify-expired:${msg.id}`, payload: { msgId: msg.id, about: 'expired' } });
  });
}
