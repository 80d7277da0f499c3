/**
 * Row and input types of the durable store. Times are milliseconds since the Unix epoch
 * (UTC) everywhere. `id` is always the store's own row id; `msgId` is a foreign key to
 * `messages.id`; `messageId` is the MMS / email Message-ID header value.
 */

export type Direction = 'in' | 'out';
export type MessageKind = 'sms' | 'mms';

/**
 * Message lifecycle. Inbound: `notified` (MMS notification stored) → `retrieving` →
 * `retrieved` → `relayed`; an inbound SMS starts at `received`. Outbound: `queued` →
 * `submitting` → `sent` → `delivered` / `read`; `held` when a crash left a send uncertain and
 * `outbound.uncertain` says hold (until `mmsgw retry`). Either direction may end in `failed`,
 * `expired`, `rejected` or `deferred` (retrieval postponed by configuration).
 */
export type MessageState =
  | 'received'
  | 'notified'
  | 'retrieving'
  | 'retrieved'
  | 'relayed'
  | 'deferred'
  | 'queued'
  | 'submitting'
  | 'held'
  | 'sent'
  | 'delivered'
  | 'read'
  | 'failed'
  | 'expired'
  | 'rejected';

export type AddressRole = 'from' | 'to' | 'cc' | 'bcc';

export type RawPduKind =
  | 'sms-deliver'
  | 'sms-status-report'
  | 'sms-submit'
  | 'wap-push'
  | 'mms-notification'
  | 'mms-retrieve-conf'
  | 'm-send-req'
  | 'm-send-conf'
  | 'm-delivery-ind'
  | 'm-read-orig-ind'
  | 'email';

export type JobState = 'queued' | 'running' | 'done' | 'dead';
export type RelayState = 'pending' | 'sent' | 'failed' | 'dead';
export type ReportKind = 'delivery' | 'read';

export interface AddressRow {
  readonly role: AddressRole;
  /** As it appeared on the wire, e.g. `+4915112345678/TYPE=PLMN`. */
  readonly raw: string;
  /** Comparable form: E.164 for phone numbers, lower-cased for email addresses. */
  readonly normalized: string;
}

export interface MessageRow {
  readonly id: number;
  readonly direction: Direction;
  readonly kind: MessageKind;
  readonly state: MessageState;
  /** Normalized sender (also present as an address row with role `from`). */
  readonly from: string | null;
  readonly subject: string | null;
  /** The message's own date (MMS Date / SMS SCTS), when known. */
  readonly date: number | null;
  readonly transactionId: string | null;
  readonly messageId: string | null;
  /** Message-ID of the email an outbound message came from (idempotency of email → MMS/SMS). */
  readonly emailMessageId: string | null;
  readonly contentLocation: string | null;
  readonly size: number | null;
  readonly expiry: number | null;
  /** Set when an SMS was relayed with segments missing, or an MMS had undecodable parts. */
  readonly incomplete: boolean;
  /** The box number (own MSISDN) the message was received on / sent from. */
  readonly box: string | null;
  readonly simId: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** What the decoders accepted although the input was not as the specifications say (absent when nothing). */
  readonly warnings?: readonly string[];
}

export interface NewMessage {
  direction: Direction;
  kind: MessageKind;
  state: MessageState;
  /** Sender address as on the wire; normalized into `from` and an address row. */
  from?: string | null;
  to?: readonly string[];
  cc?: readonly string[];
  bcc?: readonly string[];
  subject?: string | null;
  date?: number | null;
  transactionId?: string | null;
  messageId?: string | null;
  emailMessageId?: string | null;
  contentLocation?: string | null;
  size?: number | null;
  expiry?: number | null;
  incomplete?: boolean;
  box?: string | null;
  simId?: string | null;
  /** Defaults to now. */
  at?: number;
}

/** Fields of a message that may change after it was inserted. */
export interface MessagePatch {
  state?: MessageState;
  subject?: string | null;
  date?: number | null;
  messageId?: string | null;
  contentLocation?: string | null;
  size?: number | null;
  expiry?: number | null;
  incomplete?: boolean;
  from?: string | null;
}

export interface MessageQuery {
  direction?: Direction;
  kind?: MessageKind;
  state?: MessageState | readonly MessageState[];
  /** Only messages with this address in any role (compared in normalized form). */
  address?: string;
  /** Only messages with `id` below this (paging newest-first). */
  beforeId?: number;
  /** Default 50, at most 1000. */
  limit?: number;
}

/** A content-addressed file under `<stateDir>/blobs/`. */
export interface BlobRef {
  readonly sha256: string;
  readonly size: number;
  /** Path relative to the state directory, e.g. `blobs/ab/cd/abcd…`. */
  readonly path: string;
}

export interface NewPart {
  contentType: string;
  params?: Readonly<Record<string, string>>;
  name?: string | null;
  /** Raw file name from the message; stored sanitized (see sanitizeFilename). */
  filename?: string | null;
  contentId?: string | null;
  contentLocation?: string | null;
  charset?: string | null;
  /** Either the bytes (stored inline when small, as a blob file otherwise) or a blob already written. */
  body: Uint8Array | BlobRef;
}

export interface PartRow {
  readonly id: number;
  readonly msgId: number;
  readonly seq: number;
  readonly contentType: string;
  readonly params: Readonly<Record<string, string>>;
  readonly name: string | null;
  /** Sanitized; safe to use as a file name. */
  readonly filename: string;
  readonly contentId: string | null;
  readonly contentLocation: string | null;
  readonly charset: string | null;
  readonly size: number;
  readonly sha256: string;
  /** `inline`: bytes in the row; `file`: `blobPath` relative to the state directory. */
  readonly storage: 'inline' | 'file';
  readonly blobPath: string | null;
}

export interface NewRawPdu {
  kind: RawPduKind;
  /** Bytes (inline when small, blob file otherwise) or a blob already written. */
  body: Uint8Array | BlobRef;
  msgId?: number | null;
  receivedAt?: number;
  /** Where it came from: `modem:SM/3`, `mmsc`, `imap`, `smtp`, `api` … */
  source?: string | null;
}

export interface RawPduRow {
  readonly id: number;
  readonly kind: RawPduKind;
  readonly msgId: number | null;
  readonly size: number;
  readonly sha256: string;
  readonly storage: 'inline' | 'file';
  readonly blobPath: string | null;
  readonly source: string | null;
  readonly receivedAt: number;
}

/** Concatenation header of one SMS segment (3GPP 23.040 §9.2.3.24.1 / .8). */
export interface SegmentInfo {
  originator: string;
  ref: number;
  total: number;
  seq: number;
}

export interface ReceivedSms {
  kind: 'sms-deliver' | 'sms-status-report';
  /** The PDU as read from the modem (hex, SMSC address included). */
  pdu: string;
  receivedAt: number;
  /** Present for a segment of a concatenated SMS. */
  segment?: SegmentInfo;
  /** Modem storage slot it was read from, for the raw PDU's `source`. */
  storage?: string;
  index?: number;
  /** The modem (configured id) it was read from; the same PDU from another modem is not a duplicate. */
  modem?: string;
}

export interface RecordedSms {
  readonly rawPduId: number;
  readonly segmentId: number | null;
  /** True when this exact PDU had already been recorded (the modem presented it again). */
  readonly duplicate: boolean;
}

export interface SegmentRow {
  readonly id: number;
  readonly rawPduId: number;
  readonly originator: string;
  readonly ref: number;
  readonly total: number;
  readonly seq: number;
  readonly receivedAt: number;
  readonly consumedBy: number | null;
}

export interface NewQuarantine {
  /** `sms`, `wap-push`, `mms`, `email`, `api` … */
  source: string;
  bytes: Uint8Array;
  errorCode: string;
  errorField?: string | null;
  errorOffset?: number | null;
  message: string;
  at?: number;
}

export interface QuarantineRow {
  readonly id: number;
  readonly source: string;
  readonly bytes: Uint8Array;
  readonly errorCode: string;
  readonly errorField: string | null;
  readonly errorOffset: number | null;
  readonly message: string;
  readonly createdAt: number;
}

export interface NewReport {
  kind: ReportKind;
  /** The Message-ID of the sent MMS the report is about; links the report to it. */
  messageId?: string | null;
  /** Direct link when known (e.g. an SMS status report matched by message reference). */
  msgId?: number | null;
  recipient?: string | null;
  /** Delivery/read status as named by the spec, e.g. `retrieved`, `rejected`, `read`. */
  status: string;
  at?: number;
  rawPduId?: number | null;
}

export interface ReportRow {
  readonly id: number;
  readonly kind: ReportKind;
  readonly msgId: number | null;
  readonly messageId: string | null;
  readonly recipient: string | null;
  readonly status: string;
  readonly at: number;
  readonly rawPduId: number | null;
}

export interface RelayRow {
  readonly id: number;
  readonly msgId: number;
  readonly mailbox: string;
  /** The email's own Message-ID, fixed when the relay is created so a resend is recognisable. */
  readonly emailMessageId: string;
  readonly state: RelayState;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly smtpResponse: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface JobRow<P = unknown> {
  readonly id: number;
  readonly kind: string;
  /** Idempotency key, unique across all jobs (e.g. `retrieve:<txid>`). */
  readonly key: string;
  readonly payload: P;
  readonly state: JobState;
  readonly attempts: number;
  readonly runAt: number;
  readonly lastError: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewJob {
  kind: string;
  key: string;
  payload?: unknown;
  /** Defaults to now. */
  runAt?: number;
}

export interface EventRow {
  readonly id: number;
  readonly msgId: number;
  readonly at: number;
  /** `push-received`, `fetch-attempt`, `retrieved`, `acknowledged`, `relayed`, `submit`, … */
  readonly kind: string;
  readonly detail: unknown;
}

export type SubmissionState = 'submitting' | 'sent' | 'failed' | 'held';

/** One outbound SMS part to one recipient, or one m-send-req (see SubmissionsRepo). */
export interface SubmissionRow {
  readonly id: number;
  readonly msgId: number;
  /** E.164 of an SMS part's recipient; '' for an m-send-req (one for all recipients). */
  readonly recipient: string;
  readonly seq: number;
  readonly total: number;
  readonly state: SubmissionState;
  readonly attempts: number;
  /** How often a crash left this send between writing the PDU and recording the answer. */
  readonly uncertain: number;
  /** What was done about the uncertainty: resent at once, held, or released by an operator. */
  readonly resolution: 'resent' | 'held' | 'released' | null;
  /** TP-MR of an SMS part, Message-ID of an MMS. */
  readonly reference: string | null;
  readonly lastError: string | null;
  readonly startedAt: number | null;
  readonly updatedAt: number;
}

export interface UncertainSubmission extends SubmissionRow {
  readonly kind: MessageKind;
  readonly messageState: MessageState;
  readonly from: string | null;
  readonly subject: string | null;
  /** The send job (`mmsgw retry <jobId>` releases a held send). */
  readonly jobId: number | null;
}
