import { buildSendReq, encodeMms, type PartInput } from '../codec/mms/index.js';
import { encodeSubmit } from '../codec/sms/index.js';
import type { SendConf } from '../mmsc/index.js';
import type { MessageRow } from '../store/index.js';
import { JOB, type PipelineContext } from './context.js';
import { PermanentJobError } from './errors.js';

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
}

interface SentPart {
  readonly recipient: string;
  readonly seq: number;
  readonly mr: number;
}

/**
 * Job `send-sms`: one (possibly concatenated) SMS per recipient, encoded by the project's own
 * SMS-SUBMIT encoder (3GPP 23.040 §9.2.2.2, correct septet accounting). Every part sent is
 * recorded with its TP-MR at once, so a retry after a failure or crash sends only the parts
 * still missing. A message past its time-to-live is never sent late: it is marked expired and
 * the sender told.
 */
export async function sendSms(ctx: PipelineContext, deps: SendDeps, msgId: number): Promise<void> {
  const msg = ready(ctx, msgId);
  if (!msg) return;
  if (!deps.sms) throw new PermanentJobError('PIPELINE_NO_MODEM', 'no modem is attached to send SMS');
  const { store } = ctx;
  const [part] = store.content.parts(msgId);
  if (!part) throw new PermanentJobError('PIPELINE_MISSING', `outbound SMS ${msgId} has no text`);
  const text = Buffer.from(await store.content.partBody(part)).toString('utf8');
  const sent = store.events.ofMessage(msgId).filter((e) => e.kind === 'sms-part-sent').map((e) => e.detail as SentPart);
  const recipients = store.messages.addresses(msgId).filter((a) => a.role === 'to').map((a) => a.normalized);
  store.messages.setState(msgId, 'submitting', ctx.now());
  for (const to of recipients) {
    // Concatenation reference (3GPP 23.040 §9.2.3.24.1): fixed per message so a resent part
    // joins the parts already delivered.
    const pdus = encodeSubmit({ to, text, reference: msgId & 0xff, statusReport: deps.deliveryReports });
    for (let i = 0; i < pdus.length; i++) {
      const seq = i + 1;
      if (sent.some((s) => s.recipient === to && s.seq === seq)) continue;
      if (expired(ctx, msg)) return expire(ctx, msg);
      const pdu = pdus[i]!;
      const { messageReference } = await deps.sms.sendSmsPdu(pdu.hex, pdu.tpduLength);
      store.events.add(msgId, 'sms-part-sent', { recipient: to, seq, of: pdus.length, mr: messageReference } satisfies SentPart & { of: number }, ctx.now());
    }
  }
  store.tx(() => {
    store.messages.setState(msgId, 'sent', ctx.now());
    store.events.add(msgId, 'submitted', { recipients: recipients.length }, ctx.now());
  });
}

/**
 * Job `send-mms` (OMA-TS-MMS_CTR §8.1.1): builds the m-send-req from the stored parts (SMIL
 * first, as the start of multipart/related), keeps it raw, POSTs it to the MMSC and records
 * the m-send-conf's Message-ID, by which later delivery and read reports find the message.
 */
export async function sendMms(ctx: PipelineContext, deps: SendDeps, msgId: number): Promise<void> {
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
  if (!store.content.rawPdusOf(msgId).some((r) => r.kind === 'm-send-req')) {
    await store.saveRawPdu({ kind: 'm-send-req', body: bytes, msgId, receivedAt: ctx.now(), source: 'compose' });
  }
  if (expired(ctx, msg)) return expire(ctx, msg);
  store.messages.setState(msgId, 'submitting', ctx.now());
  let conf: SendConf;
  try {
    conf = await mm1.use(() => mm1.send(bytes));
  } catch (e) {
    store.events.add(msgId, 'submit-attempt', { ok: false, error: (e as Error).message, attempts: (e as { attempts?: unknown }).attempts ?? null }, ctx.now());
    throw e;
  }
  store.tx(() => {
    store.messages.update(msgId, { state: 'sent', messageId: conf.messageId ?? null }, ctx.now());
    store.events.add(msgId, 'submitted', { responseStatus: conf.responseStatus, responseText: conf.responseText ?? null, messageId: conf.messageId ?? null, attempts: conf.attempts }, ctx.now());
  });
}

/** The message if it still needs sending; undefined when an earlier run finished it. */
function ready(ctx: PipelineContext, msgId: number): MessageRow | undefined {
  const msg = ctx.store.messages.get(msgId);
  if (!msg) throw new PermanentJobError('PIPELINE_MISSING', `message ${msgId} is gone`);
  if (msg.state !== 'queued' && msg.state !== 'submitting') return undefined;
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
