import { STATUS } from './ns.js';
import { Mm7Fault } from './soap.js';
import { child, childText, el, opt, type XElement, type XNode } from './xml.js';

/**
 * The MM7 operations' element content (3GPP TS 23.140 §8: the VASP-initiated MM7_submit,
 * MM7_cancel and MM7_replace; the Relay/Server-initiated MM7_deliver, MM7_delivery_report and
 * MM7_read_reply), read from a
 * parsed body and written in the schema's element order (REL-5-MM7-1-2 / REL-6-MM7-1-4).
 */

export type AddressKind = 'Number' | 'ShortCode' | 'RFC2822Address';

export interface Mm7Address {
  readonly kind: AddressKind;
  readonly value: string;
}

const ADDRESS_KINDS: readonly AddressKind[] = ['RFC2822Address', 'Number', 'ShortCode'];

/** addressType: a choice of RFC2822Address, Number or ShortCode. */
export function readAddress(e: XElement, where: string): Mm7Address {
  const inner = e.children.find((c) => (ADDRESS_KINDS as readonly string[]).includes(c.local));
  if (!inner) throw new Mm7Fault(STATUS.validationError, `${where} holds none of RFC2822Address, Number, ShortCode`);
  if (!inner.text) throw new Mm7Fault(STATUS.addressError, `${where}/${inner.local} is empty`);
  return { kind: inner.local as AddressKind, value: inner.text };
}

/** multiAddressType: any number of RFC2822Address / Number / ShortCode. */
function readAddresses(e: XElement | undefined, where: string): Mm7Address[] {
  if (!e) return [];
  return e.children.map((c) => {
    if (!(ADDRESS_KINDS as readonly string[]).includes(c.local)) throw new Mm7Fault(STATUS.validationError, `unexpected <${c.local}> in ${where}`);
    if (!c.text) throw new Mm7Fault(STATUS.addressError, `${where}/${c.local} is empty`);
    return { kind: c.local as AddressKind, value: c.text };
  });
}

export function addressNode(name: string, a: Mm7Address): XNode {
  return el(name, [el(a.kind, a.value)]);
}

function readBool(op: XElement, name: string): boolean {
  const v = childText(op, name);
  if (v === undefined) return false;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new Mm7Fault(STATUS.validationError, `${name} must be a boolean, got '${v.slice(0, 40)}'`);
}

/** xs:dateTime, or a relative xs:duration from `now` (ExpiryDate / EarliestDeliveryTime of MM7_submit.REQ). */
export function readRelativeDate(v: string | undefined, now: number, name: string): number | undefined {
  if (v === undefined) return undefined;
  const d = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(v);
  if (d && v !== 'P' && !v.endsWith('T')) {
    const n = (i: number): number => Number(d[i] ?? 0);
    return now + ((((n(1) * 365 + n(2) * 30 + n(3)) * 24 + n(4)) * 60 + n(5)) * 60 + n(6)) * 1000;
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new Mm7Fault(STATUS.validationError, `${name} must be an xs:dateTime or xs:duration, got '${v.slice(0, 40)}'`);
  return t;
}

export interface SenderIdentification {
  readonly vaspId: string | undefined;
  readonly vasId: string | undefined;
  readonly senderAddress: Mm7Address | undefined;
}

function readSenderIdentification(op: XElement): SenderIdentification {
  const si = child(op, 'SenderIdentification');
  if (!si) throw new Mm7Fault(STATUS.validationError, `<${op.local}> lacks SenderIdentification`);
  const sa = child(si, 'SenderAddress');
  return { vaspId: childText(si, 'VASPID'), vasId: childText(si, 'VASID'), senderAddress: sa ? readAddress(sa, 'SenderAddress') : undefined };
}

/** Content href="cid:…" (a reference to a MIME part of the SOAP message with attachments). */
function readContentRef(op: XElement): string | undefined {
  const c = child(op, 'Content');
  if (!c) return undefined;
  const href = c.attrs.href;
  if (!href) throw new Mm7Fault(STATUS.validationError, 'Content lacks its href attribute');
  if (!href.toLowerCase().startsWith('cid:')) throw new Mm7Fault(STATUS.validationError, `Content href must reference a MIME part as cid:…, got '${href.slice(0, 80)}'`);
  return decodeURIComponent(href.slice(4));
}

export interface SubmitReq {
  readonly sender: SenderIdentification;
  readonly to: readonly Mm7Address[];
  readonly cc: readonly Mm7Address[];
  readonly bcc: readonly Mm7Address[];
  readonly serviceCode: string | undefined;
  readonly linkedId: string | undefined;
  readonly expiry: number | undefined;
  readonly deliveryReport: boolean;
  readonly readReply: boolean;
  readonly subject: string | undefined;
  readonly contentId: string | undefined;
}

/** SubmitReq (MM7_submit.REQ). */
export function readSubmitReq(op: XElement, now: number): SubmitReq {
  const rcpts = child(op, 'Recipients');
  if (!rcpts) throw new Mm7Fault(STATUS.validationError, 'SubmitReq lacks Recipients');
  const to = readAddresses(child(rcpts, 'To'), 'Recipients/To');
  const cc = readAddresses(child(rcpts, 'Cc'), 'Recipients/Cc');
  const bcc = readAddresses(child(rcpts, 'Bcc'), 'Recipients/Bcc');
  if (to.length + cc.length + bcc.length === 0) throw new Mm7Fault(STATUS.validationError, 'SubmitReq has no recipient');
  return {
    sender: readSenderIdentification(op),
    to,
    cc,
    bcc,
    serviceCode: childText(op, 'ServiceCode'),
    linkedId: childText(op, 'LinkedID'),
    expiry: readRelativeDate(childText(op, 'ExpiryDate'), now, 'ExpiryDate'),
    deliveryReport: readBool(op, 'DeliveryReport'),
    readReply: readBool(op, 'ReadReply'),
    subject: childText(op, 'Subject'),
    contentId: readContentRef(op),
  };
}

export interface CancelReq {
  readonly sender: SenderIdentification;
  readonly messageId: string;
}

/** CancelReq (MM7_cancel.REQ). */
export function readCancelReq(op: XElement): CancelReq {
  const messageId = childText(op, 'MessageID');
  if (!messageId) throw new Mm7Fault(STATUS.validationError, `${op.local} lacks MessageID`);
  return { sender: readSenderIdentification(op), messageId };
}

export interface ReplaceReq extends CancelReq {
  readonly readReply: boolean;
  readonly contentId: string | undefined;
}

/** ReplaceReq (MM7_replace.REQ). */
export function readReplaceReq(op: XElement): ReplaceReq {
  return { ...readCancelReq(op), readReply: readBool(op, 'ReadReply'), contentId: readContentRef(op) };
}

/* ----- requests towards the VASP ----- */

export interface DeliverReqInput {
  readonly relayServerId: string;
  readonly vaspId?: string;
  readonly vasId?: string;
  readonly linkedId?: string;
  readonly sender: Mm7Address;
  readonly to: readonly Mm7Address[];
  readonly timeStamp: Date;
  readonly subject?: string;
  readonly contentId?: string;
}

/** DeliverReq (MM7_deliver.REQ); VASPID/VASID exist from REL-6 on. */
export function deliverReqChildren(version: string, rel6: boolean, d: DeliverReqInput): (XNode | undefined)[] {
  return [
    el('MM7Version', version),
    el('MMSRelayServerID', d.relayServerId),
    rel6 ? opt('VASPID', d.vaspId) : undefined,
    rel6 ? opt('VASID', d.vasId) : undefined,
    opt('LinkedID', d.linkedId),
    addressNode('Sender', d.sender),
    d.to.length > 0 ? el('Recipients', [el('To', d.to.map((a) => el(a.kind, a.value)))]) : undefined,
    el('TimeStamp', d.timeStamp.toISOString()),
    opt('Subject', d.subject),
    d.contentId !== undefined ? el('Content', [], { href: `cid:${d.contentId}` }) : undefined,
  ];
}

export type DeliveryMmStatus = 'Expired' | 'Retrieved' | 'Rejected' | 'Indeterminate' | 'Forwarded';
export type ReadMmStatus = 'Read' | 'Deleted' | 'Indeterminate';

export interface ReportInput {
  readonly relayServerId: string;
  readonly messageId: string;
  readonly recipient: Mm7Address;
  readonly sender: Mm7Address;
  readonly at: Date;
  readonly status: string;
  readonly statusText?: string;
}

/**
 * DeliveryReportReq (MM7_delivery_report.REQ: … Date …) and ReadReplyReq (MM7_read_reply.REQ:
 * … TimeStamp …), 3GPP TS 23.140 §8.7.5/§8.7.6: MessageID, Recipient, Sender, the time, MMStatus,
 * StatusText — the same children but for the name of the time element.
 */
function reportChildren(version: string, r: ReportInput, timeElement: 'Date' | 'TimeStamp'): (XNode | undefined)[] {
  return [
    el('MM7Version', version),
    el('MMSRelayServerID', r.relayServerId),
    el('MessageID', r.messageId),
    addressNode('Recipient', r.recipient),
    addressNode('Sender', r.sender),
    el(timeElement, r.at.toISOString()),
    el('MMStatus', r.status),
    opt('StatusText', r.statusText),
  ];
}

/** DeliveryReportReq (MM7_delivery_report.REQ). */
export function deliveryReportChildren(version: string, r: ReportInput): (XNode | undefined)[] {
  return reportChildren(version, r, 'Date');
}

/** ReadReplyReq (MM7_read_reply.REQ). */
export function readReplyChildren(version: string, r: ReportInput): (XNode | undefined)[] {
  return reportChildren(version, r, 'TimeStamp');
}
