/**
 * The MMS data model (OMA-TS-MMS_ENC 1.0–1.3). A decoded PDU is plain data: typed header
 * fields, the parts, and — for byte-exact re-encoding — a record of the header order and of the
 * encoding form of every field (`wire`). Build a PDU from scratch without `wire` and the encoder
 * uses canonical forms in the order of OMA-TS-MMS_ENC §6.
 */
import type { ContentType, WspHeader } from '../wsp/types.js';

export type { ContentType, WspHeader } from '../wsp/types.js';

/** X-Mms-Message-Type (OMA-TS-MMS_ENC §7.3). */
export type MmsMessageType =
  | 'm-send-req' | 'm-send-conf' | 'm-notification-ind' | 'm-notifyresp-ind' | 'm-retrieve-conf'
  | 'm-acknowledge-ind' | 'm-delivery-ind' | 'm-read-rec-ind' | 'm-read-orig-ind' | 'm-forward-req'
  | 'm-forward-conf' | 'm-mbox-store-req' | 'm-mbox-store-conf' | 'm-mbox-view-req' | 'm-mbox-view-conf'
  | 'm-mbox-upload-req' | 'm-mbox-upload-conf' | 'm-mbox-delete-req' | 'm-mbox-delete-conf' | 'm-mbox-descr'
  | 'm-delete-req' | 'm-delete-conf' | 'm-cancel-req' | 'm-cancel-conf';

/** Address type suffix of an encoded address (OMA-TS-MMS_ENC §8 "Address Encoding"). */
export type MmsAddressType = 'PLMN' | 'IPv4' | 'IPv6' | 'email' | 'other';

/** One address as carried in From/To/Cc/Bcc. */
export interface MmsAddress {
  /** The text exactly as decoded, e.g. `+33612345678/TYPE=PLMN`. */
  raw: string;
  /** The address without its `/TYPE=` suffix, e.g. `+33612345678` or `a@b.example`. */
  value: string;
  type: MmsAddressType;
  /** The `TYPE=` name as written when `type` is `other` (a user-defined type). */
  typeName?: string;
  /** For PLMN: the number reduced to `+` and digits (separators removed). */
  number?: string;
}

/** Expiry, Delivery-Time, Reply-Charging-Deadline: absolute instant or relative seconds (§7.3). */
export type MmsTime = { kind: 'absolute'; date: Date } | { kind: 'relative'; seconds: number };

/** X-Mms-Previously-Sent-By / -Date entry (OMA-TS-MMS_ENC §7.3). */
export interface MmsPreviouslySentBy { count: number; address: MmsAddress }
export interface MmsPreviouslySentDate { count: number; date: Date }

/** X-Mms-MM-Flags (§7.3): add/remove/filter a keyword. */
export interface MmsFlags { op: 'add' | 'remove' | 'filter'; keyword: string }

/** X-Mms-Mbox-Totals / X-Mms-Mbox-Quotas (§7.3). */
export interface MmsMboxCount { unit: 'message' | 'size'; value: number }

export type MmsPriority = 'low' | 'normal' | 'high';
export type MmsYesNo = boolean;
/** X-Mms-Message-Class: one of the well-known classes or a token-text class (§7.3). */
export type MmsMessageClass = 'personal' | 'advertisement' | 'informational' | 'auto' | (string & {});
export type MmsStatus =
  | 'expired' | 'retrieved' | 'rejected' | 'deferred' | 'unrecognised' | 'indeterminate' | 'forwarded' | 'unreachable';
export type MmsReadStatus = 'read' | 'deleted-without-being-read';
export type MmsReplyCharging = 'requested' | 'requested-text-only' | 'accepted' | 'accepted-text-only';
export type MmsSenderVisibility = 'hide' | 'show';
export type MmsMmState = 'draft' | 'sent' | 'new' | 'retrieved' | 'forwarded';
export type MmsContentClass =
  | 'text' | 'image-basic' | 'image-rich' | 'video-basic' | 'video-rich' | 'megapixel' | 'content-basic' | 'content-rich';
export type MmsCancelStatus = 'cancel-request-successfully-received' | 'cancel-request-corrupted';

/**
 * A header the codec keeps without interpreting: a well-known field code missing from the
 * table, an application header (token-text name), or a recognised field whose value is not one
 * the specification defines. Kept in order and re-encoded verbatim.
 */
export interface MmsUnknownHeader {
  /** Binary field code (without the high bit), absent for application headers. */
  code?: number;
  /** Field name: the application header's token, or the recognised field's name. */
  name: string;
  /** Value octets exactly as on the wire. */
  raw: Uint8Array;
  /** Readable rendering of the value (text, or hex). */
  value: string;
  /** Why it was kept raw. */
  reason: 'unknown-field' | 'application-header' | 'unrecognised-value';
}

/** One body part of a multipart MMS (WAP-230-WSP §8.5.3). */
export interface MmsPart {
  /** Lower-case media type, e.g. `image/jpeg`. */
  contentType: string;
  /** Content-type parameters by lower-case name (`charset`, `name`, …). */
  params: Record<string, string>;
  /** `name` parameter of the content type. */
  name?: string;
  /** `filename` parameter of the content type or of Content-Disposition. */
  filename?: string;
  /** Content-ID without changes (usually `<…>`). */
  contentId?: string;
  contentLocation?: string;
  /** Charset name (`utf-8`, `us-ascii`, `utf-16`, …) from the content-type parameters. */
  charset?: string;
  /** The part data: a view into the decoded buffer, never a copy. */
  body: Uint8Array;
  /** Every header of the part after its content type, in order (Content-ID, Content-Location, …). */
  headers?: WspHeader[];
  /** Encoding details of the part's content type (for byte-exact re-encoding). */
  contentTypeForm?: ContentType['form'];
  /** A textual Content-Transfer-Encoding the part came with (lower case); `body` is already decoded. */
  transferEncoding?: string;
  /** For a base64/quoted-printable part: the octets as sent, re-encoded while `body` is still `decoded`. */
  transfer?: { readonly wireBody: Uint8Array; readonly decoded: Uint8Array };
}

/**
 * Encoding record of a decoded PDU: the header sequence and the form of each value. Opaque to
 * callers; the encoder follows it while the values it describes are unchanged.
 */
export interface MmsWire {
  /** One entry per header on the wire: the field key (as in `MmsPdu`) or `unknown`. */
  readonly order: readonly string[];
  /** Per field key, the form of each occurrence, in order. */
  readonly forms: Readonly<Record<string, readonly unknown[]>>;
  /** The body was not a multipart: `parts[0]` is the whole body. */
  readonly singleBody?: boolean;
  /** Multipart entry count was present and these are the entry-level framing forms. */
  readonly multipart?: unknown;
  /** Octets after the last complete header of a PDU without a body (kept, warned about). */
  readonly trailing?: Uint8Array;
}

export interface MmsPdu {
  messageType: MmsMessageType;
  transactionId?: string;
  /** `major.minor`, e.g. `1.0`, `1.3` (X-Mms-MMS-Version, §7.3.34). */
  mmsVersion?: string;
  from?: MmsAddress;
  /** From carried the Insert-address-token: the MMSC fills in the sender (§7.3). */
  fromInsertAddress?: boolean;
  to: MmsAddress[];
  cc: MmsAddress[];
  bcc: MmsAddress[];
  subject?: string;
  contentLocation?: string;
  messageSize?: number;
  expiry?: MmsTime;
  deliveryTime?: MmsTime;
  date?: Date;
  messageId?: string;
  messageClass?: MmsMessageClass;
  priority?: MmsPriority;
  status?: MmsStatus;
  statusText?: string;
  /** X-Mms-Response-Status name, e.g. `ok`, `error-permanent-message-format-corrupt` (§7.3). */
  responseStatus?: string;
  responseText?: string;
  /** X-Mms-Retrieve-Status name (§7.3). */
  retrieveStatus?: string;
  retrieveText?: string;
  readStatus?: MmsReadStatus;
  deliveryReport?: MmsYesNo;
  readReport?: MmsYesNo;
  reportAllowed?: MmsYesNo;
  senderVisibility?: MmsSenderVisibility;
  replyCharging?: MmsReplyCharging;
  replyChargingDeadline?: MmsTime;
  replyChargingId?: string;
  replyChargingSize?: number;
  previouslySentBy: MmsPreviouslySentBy[];
  previouslySentDate: MmsPreviouslySentDate[];
  store?: MmsYesNo;
  stored?: MmsYesNo;
  mmState?: MmsMmState;
  mmFlags?: MmsFlags;
  /** X-Mms-Store-Status name (§7.3). */
  storeStatus?: string;
  storeStatusText?: string;
  totals?: MmsYesNo;
  quotas?: MmsYesNo;
  mboxTotals?: MmsMboxCount;
  mboxQuotas?: MmsMboxCount;
  messageCount?: number;
  start?: number;
  limit?: number;
  /** X-Mms-Attributes: field names requested (§7.3). */
  attributes: string[];
  distributionIndicator?: MmsYesNo;
  recommendedRetrievalMode?: 'manual';
  recommendedRetrievalModeText?: string;
  applicId?: string;
  replyApplicId?: string;
  auxApplicInfo?: string;
  contentClass?: MmsContentClass;
  drmContent?: MmsYesNo;
  adaptationAllowed?: MmsYesNo;
  replaceId?: string;
  cancelId?: string;
  cancelStatus?: MmsCancelStatus;
  /** Content-Type of the message body; present on PDUs with a body (send-req, retrieve-conf…). */
  contentType?: ContentType;
  /** The body parts (a non-multipart body is one part). Empty for PDUs without a body. */
  parts: MmsPart[];
  /** Headers kept uninterpreted, in wire order. */
  unknownHeaders: MmsUnknownHeader[];
  /**
   * What the decoder accepted that the specification does not foresee (stray octets after the
   * last header, a textual Content-Transfer-Encoding, …), one sentence each; absent when none.
   */
  warnings?: string[];
  /** Encoding record from the decoder (absent on PDUs built from scratch). */
  wire?: MmsWire;
}
