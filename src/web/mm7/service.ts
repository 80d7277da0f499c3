import { createHash } from 'node:crypto';
import type { SendErrorCode, SendMedia, SendService } from '../../app/send.js';
import type { PipelineContext } from '../../pipeline/context.js';
import type { VaspAccount } from './auth.js';
import type { MimePart } from './multipart.js';
import { parseMultipart } from './multipart.js';
import { STATUS, type Mm7Release } from './ns.js';
import { Mm7Repo } from './repo.js';
import type { CancelReq, Mm7Address, ReplaceReq, SenderIdentification, SubmitReq } from './requests.js';
import { Mm7Fault } from './soap.js';

/**
 * What the box does with a VASP's requests (3GPP TS 23.140 §8, the MMS Relay/Server side of
 * MM7_submit, MM7_cancel and MM7_replace). Submissions go through the shared send service
 * (src/app/send.ts) — the same composition and durable queue as mail — keyed by the VASP and
 * its TransactionID, so a SubmitReq retried after a lost answer gets the first MessageID and
 * queues nothing new.
 */

export interface Mm7ServiceOptions {
  readonly ctx: PipelineContext;
  readonly sender: SendService;
  /** Prefix of the MessageIDs handed out (the installation's id keeps them unique across databases). */
  readonly messageIdPrefix: string;
}

/** An answer to a VASP request that was understood: the status, and the MessageID when one exists. */
export interface OpResult {
  readonly status: number;
  readonly details?: string;
  readonly messageId?: string;
}

/** Maps the send service's refusals to MM7 status codes (§8.7). */
const SEND_STATUS: Readonly<Record<SendErrorCode, number>> = {
  'bad-origin': STATUS.serverError,
  'bad-recipient': STATUS.addressError,
  'bad-sender': STATUS.addressError,
  'no-recipient': STATUS.addressError,
  'too-many-recipients': STATUS.operationRestricted,
  empty: STATUS.contentRefused,
  'unsupported-media': STATUS.contentRefused,
  'media-too-large': STATUS.contentRefused,
  'text-too-long': STATUS.contentRefused,
  'bad-idempotency-key': STATUS.serverError,
  'idempotency-conflict': STATUS.validationError,
};

/** Checks SenderIdentification against the authenticated account (VASPID always, VASID when configured). */
export function checkIdentity(account: VaspAccount, sender: SenderIdentification): void {
  if (sender.vaspId !== account.vaspId) {
    throw new Mm7Fault(STATUS.improperIdentification, `VASPID '${sender.vaspId ?? '(none)'}' does not belong to the authenticated VASP`, 403);
  }
  if (account.vasId !== undefined && sender.vasId !== account.vasId) {
    throw new Mm7Fault(STATUS.improperIdentification, `VASID '${sender.vasId ?? '(none)'}' is not the one configured for VASP '${account.vaspId}'`, 403);
  }
}

/** The multimedia content a `cid:` reference points at: the parts of a multipart, or the single part. */
export function contentParts(parts: readonly MimePart[], contentId: string | undefined): MimePart[] {
  if (contentId === undefined) return [];
  const target = parts.find((p) => p.contentId === contentId);
  if (!target) throw new Mm7Fault(STATUS.validationError, `Content href cid:${contentId} names no MIME part of the request`);
  if (!target.contentType.mediaType.startsWith('multipart/')) return [target];
  const boundary = target.contentType.params.boundary;
  if (!boundary) throw new Mm7Fault(STATUS.messageFormatCorrupt, 'the content multipart has no boundary');
  try {
    return parseMultipart(target.body, boundary);
  } catch (e) {
    throw new Mm7Fault(STATUS.messageFormatCorrupt, `content: ${(e as Error).message}`);
  }
}

function filenameOf(p: MimePart): string | undefined {
  const disposition = p.headers['content-disposition'];
  const fromDisposition = disposition ? /filename\*?="?([^";]+)"?/i.exec(disposition)?.[1] : undefined;
  return fromDisposition ?? p.contentType.params.name ?? p.contentLocation;
}

/** Text parts become the message text, media its attachments; the VASP's SMIL is rebuilt by composition. */
function toSendContent(parts: readonly MimePart[]): { text?: string; media: SendMedia[] } {
  const texts: string[] = [];
  const media: SendMedia[] = [];
  for (const p of parts) {
    const type = p.contentType.mediaType;
    if (type === 'application/smil') continue;
    if (type === 'text/plain') {
      const charset = (p.contentType.params.charset ?? 'utf-8').toLowerCase();
      let decoder: InstanceType<typeof TextDecoder>;
      try {
        decoder = new TextDecoder(charset, { fatal: true });
      } catch {
        throw new Mm7Fault(STATUS.contentRefused, `text part with unknown charset '${charset}'`);
      }
      try {
        texts.push(decoder.decode(p.body));
      } catch {
        throw new Mm7Fault(STATUS.contentRefused, `text part is not valid ${charset}`);
      }
      continue;
    }
    const filename = filenameOf(p);
    media.push({ contentType: type, content: p.body, ...(filename !== undefined ? { filename } : {}) });
  }
  return { ...(texts.length > 0 ? { text: texts.join('\n') } : {}), media };
}

/** Only telephone numbers: the box sends over the cellular network (23.140 MM7_submit.REQ Recipients). */
function numbersOf(addrs: readonly Mm7Address[]): string[] {
  return addrs.map((a) => {
    if (a.kind !== 'Number') throw new Mm7Fault(STATUS.addressError, `recipient ${a.kind} '${a.value.slice(0, 60)}' is not supported: the box sends to telephone numbers only`);
    return a.value;
  });
}

export class Mm7Service {
  readonly repo: Mm7Repo;

  constructor(private readonly o: Mm7ServiceOptions) {
    this.repo = new Mm7Repo(o.ctx.store.db);
  }

  /** SubmitReq → queued message and its MessageID, or a refusal status. */
  async submit(account: VaspAccount, release: Mm7Release, transactionId: string, req: SubmitReq, parts: readonly MimePart[]): Promise<OpResult> {
    checkIdentity(account, req.sender);
    let to: string[];
    try {
      to = numbersOf([...req.to, ...req.cc, ...req.bcc]);
    } catch (e) {
      // A well-formed request the box cannot carry out: answered in SubmitRsp, not as a fault.
      if (e instanceof Mm7Fault) return { status: e.status, details: e.message };
      throw e;
    }
    const content = toSendContent(contentParts(parts, req.contentId));
    const { store } = this.o.ctx;
    const record = (msgId: number, kind: 'sms' | 'mms'): void => {
      if (this.repo.byMsgId(msgId)) return;
      this.repo.insert({
        msgId,
        vaspId: account.vaspId,
        transactionId,
        mm7MessageId: `${this.o.messageIdPrefix}-${msgId}`,
        namespace: release.ns,
        sender: req.sender.senderAddress ? `${req.sender.senderAddress.kind}:${req.sender.senderAddress.value}` : null,
        linkedId: req.linkedId ?? null,
        deliveryReport: req.deliveryReport,
        readReply: req.readReply,
        createdAt: this.o.ctx.now(),
      });
      store.events.add(msgId, 'mm7-submitted', { vaspId: account.vaspId, transactionId, messageId: `${this.o.messageIdPrefix}-${msgId}`, kind }, this.o.ctx.now());
    };
    const outcome = await this.o.sender.send({
      to,
      ...(content.text !== undefined ? { text: content.text } : {}),
      ...(req.subject !== undefined ? { subject: req.subject } : {}),
      media: content.media,
      origin: `mm7:${account.vaspId}`,
      // A SenderAddress that is one of the box's numbers picks the modem that sends (several SIMs).
      ...(req.sender.senderAddress?.kind === 'Number' ? { preferFrom: req.sender.senderAddress.value } : {}),
      // The VASP's TransactionID identifies its request; hashed to fit the key's alphabet.
      idempotencyKey: createHash('sha256').update(transactionId).digest('hex'),
      // Recorded in the commit that queues the message: a crash cannot leave it queued without
      // the record its delivery reports to the VASP are keyed by.
      recordWith: record,
    });
    if (!outcome.ok) {
      return { status: SEND_STATUS[outcome.error.code], details: `${outcome.error.field}: ${outcome.error.reason}` };
    }
    const messageId = `${this.o.messageIdPrefix}-${outcome.id}`;
    // Queued by an earlier request with this TransactionID (a retry after a lost answer), by a
    // version that recorded it apart: recorded now if it is missing.
    if (!outcome.created) store.tx(() => record(outcome.id, outcome.kind));
    // The SubmitRsp names the MessageID later reports are keyed by: its record on disk first.
    await store.durable();
    return { status: STATUS.success, messageId };
  }

  /** CancelReq: a message not yet handed to the network is withdrawn; one on its way cannot be. */
  cancel(account: VaspAccount, req: CancelReq): OpResult {
    checkIdentity(account, req.sender);
    const { store } = this.o.ctx;
    const sub = this.repo.byMessageId(req.messageId);
    if (!sub || sub.vaspId !== account.vaspId) return { status: STATUS.messageIdNotFound, details: `no message '${req.messageId}' of this VASP` };
    return store.tx(() => this.withdraw(sub.msgId, 'cancelled by the VASP (MM7 CancelReq)'));
  }

  /**
   * ReplaceReq: the queued message is withdrawn first (atomically, before its send job can
   * start), then the replacement is queued through the same send service and takes over the
   * MessageID (reports about it carry that id). Should the replacement be refused, the
   * withdrawal is undone, so the original goes out as if nothing had been asked. At no moment
   * can both be on their way.
   */
  async replace(account: VaspAccount, transactionId: string, req: ReplaceReq, parts: readonly MimePart[]): Promise<OpResult> {
    checkIdentity(account, req.sender);
    const { store } = this.o.ctx;
    const sub = this.repo.byMessageId(req.messageId);
    if (!sub || sub.vaspId !== account.vaspId) return { status: STATUS.messageIdNotFound, details: `no message '${req.messageId}' of this VASP` };
    const old = store.messages.get(sub.msgId);
    if (!old) return { status: STATUS.messageIdNotFound, details: `message '${req.messageId}' is gone` };
    // The same ReplaceReq again (a retry after a lost answer): already done.
    const done = store.events.ofMessage(sub.msgId).some((e) => e.kind === 'mm7-replaces' && (e.detail as { transactionId?: string }).transactionId === transactionId);
    if (done) return { status: STATUS.success };
    const content = toSendContent(contentParts(parts, req.contentId));
    const to = store.messages.addresses(sub.msgId).filter((a) => a.role === 'to').map((a) => a.normalized);
    const withdrawn = store.tx(() => this.withdraw(sub.msgId, 'replaced by the VASP (MM7 ReplaceReq)'));
    if (withdrawn.status !== STATUS.success) return { status: withdrawn.status, details: 'the message is already on its way and cannot be replaced' };
    let outcome: Awaited<ReturnType<SendService['send']>>;
    try {
      outcome = await this.o.sender.send({
        to,
        ...(content.text !== undefined ? { text: content.text } : {}),
        ...(old.subject !== null ? { subject: old.subject } : {}),
        media: content.media,
        origin: `mm7:${account.vaspId}`,
        idempotencyKey: createHash('sha256').update(`replace:${req.messageId}:${transactionId}`).digest('hex'),
      });
    } catch (e) {
      store.tx(() => this.restore(sub.msgId));
      throw e;
    }
    if (!outcome.ok) {
      store.tx(() => this.restore(sub.msgId));
      return { status: SEND_STATUS[outcome.error.code], details: `${outcome.error.field}: ${outcome.error.reason}` };
    }
    store.tx(() => {
      store.db.prepare('UPDATE mm7_submissions SET msg_id = ?, read_reply = CASE WHEN ? THEN 1 ELSE read_reply END WHERE msg_id = ?').run(outcome.id, req.readReply ? 1 : 0, sub.msgId);
      store.events.add(outcome.id, 'mm7-replaces', { replaced: sub.msgId, messageId: req.messageId, transactionId }, this.o.ctx.now());
      store.events.add(sub.msgId, 'mm7-replaced', { by: outcome.id, transactionId }, this.o.ctx.now());
    });
    return { status: STATUS.success };
  }

  /** Undoes `withdraw`: the send job queued again from the start, the message queued. */
  private restore(msgId: number): void {
    const { store } = this.o.ctx;
    const msg = store.messages.require(msgId);
    const job = store.jobs.getByKey(`send-${msg.kind}:${msgId}`);
    if (!job || job.state !== 'dead') return;
    store.jobs.retry(job.id, this.o.ctx.now());
    store.messages.setState(msgId, 'queued', this.o.ctx.now());
    store.events.add(msgId, 'withdrawal-undone', { reason: 'the replacement was refused' }, this.o.ctx.now());
    this.o.ctx.enqueue({ kind: job.kind, key: job.key }); // no-op for the existing key; wakes the worker
  }

  /** Keeps a refused request with the reason (`mmsgw quarantine` lists it). */
  quarantine(source: string, bytes: Uint8Array, code: string, reason: string): void {
    this.o.ctx.store.intake.quarantine({ source, bytes, errorCode: code, message: reason, at: this.o.ctx.now() });
  }

  /** True while the message's send job has not started (nothing of it has reached the network). */
  private withdrawable(msgId: number): boolean {
    const { store } = this.o.ctx;
    const msg = store.messages.get(msgId);
    if (!msg || msg.state !== 'queued') return false;
    const job = store.jobs.getByKey(`send-${msg.kind}:${msgId}`);
    return job !== undefined && job.state === 'queued' && job.attempts === 0;
  }

  /**
   * Withdraws a queued message: its send job goes to the dead-letter state before the worker
   * could claim it (both in this one transaction, so there is no window in between).
   */
  private withdraw(msgId: number, reason: string): OpResult {
    const { store } = this.o.ctx;
    if (!this.withdrawable(msgId)) {
      const state = store.messages.get(msgId)?.state ?? 'gone';
      return { status: STATUS.notPossible, details: `the message is ${state === 'queued' ? 'being sent' : state} and can no longer be withdrawn` };
    }
    const msg = store.messages.require(msgId);
    const job = store.jobs.getByKey(`send-${msg.kind}:${msgId}`)!;
    store.jobs.dead(job.id, reason, this.o.ctx.now());
    store.messages.setState(msgId, 'failed', this.o.ctx.now());
    store.events.add(msgId, 'withdrawn', { reason }, this.o.ctx.now());
    return { status: STATUS.success };
  }
}
