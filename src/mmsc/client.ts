import { readFile, rm } from 'node:fs/promises';
import { BearerError } from '../bearer/errors.js';
import type { Bearer, BearerSession, HttpRequest, HttpResponse } from '../bearer/types.js';
import { buildAcknowledgeInd, buildNotifyRespInd, decodeMms, encodeMms } from '../codec/mms/index.js';
import type { MmsPdu, MmsStatus } from '../codec/mms/index.js';
import { errorMessage } from '../util/errors.js';
import { logger } from '../util/log.js';
import { profileHeaders, retrieveUrl, type CarrierProfile, type Identity } from './carriers/index.js';
import { Mm1Error, httpStatusTransient, isTransient, mmsStatusTransient } from './errors.js';
import { checkLocation, checkResolvedAddress, type UrlPolicy } from './url-policy.js';

const log = logger('mm1');

/** OMA-TS-MMS_ENC §6: the media type of every encapsulated MMS PDU on MM1. */
export const MMS_MEDIA_TYPE = 'application/vnd.wap.mms-message';

/** One HTTP exchange with the MMSC, for the status page and the job history. */
export interface AttemptRecord {
  at: string;
  method: 'GET' | 'POST';
  url: string;
  status?: number;
  bytes: number;
  error?: { code: string; message: string; transient: boolean };
  durationMs: number;
}

export interface Mm1ClientOptions {
  /** MMSC URL: where m-send-req, m-notifyresp-ind and m-acknowledge-ind are POSTed. */
  mmscUrl: string;
  identity?: Identity;
  /** Largest message accepted (config); the carrier's limit applies when lower. */
  maxSize?: number;
  /** Redirects followed on a retrieve before giving up (RFC 9110 §15.4). */
  maxRedirects?: number;
  /** Idle timeout between received chunks. */
  idleTimeoutMs?: number;
  onAttempt?: (a: AttemptRecord) => void;
  /**
   * Which locations may be fetched (src/mmsc/url-policy.ts), asked afresh for each retrieve
   * (the box's addresses change as bearers come and go). Absent: no restriction (tests).
   */
  urlPolicy?: () => UrlPolicy;
}

export interface RetrieveOptions {
  /** Directory where the body is streamed (a file `mm1-*.part`, owned by the caller afterwards). */
  destDir: string;
  transactionId?: string;
  /** X-Mms-Message-Size announced by the notification (OMA-TS-MMS_ENC §7.3.31). */
  messageSize?: number;
  maxSize?: number;
  signal?: AbortSignal;
  /**
   * When the body is not an m-retrieve-conf we can decode (MM1_DECODE, MM1_UNEXPECTED_PDU),
   * leave the downloaded file and name it in the error's `file`, so the caller keeps the raw
   * bytes (quarantine) instead of losing them.
   */
  keepUndecodable?: boolean;
}

export interface RetrieveResult {
  /** The raw m-retrieve-conf, as received. */
  file: string;
  bytes: number;
  /** The file's bytes as read to decode them: `pdu`'s part bodies are views into it. */
  body: Uint8Array;
  pdu: MmsPdu;
  attempts: AttemptRecord[];
}

export interface SendConf {
  responseStatus: string;
  responseText?: string;
  messageId?: string;
  transactionId?: string;
  attempts: AttemptRecord[];
}

/** The slack allowed over X-Mms-Message-Size: announced sizes are estimates (headers, transcoding). */
export function retrieveLimit(announced: number | undefined, limit: number): number {
  if (announced === undefined || announced <= 0) return limit;
  return Math.min(limit, announced + Math.max(64 * 1024, Math.ceil(announced / 4)));
}

/**
 * The MM1 client (OMA-TS-MMS_CTR §8): retrieve by HTTP GET of the Content-Location, confirm
 * with m-notifyresp-ind or m-acknowledge-ind, submit with m-send-req. Every request carries the
 * carrier profile's User-Agent, UAProf and extra headers; every exchange is recorded as an
 * AttemptRecord. Failures are Mm1Error or BearerError, both with `transient`.
 */
export class Mm1Client {
  private held: BearerSession | undefined;
  private opening: Promise<BearerSession> | undefined;
  private users = 0;

  constructor(private readonly bearer: Bearer, private readonly profile: CarrierProfile, private readonly opts: Mm1ClientOptions) {}

  /**
   * Runs `fn` with one bearer session open for all the transactions inside it. Overlapping
   * calls share the session; it closes when the last of them finishes.
   */
  async use<T>(fn: () => Promise<T>): Promise<T> {
    this.users += 1;
    try {
      this.opening ??= this.bearer.open();
      try {
        this.held = await this.opening;
      } catch (e) {
        this.opening = undefined;
        throw e;
      }
      return await fn();
    } finally {
      this.users -= 1;
      if (this.users === 0 && this.opening) {
        const s = this.held;
        this.held = undefined;
        this.opening = undefined;
        if (s) await s.close();
      }
    }
  }

  /** OMA-TS-MMS_CTR §8.1.3 / WAP-209 §6.1: GET the Content-Location, expect m-retrieve-conf. */
  retrieve(contentLocation: string, o: RetrieveOptions): Promise<RetrieveResult> {
    return this.recorded((attempts) => this.doRetrieve(contentLocation, o, attempts));
  }

  private async doRetrieve(contentLocation: string, o: RetrieveOptions, attempts: AttemptRecord[]): Promise<RetrieveResult> {
    const limit = Math.min(o.maxSize ?? this.opts.maxSize ?? this.profile.maxMessageSize, this.profile.maxMessageSize);
    if (o.messageSize !== undefined && o.messageSize > limit) {
      throw new Mm1Error('MM1_TOO_LARGE', `message of ${o.messageSize} bytes exceeds the limit of ${limit}`, false, { details: { messageSize: o.messageSize, limit } });
    }
    const maxBytes = retrieveLimit(o.messageSize, limit);
    let url = retrieveUrl(contentLocation, this.profile, o.transactionId);
    const maxRedirects = this.opts.maxRedirects ?? 5;
    const policy = this.opts.urlPolicy?.();
    for (let hop = 0; ; hop++) {
      // Every hop, redirects included, is checked before anything is sent to it.
      const target = url;
      const verdict = policy ? checkLocation(target, policy) : { ok: true as const };
      if (!verdict.ok) {
        throw new Mm1Error('MM1_LOCATION_REFUSED', `refused to fetch ${target}: ${verdict.reason}`, false, { details: { location: target, refusal: verdict.code, reason: verdict.reason } });
      }
      const checkAddress = policy
        ? (address: string): string | undefined => {
            const v = checkResolvedAddress(target, address, policy);
            return v.ok ? undefined : v.reason;
          }
        : undefined;
      let res: HttpResponse;
      try {
        res = await this.exchange({
          method: 'GET', url, maxBytes, destDir: o.destDir, signal: o.signal,
          headers: { Accept: `${MMS_MEDIA_TYPE}, */*;q=0.5` },
          ...(checkAddress ? { checkAddress } : {}),
        }, attempts);
      } catch (e) {
        if (e instanceof BearerError && e.code === 'BEARER_REFUSED') {
          throw new Mm1Error('MM1_LOCATION_REFUSED', `refused to fetch ${target}: ${e.message}`, false, { cause: e, details: { location: target, refusal: 'LOCATION_ADDRESS', reason: e.message } });
        }
        throw e;
      }
      if (res.status >= 300 && res.status < 400 && res.headers.location) {
        await discard(res);
        if (hop >= maxRedirects) throw this.fail(attempts, new Mm1Error('MM1_REDIRECTS', `more than ${maxRedirects} redirects retrieving ${contentLocation}`, false));
        url = new URL(res.headers.location, url).href;
        continue;
      }
      try {
        const { pdu, body } = await this.checkRetrieve(res, url);
        return { file: res.file as string, bytes: res.bytes, body, pdu, attempts };
      } catch (e) {
        const keep = o.keepUndecodable === true && res.file !== undefined && e instanceof Mm1Error && (e.code === 'MM1_DECODE' || e.code === 'MM1_UNEXPECTED_PDU');
        if (!keep) await discard(res);
        const failure = this.fail(attempts, e);
        if (keep && failure instanceof Mm1Error) failure.file = res.file;
        throw failure;
      }
    }
  }

  /** m-notifyresp-ind (OMA-TS-MMS_ENC §6.2): Retrieved, Deferred, Rejected… */
  async notifyResp(transactionId: string, status: MmsStatus, reportAllowed?: boolean): Promise<AttemptRecord[]> {
    return this.post(encodeMms(buildNotifyRespInd(transactionId, status, reportAllowed)));
  }

  /** m-acknowledge-ind (OMA-TS-MMS_ENC §6.4): after a deferred retrieval. */
  async acknowledge(transactionId: string, reportAllowed?: boolean): Promise<AttemptRecord[]> {
    return this.post(encodeMms(buildAcknowledgeInd(transactionId, reportAllowed)));
  }

  /** m-send-req → m-send-conf (OMA-TS-MMS_ENC §6.1.1, §6.1.2). */
  send(sendReq: MmsPdu | Uint8Array): Promise<SendConf> {
    return this.recorded((attempts) => this.doSend(sendReq, attempts));
  }

  private async doSend(sendReq: MmsPdu | Uint8Array, attempts: AttemptRecord[]): Promise<SendConf> {
    const body = sendReq instanceof Uint8Array ? sendReq : encodeMms(sendReq);
    if (body.byteLength > this.profile.maxMessageSize) {
      throw new Mm1Error('MM1_TOO_LARGE', `m-send-req of ${body.byteLength} bytes exceeds the carrier limit of ${this.profile.maxMessageSize}`, false);
    }
    const res = await this.exchange({ method: 'POST', url: this.opts.mmscUrl, body, headers: { 'Content-Type': MMS_MEDIA_TYPE, Accept: `${MMS_MEDIA_TYPE}, */*;q=0.5` }, maxBytes: 64 * 1024 }, attempts);
    try {
      this.checkStatus(res, this.opts.mmscUrl);
      const conf = this.decodeBody(res, 'm-send-conf');
      const status = conf.responseStatus ?? 'ok';
      if (status !== 'ok') {
        throw new Mm1Error('MM1_SEND_STATUS', `MMSC refused the message: ${status}${conf.responseText ? ` (${conf.responseText})` : ''}`, mmsStatusTransient(status), { details: { responseStatus: status, responseText: conf.responseText } });
      }
      return { responseStatus: status, responseText: conf.responseText, messageId: conf.messageId, transactionId: conf.transactionId, attempts };
    } catch (e) {
      throw this.fail(attempts, e);
    }
  }

  private post(body: Uint8Array): Promise<AttemptRecord[]> {
    return this.recorded(async (attempts) => {
      const res = await this.exchange({ method: 'POST', url: this.opts.mmscUrl, body, headers: { 'Content-Type': MMS_MEDIA_TYPE }, maxBytes: 64 * 1024 }, attempts);
      try {
        this.checkStatus(res, this.opts.mmscUrl);
      } catch (e) {
        throw this.fail(attempts, e);
      }
      return attempts;
    });
  }

  /** Runs a transaction and reports its attempts, complete with the final classification, to `onAttempt`. */
  private async recorded<T>(fn: (attempts: AttemptRecord[]) => Promise<T>): Promise<T> {
    const attempts: AttemptRecord[] = [];
    try {
      return await fn(attempts);
    } finally {
      for (const a of attempts) {
        log.debug(a, 'mm1 exchange');
        this.opts.onAttempt?.(a);
      }
    }
  }

  private async checkRetrieve(res: HttpResponse, url: string): Promise<{ pdu: MmsPdu; body: Uint8Array }> {
    // The Content-Location is valid until X-Mms-Expiry (OMA-TS-MMS_ENC §7.3.20); an MMSC that
    // no longer holds the message answers 404 (410), so the message is gone for good.
    if (res.status === 404 || res.status === 410) {
      throw new Mm1Error('MM1_GONE', `${url} answered ${res.status} ${res.statusText}: the MMSC no longer holds the message (expired or deleted)`, false, { specCode: res.status });
    }
    this.checkStatus(res, url);
    const bytes = res.file ? await readFile(res.file) : res.body ?? new Uint8Array();
    const pdu = this.decodeBody({ ...res, body: bytes }, 'm-retrieve-conf');
    // OMA-TS-MMS_ENC §7.3.50: a retrieve-conf with an error status carries no message.
    const rs = pdu.retrieveStatus;
    if (rs === 'error-permanent-message-not-found') {
      throw new Mm1Error('MM1_GONE', `MMSC answered ${rs}${pdu.retrieveText ? ` (${pdu.retrieveText})` : ''}: it no longer holds the message (expired or deleted)`, false, { details: { retrieveStatus: rs, retrieveText: pdu.retrieveText } });
    }
    if (rs !== undefined && rs !== 'ok') {
      throw new Mm1Error('MM1_RETRIEVE_STATUS', `MMSC answered ${rs}${pdu.retrieveText ? ` (${pdu.retrieveText})` : ''}`, mmsStatusTransient(rs), { details: { retrieveStatus: rs, retrieveText: pdu.retrieveText } });
    }
    return { pdu, body: bytes };
  }

  private checkStatus(res: HttpResponse, url: string): void {
    if (res.status >= 200 && res.status < 300) return;
    throw new Mm1Error('MM1_HTTP_STATUS', `${url} answered ${res.status} ${res.statusText}`, httpStatusTransient(res.status), { specCode: res.status });
  }

  private decodeBody(res: HttpResponse, expected: MmsPdu['messageType']): MmsPdu {
    // A bearer that cannot see response headers (a modem HTTP stack without response-header
    // output) reports no type; the PDU is then recognised by its first field,
    // X-Mms-Message-Type (0x8C), which OMA-TS-MMS_ENC §6 puts first in every PDU.
    const sniffed = res.contentType === '' && res.body?.[0] === 0x8c;
    if (res.contentType !== MMS_MEDIA_TYPE && !sniffed) {
      throw new Mm1Error('MM1_CONTENT_TYPE', `expected ${MMS_MEDIA_TYPE}, got "${res.contentType || 'none'}"`, true);
    }
    const r = decodeMms(res.body ?? new Uint8Array());
    if (!r.ok) throw new Mm1Error('MM1_DECODE', `undecodable ${expected}: ${r.error.message}`, true, { cause: r.error });
    if (r.value.messageType !== expected) {
      throw new Mm1Error('MM1_UNEXPECTED_PDU', `expected ${expected}, got ${r.value.messageType}`, true);
    }
    return r.value;
  }

  /** One HTTP exchange through the held (or a fresh) bearer session, recorded as an attempt. */
  private async exchange(req: HttpRequest, attempts: AttemptRecord[]): Promise<HttpResponse> {
    const started = Date.now();
    const full: HttpRequest = {
      ...req,
      headers: { ...profileHeaders(this.profile, this.opts.identity ?? {}), ...req.headers },
      timeoutMs: this.profile.timeoutMs,
      idleTimeoutMs: this.opts.idleTimeoutMs,
      closeConnection: this.profile.closeConnection,
    };
    const record = (status: number | undefined, bytes: number, e?: unknown): void => {
      const a: AttemptRecord = { at: new Date(started).toISOString(), method: req.method, url: req.url, status, bytes, durationMs: Date.now() - started };
      if (e !== undefined) a.error = { code: codeOf(e), message: errorMessage(e), transient: isTransient(e) };
      attempts.push(a);
    };
    try {
      const res = await this.use(() => (this.held as BearerSession).request(full));
      record(res.status, res.bytes);
      return res;
    } catch (e) {
      record(undefined, 0, e);
      throw e;
    }
  }

  /** Marks the last attempt with the failure found after the exchange (status, type, decode). */
  private fail(attempts: AttemptRecord[], e: unknown): unknown {
    const last = attempts[attempts.length - 1];
    if (last && !last.error) last.error = { code: codeOf(e), message: errorMessage(e), transient: isTransient(e) };
    if (e instanceof Mm1Error || e instanceof BearerError) return e;
    return new Mm1Error('MM1_DECODE', errorMessage(e), true, { cause: e });
  }
}

function codeOf(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : 'ERROR';
}

async function discard(res: HttpResponse): Promise<void> {
  if (res.file) await rm(res.file, { force: true });
}
