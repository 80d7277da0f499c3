/**
 * The MMS header field table (OMA-TS-MMS_ENC §7.4 Table 12 "Field Name Assignments") and the
 * assigned values of the enumerated fields (§7.3).
 */
import type { MmsMessageType, MmsPdu } from './types.js';
import * as v from './values.js';

export const MESSAGE_TYPES: Readonly<Record<number, MmsMessageType>> = {
  128: 'm-send-req', 129: 'm-send-conf', 130: 'm-notification-ind', 131: 'm-notifyresp-ind',
  132: 'm-retrieve-conf', 133: 'm-acknowledge-ind', 134: 'm-delivery-ind', 135: 'm-read-rec-ind',
  136: 'm-read-orig-ind', 137: 'm-forward-req', 138: 'm-forward-conf', 139: 'm-mbox-store-req',
  140: 'm-mbox-store-conf', 141: 'm-mbox-view-req', 142: 'm-mbox-view-conf', 143: 'm-mbox-upload-req',
  144: 'm-mbox-upload-conf', 145: 'm-mbox-delete-req', 146: 'm-mbox-delete-conf', 147: 'm-mbox-descr',
  148: 'm-delete-req', 149: 'm-delete-conf', 150: 'm-cancel-req', 151: 'm-cancel-conf',
};

/** X-Mms-Response-Status (§7.3); 1.0 codes 129–136 kept for old MMSCs. */
const RESPONSE_STATUS: Readonly<Record<number, string>> = {
  128: 'ok', 129: 'error-unspecified', 130: 'error-service-denied', 131: 'error-message-format-corrupt',
  132: 'error-sending-address-unresolved', 133: 'error-message-not-found', 134: 'error-network-problem',
  135: 'error-content-not-accepted', 136: 'error-unsupported-message',
  192: 'error-transient-failure', 193: 'error-transient-sending-address-unresolved',
  194: 'error-transient-message-not-found', 195: 'error-transient-network-problem', 196: 'error-transient-partial-success',
  224: 'error-permanent-failure', 225: 'error-permanent-service-denied', 226: 'error-permanent-message-format-corrupt',
  227: 'error-permanent-sending-address-unresolved', 228: 'error-permanent-message-not-found',
  229: 'error-permanent-content-not-accepted', 230: 'error-permanent-reply-charging-limitations-not-met',
  231: 'error-permanent-reply-charging-request-not-accepted', 232: 'error-permanent-reply-charging-forwarding-denied',
  233: 'error-permanent-reply-charging-not-supported', 234: 'error-permanent-address-hiding-not-supported',
  235: 'error-permanent-lack-of-prepaid',
};

/** Unassigned octets of the transient and permanent ranges are still errors of that class (§7.3). */
const ERROR_RANGES = [[192, 223, 'error-transient'], [224, 255, 'error-permanent']] as const;

const RETRIEVE_STATUS: Readonly<Record<number, string>> = {
  128: 'ok', 192: 'error-transient-failure', 193: 'error-transient-message-not-found',
  194: 'error-transient-network-problem', 224: 'error-permanent-failure', 225: 'error-permanent-service-denied',
  226: 'error-permanent-message-not-found', 227: 'error-permanent-content-unsupported',
};

const STORE_STATUS: Readonly<Record<number, string>> = {
  128: 'success', 192: 'error-transient-failure', 193: 'error-transient-network-problem',
  224: 'error-permanent-failure', 225: 'error-permanent-service-denied', 226: 'error-permanent-message-format-corrupt',
  227: 'error-permanent-message-not-found', 228: 'error-permanent-mmbox-full',
};

const STATUS = {
  128: 'expired', 129: 'retrieved', 130: 'rejected', 131: 'deferred', 132: 'unrecognised', 133: 'indeterminate',
  134: 'forwarded', 135: 'unreachable',
};
const CLASS = { 128: 'personal', 129: 'advertisement', 130: 'informational', 131: 'auto' };
const PRIORITY = { 128: 'low', 129: 'normal', 130: 'high' };
const READ_STATUS = { 128: 'read', 129: 'deleted-without-being-read' };
const REPLY_CHARGING = { 128: 'requested', 129: 'requested-text-only', 130: 'accepted', 131: 'accepted-text-only' };
const SENDER_VISIBILITY = { 128: 'hide', 129: 'show' };
const MM_STATE = { 128: 'draft', 129: 'sent', 130: 'new', 131: 'retrieved', 132: 'forwarded' };
const CONTENT_CLASS = {
  128: 'text', 129: 'image-basic', 130: 'image-rich', 131: 'video-basic', 132: 'video-rich', 133: 'megapixel',
  134: 'content-basic', 135: 'content-rich',
};
const CANCEL_STATUS = { 128: 'cancel-request-successfully-received', 129: 'cancel-request-corrupted' };
const RETRIEVAL_MODE = { 128: 'manual' };

/** Properties of MmsPdu that header fields fill (`from` also covers `fromInsertAddress`). */
export type FieldKey = Exclude<keyof MmsPdu, 'parts' | 'unknownHeaders' | 'wire' | 'fromInsertAddress'>;

export interface FieldDef {
  readonly code: number;
  readonly name: string;
  readonly key: FieldKey;
  readonly codec: v.ValueCodec<never>;
  /** The field may occur several times; the property is an array. */
  readonly multi?: boolean;
}

function def<T>(code: number, name: string, key: FieldKey, codec: v.ValueCodec<T>, multi = false): FieldDef {
  return { code, name, key, codec: codec as unknown as v.ValueCodec<never>, ...(multi ? { multi } : {}) };
}

const NAMES: Record<number, string> = {};

const attributes = v.attributeCodec((c) => NAMES[c], (n) => {
  const e = Object.entries(NAMES).find(([, x]) => x.toLowerCase() === n.toLowerCase());
  return e ? Number(e[0]) : undefined;
});

/** Every field of MMS 1.3 except Content-Type (0x04), which ends the headers and is handled apart. */
export const FIELDS: readonly FieldDef[] = [
  def(0x01, 'Bcc', 'bcc', v.address, true),
  def(0x02, 'Cc', 'cc', v.address, true),
  def(0x03, 'X-Mms-Content-Location', 'contentLocation', v.uri),
  def(0x05, 'Date', 'date', v.date),
  def(0x06, 'X-Mms-Delivery-Report', 'deliveryReport', v.yesNo),
  def(0x07, 'X-Mms-Delivery-Time', 'deliveryTime', v.time),
  def(0x08, 'X-Mms-Expiry', 'expiry', v.time),
  def(0x09, 'From', 'from', v.from),
  def(0x0a, 'X-Mms-Message-Class', 'messageClass', v.classCodec(CLASS)),
  def(0x0b, 'Message-ID', 'messageId', v.text),
  def(0x0c, 'X-Mms-Message-Type', 'messageType', v.enumCodec(MESSAGE_TYPES)),
  def(0x0d, 'X-Mms-MMS-Version', 'mmsVersion', v.version),
  def(0x0e, 'X-Mms-Message-Size', 'messageSize', v.longInteger),
  def(0x0f, 'X-Mms-Priority', 'priority', v.enumCodec(PRIORITY)),
  def(0x10, 'X-Mms-Read-Report', 'readReport', v.yesNo),
  def(0x11, 'X-Mms-Report-Allowed', 'reportAllowed', v.yesNo),
  def(0x12, 'X-Mms-Response-Status', 'responseStatus', v.enumCodec(RESPONSE_STATUS, ERROR_RANGES)),
  def(0x13, 'X-Mms-Response-Text', 'responseText', v.encoded),
  def(0x14, 'X-Mms-Sender-Visibility', 'senderVisibility', v.enumCodec(SENDER_VISIBILITY)),
  def(0x15, 'X-Mms-Status', 'status', v.enumCodec(STATUS)),
  def(0x16, 'Subject', 'subject', v.encoded),
  def(0x17, 'To', 'to', v.address, true),
  def(0x18, 'X-Mms-Transaction-Id', 'transactionId', v.text),
  def(0x19, 'X-Mms-Retrieve-Status', 'retrieveStatus', v.enumCodec(RETRIEVE_STATUS, ERROR_RANGES)),
  def(0x1a, 'X-Mms-Retrieve-Text', 'retrieveText', v.encoded),
  def(0x1b, 'X-Mms-Read-Status', 'readStatus', v.enumCodec(READ_STATUS)),
  def(0x1c, 'X-Mms-Reply-Charging', 'replyCharging', v.enumCodec(REPLY_CHARGING)),
  def(0x1d, 'X-Mms-Reply-Charging-Deadline', 'replyChargingDeadline', v.time),
  def(0x1e, 'X-Mms-Reply-Charging-ID', 'replyChargingId', v.text),
  def(0x1f, 'X-Mms-Reply-Charging-Size', 'replyChargingSize', v.longInteger),
  def(0x20, 'X-Mms-Previously-Sent-By', 'previouslySentBy', v.previouslySentBy, true),
  def(0x21, 'X-Mms-Previously-Sent-Date', 'previouslySentDate', v.previouslySentDate, true),
  def(0x22, 'X-Mms-Store', 'store', v.yesNo),
  def(0x23, 'X-Mms-MM-State', 'mmState', v.enumCodec(MM_STATE)),
  def(0x24, 'X-Mms-MM-Flags', 'mmFlags', v.mmFlags),
  def(0x25, 'X-Mms-Store-Status', 'storeStatus', v.enumCodec(STORE_STATUS, ERROR_RANGES)),
  def(0x26, 'X-Mms-Store-Status-Text', 'storeStatusText', v.encoded),
  def(0x27, 'X-Mms-Stored', 'stored', v.yesNo),
  def(0x28, 'X-Mms-Attributes', 'attributes', attributes, true),
  def(0x29, 'X-Mms-Totals', 'totals', v.yesNo),
  def(0x2a, 'X-Mms-Mbox-Totals', 'mboxTotals', v.mboxCount),
  def(0x2b, 'X-Mms-Quotas', 'quotas', v.yesNo),
  def(0x2c, 'X-Mms-Mbox-Quotas', 'mboxQuotas', v.mboxCount),
  def(0x2d, 'X-Mms-Message-Count', 'messageCount', v.integerValue),
  def(0x2f, 'X-Mms-Start', 'start', v.integerValue),
  def(0x31, 'X-Mms-Distribution-Indicator', 'distributionIndicator', v.yesNo),
  def(0x33, 'X-Mms-Limit', 'limit', v.integerValue),
  def(0x34, 'X-Mms-Recommended-Retrieval-Mode', 'recommendedRetrievalMode', v.enumCodec(RETRIEVAL_MODE)),
  def(0x35, 'X-Mms-Recommended-Retrieval-Mode-Text', 'recommendedRetrievalModeText', v.encoded),
  def(0x36, 'X-Mms-Status-Text', 'statusText', v.encoded),
  def(0x37, 'X-Mms-Applic-ID', 'applicId', v.text),
  def(0x38, 'X-Mms-Reply-Applic-ID', 'replyApplicId', v.text),
  def(0x39, 'X-Mms-Aux-Applic-Info', 'auxApplicInfo', v.text),
  def(0x3a, 'X-Mms-Content-Class', 'contentClass', v.enumCodec(CONTENT_CLASS)),
  def(0x3b, 'X-Mms-DRM-Content', 'drmContent', v.yesNo),
  def(0x3c, 'X-Mms-Adaptation-Allowed', 'adaptationAllowed', v.yesNo),
  def(0x3d, 'X-Mms-Replace-ID', 'replaceId', v.text),
  def(0x3e, 'X-Mms-Cancel-ID', 'cancelId', v.text),
  def(0x3f, 'X-Mms-Cancel-Status', 'cancelStatus', v.enumCodec(CANCEL_STATUS)),
];

export const CONTENT_TYPE_CODE = 0x04;

/** Field names that have no value codec here (kept raw when they occur). */
const RAW_ONLY: Readonly<Record<number, string>> = {
  0x04: 'Content-Type', 0x2e: 'X-Mms-Content', 0x30: 'X-Mms-Additional-Headers', 0x32: 'X-Mms-Element-Descriptor',
};

for (const f of FIELDS) NAMES[f.code] = f.name;
for (const [c, n] of Object.entries(RAW_ONLY)) NAMES[Number(c)] = n;

export const FIELD_BY_CODE: ReadonlyMap<number, FieldDef> = new Map(FIELDS.map((f) => [f.code, f]));
export const FIELD_BY_KEY: ReadonlyMap<string, FieldDef> = new Map(FIELDS.map((f) => [f.key, f]));

export function fieldName(code: number): string | undefined {
  return NAMES[code];
}

/**
 * Canonical header order for PDUs built from scratch: Message-Type, Transaction-ID and
 * MMS-Version first (OMA-TS-MMS_ENC §7.1), then the usual order of the PDU tables, then the rest
 * by code. Content-Type is written last by the encoder.
 */
export const CANONICAL_ORDER: readonly FieldKey[] = [
  'messageType', 'transactionId', 'mmsVersion', 'messageId', 'date', 'from', 'to', 'cc', 'bcc', 'subject',
  'messageClass', 'messageSize', 'expiry', 'deliveryTime', 'priority', 'senderVisibility', 'deliveryReport',
  'readReport', 'status', 'readStatus', 'reportAllowed', 'responseStatus', 'responseText', 'retrieveStatus',
  'retrieveText', 'contentLocation',
];
