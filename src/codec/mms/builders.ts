/**
 * PDUs built from scratch for the layers above: the MM1 client (notifyresp, acknowledge,
 * send-req), the MMSC simulator (notification, retrieve-conf, send-conf, delivery and read
 * reports) and compose. Each returns an MmsPdu; `encodeMms` turns it into bytes. Mandatory
 * fields follow the PDU tables of OMA-TS-MMS_ENC §6.
 */
import { toAddress } from './addresses.js';
import type {
  MmsAddress, MmsContentClass, MmsMessageClass, MmsPart, MmsPdu, MmsPriority, MmsReadStatus, MmsStatus, MmsTime,
} from './types.js';

/** The MMS version these builders announce unless told otherwise (widely accepted by MMSCs). */
export const DEFAULT_VERSION = '1.2';

type Addr = string | MmsAddress;

export interface PartInput {
  contentType: string;
  /** Bytes, or text (encoded as UTF-8 with `charset=utf-8` unless a charset is given). */
  body: Uint8Array | string;
  name?: string;
  filename?: string;
  contentId?: string;
  contentLocation?: string;
  charset?: string;
  params?: Record<string, string>;
}

function empty(messageType: MmsPdu['messageType'], version = DEFAULT_VERSION): MmsPdu {
  return {
    messageType, mmsVersion: version, to: [], cc: [], bcc: [], previouslySentBy: [], previouslySentDate: [],
    attributes: [], parts: [], unknownHeaders: [],
  };
}

function set<K extends keyof MmsPdu>(pdu: MmsPdu, key: K, value: MmsPdu[K] | undefined): void {
  if (value !== undefined) pdu[key] = value;
}

/** A number of seconds means relative time; a Date absolute. */
function toTime(t: MmsTime | Date | number | undefined): MmsTime | undefined {
  if (t === undefined) return undefined;
  if (typeof t === 'number') return { kind: 'relative', seconds: t };
  if (t instanceof Date) return { kind: 'absolute', date: t };
  return t;
}

export function toPart(p: PartInput): MmsPart {
  const isText = typeof p.body === 'string';
  const charset = p.charset ?? (isText ? 'utf-8' : undefined);
  const body = typeof p.body === 'string' ? new TextEncoder().encode(p.body) : p.body;
  const params: Record<string, string> = { ...(p.params ?? {}) };
  const part: MmsPart = { contentType: p.contentType.toLowerCase(), params, body };
  // The named fields mirror the content-type parameters, as in a decoded part.
  if (charset !== undefined) part.charset = params.charset = charset;
  if (p.name !== undefined) part.name = params.name = p.name;
  if (p.filename !== undefined) part.filename = params.filename = p.filename;
  if (p.contentId !== undefined) part.contentId = p.contentId;
  if (p.contentLocation !== undefined) part.contentLocation = p.contentLocation;
  return part;
}

/**
 * The body: with a SMIL presentation, multipart/related with `type=application/smil` and
 * `start` naming the SMIL part's Content-ID (OMA-TS-MMS_ENC §7.1), SMIL first; else mixed.
 */
function setBody(pdu: MmsPdu, parts: readonly PartInput[], smil: string | PartInput | undefined): void {
  const media = parts.map(toPart);
  if (smil === undefined) {
    pdu.contentType = { mediaType: 'application/vnd.wap.multipart.mixed', params: {} };
    pdu.parts = media;
    return;
  }
  const s = toPart(typeof smil === 'string' ? { contentType: 'application/smil', body: smil, contentId: '<smil>', contentLocation: 'smil.smil' } : smil);
  s.contentId ??= '<smil>';
  pdu.contentType = { mediaType: 'application/vnd.wap.multipart.related', params: { start: s.contentId, type: 'application/smil' } };
  pdu.parts = [s, ...media];
}

/** m-notifyresp-ind (§6.2): the client's answer to a notification. */
export function buildNotifyRespInd(transactionId: string, status: MmsStatus = 'retrieved', reportAllowed?: boolean, version = DEFAULT_VERSION): MmsPdu {
  const pdu = empty('m-notifyresp-ind', version);
  pdu.transactionId = transactionId;
  pdu.status = status;
  set(pdu, 'reportAllowed', reportAllowed);
  return pdu;
}

/** m-acknowledge-ind (§6.4): confirms a deferred retrieval. */
export function buildAcknowledgeInd(transactionId: string, reportAllowed?: boolean, version = DEFAULT_VERSION): MmsPdu {
  const pdu = empty('m-acknowledge-ind', version);
  pdu.transactionId = transactionId;
  set(pdu, 'reportAllowed', reportAllowed);
  return pdu;
}

export interface SendReqOptions {
  transactionId: string;
  /** Sender; absent means Insert-address-token (the MMSC fills in the SIM's number, §7.3). */
  from?: Addr;
  to: readonly Addr[];
  cc?: readonly Addr[];
  bcc?: readonly Addr[];
  subject?: string;
  parts: readonly PartInput[];
  /** SMIL text or part: makes the body multipart/related with SMIL as the start part. */
  smil?: string | PartInput;
  date?: Date;
  deliveryReport?: boolean;
  readReport?: boolean;
  /** Seconds (relative), a Date (absolute), or an MmsTime. */
  expiry?: MmsTime | Date | number;
  deliveryTime?: MmsTime | Date | number;
  messageClass?: MmsMessageClass;
  priority?: MmsPriority;
  senderVisibility?: 'hide' | 'show';
  contentClass?: MmsContentClass;
  version?: string;
}

/** m-send-req (§6.1.1). */
export function buildSendReq(o: SendReqOptions): MmsPdu {
  const pdu = empty('m-send-req', o.version);
  pdu.transactionId = o.transactionId;
  set(pdu, 'date', o.date);
  if (o.from === undefined) pdu.fromInsertAddress = true;
  else pdu.from = toAddress(o.from);
  pdu.to = o.to.map(toAddress);
  pdu.cc = (o.cc ?? []).map(toAddress);
  pdu.bcc = (o.bcc ?? []).map(toAddress);
  set(pdu, 'subject', o.subject);
  set(pdu, 'messageClass', o.messageClass);
  set(pdu, 'expiry', toTime(o.expiry));
  set(pdu, 'deliveryTime', toTime(o.deliveryTime));
  set(pdu, 'priority', o.priority);
  set(pdu, 'senderVisibility', o.senderVisibility);
  set(pdu, 'deliveryReport', o.deliveryReport);
  set(pdu, 'readReport', o.readReport);
  set(pdu, 'contentClass', o.contentClass);
  setBody(pdu, o.parts, o.smil);
  return pdu;
}

/** m-send-conf (§6.1.2): the MMSC's answer to m-send-req. */
export function buildSendConf(o: { transactionId: string; responseStatus: string; responseText?: string; messageId?: string; version?: string }): MmsPdu {
  const pdu = empty('m-send-conf', o.version);
  pdu.transactionId = o.transactionId;
  pdu.responseStatus = o.responseStatus;
  set(pdu, 'responseText', o.responseText);
  set(pdu, 'messageId', o.messageId);
  return pdu;
}

export interface NotificationIndOptions {
  transactionId: string;
  contentLocation: string;
  messageSize: number;
  /** Seconds (relative), a Date (absolute), or an MmsTime. */
  expiry: MmsTime | Date | number;
  from?: Addr;
  subject?: string;
  messageClass?: MmsMessageClass;
  deliveryReport?: boolean;
  contentClass?: MmsContentClass;
  version?: string;
}

/** m-notification-ind (§6.2). */
export function buildNotificationInd(o: NotificationIndOptions): MmsPdu {
  const pdu = empty('m-notification-ind', o.version);
  pdu.transactionId = o.transactionId;
  if (o.from !== undefined) pdu.from = toAddress(o.from);
  set(pdu, 'subject', o.subject);
  pdu.messageClass = o.messageClass ?? 'personal';
  pdu.messageSize = o.messageSize;
  pdu.expiry = toTime(o.expiry) as MmsTime;
  set(pdu, 'deliveryReport', o.deliveryReport);
  set(pdu, 'contentClass', o.contentClass);
  pdu.contentLocation = o.contentLocation;
  return pdu;
}

export interface RetrieveConfOptions {
  transactionId?: string;
  messageId?: string;
  date: Date;
  from?: Addr;
  to?: readonly Addr[];
  cc?: readonly Addr[];
  subject?: string;
  parts: readonly PartInput[];
  smil?: string | PartInput;
  messageClass?: MmsMessageClass;
  priority?: MmsPriority;
  deliveryReport?: boolean;
  readReport?: boolean;
  retrieveStatus?: string;
  retrieveText?: string;
  version?: string;
}

/** m-retrieve-conf (§6.3). */
export function buildRetrieveConf(o: RetrieveConfOptions): MmsPdu {
  const pdu = empty('m-retrieve-conf', o.version);
  set(pdu, 'transactionId', o.transactionId);
  set(pdu, 'messageId', o.messageId);
  pdu.date = o.date;
  if (o.from !== undefined) pdu.from = toAddress(o.from);
  pdu.to = (o.to ?? []).map(toAddress);
  pdu.cc = (o.cc ?? []).map(toAddress);
  set(pdu, 'subject', o.subject);
  set(pdu, 'messageClass', o.messageClass);
  set(pdu, 'priority', o.priority);
  set(pdu, 'deliveryReport', o.deliveryReport);
  set(pdu, 'readReport', o.readReport);
  set(pdu, 'retrieveStatus', o.retrieveStatus);
  set(pdu, 'retrieveText', o.retrieveText);
  setBody(pdu, o.parts, o.smil);
  return pdu;
}

/** m-delivery-ind (§6.6): the MMSC reports the delivery of a sent message. */
export function buildDeliveryInd(o: { messageId: string; to: Addr; date: Date; status: MmsStatus; version?: string }): MmsPdu {
  const pdu = empty('m-delivery-ind', o.version);
  pdu.messageId = o.messageId;
  pdu.to = [toAddress(o.to)];
  pdu.date = o.date;
  pdu.status = o.status;
  return pdu;
}

/** m-read-rec-ind (§6.7.2): the recipient's client reports reading. */
export function buildReadRecInd(o: { messageId: string; to: Addr; from?: Addr; date?: Date; readStatus: MmsReadStatus; version?: string }): MmsPdu {
  const pdu = empty('m-read-rec-ind', o.version);
  pdu.messageId = o.messageId;
  pdu.to = [toAddress(o.to)];
  if (o.from === undefined) pdu.fromInsertAddress = true;
  else pdu.from = toAddress(o.from);
  set(pdu, 'date', o.date);
  pdu.readStatus = o.readStatus;
  return pdu;
}

/** m-read-orig-ind (§6.7.2): the MMSC forwards a read report to the originator. */
export function buildReadOrigInd(o: { messageId: string; to: Addr; from: Addr; date: Date; readStatus: MmsReadStatus; version?: string }): MmsPdu {
  const pdu = empty('m-read-orig-ind', o.version);
  pdu.messageId = o.messageId;
  pdu.to = [toAddress(o.to)];
  pdu.from = toAddress(o.from);
  pdu.date = o.date;
  pdu.readStatus = o.readStatus;
  return pdu;
}
