import { randomBytes } from 'node:crypto';
import { decodeMms, encodeMms } from '../../codec/mms/index.js';
import type { MmsPdu } from '../../codec/mms/index.js';
import { mmsAddress, mmsPdu, pushPdus, toParts, wapPushFor } from './pdus.js';
import { applyScenario } from './scenario.js';
import type { AckRecord, MmscSimOptions, NotifyRespRecord, RawSubmitInput, RequestRecord, SentRecord, SimFault, SimMessage, SubmitInput } from './types.js';

/**
 * What the simulated carrier knows: messages waiting for retrieval, messages the gateway
 * submitted, the confirmations it received, and the faults it has been told to produce.
 */
export class MmscState {
  readonly messages = new Map<string, SimMessage>();
  readonly sent: SentRecord[] = [];
  readonly notifyResps: NotifyRespRecord[] = [];
  readonly acks: AckRecord[] = [];
  readonly requests: RequestRecord[] = [];
  readonly reportsPushed: { messageId: string; recipient: string; status: string }[] = [];
  private faults: (SimFault & { left: number })[] = [];
  private seq = 0;
  private pushRef = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  /** `options` is read at each use, so `configure()` at run time reaches it. */
  constructor(private readonly options: () => MmscSimOptions, private readonly base: () => string) {}

  private get opts(): MmscSimOptions {
    return this.options();
  }

  addFault(f: SimFault): void {
    this.faults.push({ ...f, left: f.times ?? Number.POSITIVE_INFINITY });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** The fault for this request, consuming one of its uses. */
  takeFault(role: 'retrieve' | 'post'): SimFault | undefined {
    const f = this.faults.find((x) => x.left > 0 && (x.on === undefined || x.on === 'any' || x.on === role));
    if (!f) return undefined;
    f.left -= 1;
    if (f.left <= 0) this.faults = this.faults.filter((x) => x !== f);
    return f;
  }

  /** A handset sends an MMS to the gateway: store it, push the m-notification-ind. */
  async submit(input: SubmitInput): Promise<SimMessage> {
    const n = ++this.seq;
    const transactionId = `sim-t${n}-${randomBytes(3).toString('hex')}`;
    const token = randomBytes(8).toString('hex');
    const contentLocation = `${this.base()}/mms/r/${token}`;
    const to = Array.isArray(input.to) ? input.to : [input.to];
    const sc = input.scenario ?? {};
    const mmsVersion = sc.mmsVersion ?? '1.2';
    const parts = applyScenario(toParts(input.parts), sc);
    const smil = parts.find((p) => p.contentType === 'application/smil');
    const messageId = `sim-m${n}-${randomBytes(4).toString('hex')}@mmsc.sim`;
    const retrieveConf = encodeMms(mmsPdu({
      messageType: 'm-retrieve-conf', transactionId, mmsVersion, messageId, date: new Date(),
      from: mmsAddress(input.from), to: to.map(mmsAddress), subject: input.subject,
      contentType: smil
        ? { mediaType: 'application/vnd.wap.multipart.related', params: { type: 'application/smil', start: smil.contentId ?? '<smil>' } }
        : { mediaType: 'application/vnd.wap.multipart.mixed', params: {} },
      parts,
    }));
    const notification = mmsPdu({
      messageType: 'm-notification-ind', transactionId, mmsVersion, from: mmsAddress(input.from), subject: input.subject,
      messageClass: 'personal', messageSize: input.announcedSize ?? retrieveConf.byteLength,
      expiry: { kind: 'relative', seconds: input.expirySeconds ?? 86_400 }, contentLocation,
    });
    const expirySeconds = input.expirySeconds ?? 86_400;
    const msg: SimMessage = {
      transactionId, token, contentLocation, messageId, from: input.from, to, subject: input.subject, retrieveConf, notification,
      pushPdus: [], fetches: 0, expiresAt: Date.now() + expirySeconds * 1000, framing: sc.framing ?? 'content-length',
    };
    this.messages.set(token, msg);
    msg.pushPdus = await this.push(notification);
    return msg;
  }

  /**
   * Serves PDUs assembled elsewhere (test/fixtures/inbound): `retrieveConf` verbatim at a new
   * Content-Location, and the WAP Push `push` (a complete connectionless WSP push, WAP-230-WSP
   * §8.2.4.1) with that location put in by `withLocation`, split into SMS-DELIVER segments.
   */
  async submitRaw(input: RawSubmitInput): Promise<SimMessage> {
    const n = ++this.seq;
    const token = input.token ?? randomBytes(8).toString('hex');
    if (this.messages.has(token)) throw new Error(`token ${token} is taken`);
    const contentLocation = `${this.base()}/mms/r/${token}`;
    const notification = mmsPdu({ messageType: 'm-notification-ind', transactionId: input.transactionId, contentLocation });
    const msg: SimMessage = {
      transactionId: input.transactionId, token, contentLocation, messageId: `sim-raw${n}@mmsc.sim`, from: input.from ?? '', to: [],
      retrieveConf: input.retrieveConf, notification, pushPdus: [], fetches: 0,
      expiresAt: Date.now() + (input.expirySeconds ?? 86_400) * 1000, framing: input.framing ?? 'content-length',
    };
    this.messages.set(token, msg);
    const ref = ++this.pushRef;
    if (input.push) msg.pushPdus = await this.deliverPush(pushPdus(input.push(contentLocation), this.opts.pushFrom ?? '+10000000000', ref));
    return msg;
  }

  /** The MMSC stops holding the message now, as at its X-Mms-Expiry (its location answers 404). */
  expire(txid: string): boolean {
    const m = this.byTransaction(txid);
    if (!m) return false;
    m.expiresAt = Date.now();
    return true;
  }

  byTransaction(txid: string): SimMessage | undefined {
    for (const m of this.messages.values()) if (m.transactionId === txid) return m;
    return undefined;
  }

  /** A POSTed PDU from the gateway; returns the PDU to answer with, if any. */
  receivePost(raw: Uint8Array, responseFault: SimFault | undefined): { answer?: MmsPdu; error?: string } {
    const r = decodeMms(raw);
    if (!r.ok) return { error: r.error.message };
    const pdu = r.value;
    const at = new Date().toISOString();
    switch (pdu.messageType) {
      case 'm-send-req': {
        const messageId = `sim-s${++this.seq}-${randomBytes(4).toString('hex')}@mmsc.sim`;
        if (responseFault?.kind === 'response-status') {
          return { answer: mmsPdu({ messageType: 'm-send-conf', transactionId: pdu.transactionId, mmsVersion: '1.2', responseStatus: responseFault.status, responseText: responseFault.text }) };
        }
        this.sent.push({ messageId, transactionId: pdu.transactionId, pdu, raw: Uint8Array.from(raw), at });
        if (pdu.deliveryReport && this.opts.reportDelayMs !== undefined) {
          for (const rcpt of [...pdu.to, ...pdu.cc, ...pdu.bcc]) {
            this.later(this.opts.reportDelayMs, () => this.deliveryReport(messageId, rcpt.value, 'retrieved'));
          }
        }
        return { answer: mmsPdu({ messageType: 'm-send-conf', transactionId: pdu.transactionId, mmsVersion: '1.2', responseStatus: 'ok', messageId }) };
      }
      case 'm-notifyresp-ind':
        this.notifyResps.push({ transactionId: pdu.transactionId ?? '', status: pdu.status, reportAllowed: pdu.reportAllowed, at });
        return {};
      case 'm-acknowledge-ind':
        this.acks.push({ transactionId: pdu.transactionId ?? '', reportAllowed: pdu.reportAllowed, at });
        return {};
      default:
        return { error: `unexpected ${pdu.messageType}` };
    }
  }

  /** Pushes an m-delivery-ind (OMA-TS-MMS_ENC §6.7) for a submitted message. */
  async deliveryReport(messageId: string, recipient: string, status: NonNullable<MmsPdu['status']>): Promise<string[]> {
    this.reportsPushed.push({ messageId, recipient, status });
    return this.push(mmsPdu({ messageType: 'm-delivery-ind', mmsVersion: '1.2', messageId, to: [mmsAddress(recipient)], date: new Date(), status }));
  }

  private async push(pdu: MmsPdu): Promise<string[]> {
    const ref = ++this.pushRef;
    return this.deliverPush(pushPdus(wapPushFor(pdu, ref), this.opts.pushFrom ?? '+10000000000', ref));
  }

  private async deliverPush(pdus: string[]): Promise<string[]> {
    if (this.opts.deliver) await this.opts.deliver(pdus);
    if (this.opts.modemSim) for (const p of pdus) await this.opts.modemSim.deliverSms(p);
    return pdus;
  }

  private later(ms: number, fn: () => Promise<unknown>): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn().catch(() => undefined);
    }, ms);
    this.timers.add(t);
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
