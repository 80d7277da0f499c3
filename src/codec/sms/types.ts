/**
 * Types of the SMS PDU codec (3GPP 23.040 TPDUs, 3GPP 23.038 alphabets, 3GPP 27.005 PDU mode).
 * Every value here is plain data: safe to serialise to JSON (Uint8Array aside) and to store.
 */

/** TP-DA / TP-OA / TP-RA / RP-SC address, 3GPP 23.040 §9.1.2.5 and 24.011 §8.2.5.1. */
export interface SmsAddress {
  /** Digits with '+' for international numbers ('*', '#', 'a', 'b', 'c' for BCD 0xA–0xE), or the alphanumeric text. */
  readonly number: string;
  /** Type of number (bits 6–4 of the type-of-address octet). */
  readonly ton: number;
  /** Numbering plan identification (bits 3–0). */
  readonly npi: number;
  readonly kind: 'international' | 'national' | 'network-specific' | 'subscriber' | 'alphanumeric' | 'abbreviated' | 'unknown';
}

export type SmsAlphabet = 'gsm7' | '8bit' | 'ucs2';

/** TP-DCS decoded, 3GPP 23.038 §4. */
export interface DataCodingScheme {
  readonly raw: number;
  readonly alphabet: SmsAlphabet;
  /** Message class 0–3 when the DCS carries one. */
  readonly messageClass?: 0 | 1 | 2 | 3;
  readonly compressed: boolean;
  /** Group of the coding: general data coding, message waiting indication, data coding/message class, reserved. */
  readonly group: 'general' | 'auto-delete' | 'mwi-discard' | 'mwi-store' | 'data-class' | 'reserved';
  /** Message waiting indication (groups 1100–1110): active flag and indication type. */
  readonly waiting?: { readonly active: boolean; readonly type: 'voicemail' | 'fax' | 'email' | 'other' };
}

/** Service-centre time stamp, 3GPP 23.040 §9.2.3.11. */
export interface SmsTimestamp {
  /** The instant (UTC). */
  readonly date: Date;
  /** The sender's time zone as signed minutes east of UTC, as carried in the PDU. */
  readonly offsetMinutes: number;
}

/** Languages of the Indian tables of 3GPP 23.038 Annex A (identifiers 4–13). */
export type IndicLanguage = 'bengali' | 'gujarati' | 'hindi' | 'kannada' | 'malayalam' | 'oriya' | 'punjabi' | 'tamil' | 'telugu' | 'urdu';

/** National language identifiers of 3GPP 23.038 §6.2.1.2.4 implemented by this codec (all of them). */
export type NationalLanguage = 'turkish' | 'spanish' | 'portuguese' | IndicLanguage;

/** Information elements of the user data header, 3GPP 23.040 §9.2.3.24. */
export type UdhElement =
  | { readonly kind: 'concat'; readonly iei: 0x00 | 0x08; readonly refBits: 8 | 16; readonly ref: number; readonly total: number; readonly seq: number }
  | { readonly kind: 'port'; readonly iei: 0x04 | 0x05; readonly portBits: 8 | 16; readonly dst: number; readonly src: number }
  | { readonly kind: 'language'; readonly iei: 0x24 | 0x25; readonly shift: 'single' | 'locking'; readonly languageId: number; readonly language?: NationalLanguage }
  | { readonly kind: 'raw'; readonly iei: number; readonly data: Uint8Array };

/** TP-UD without its header: septet values for gsm7 (one per array element), octets otherwise. */
export type RawUserData =
  | { readonly unit: 'septets'; readonly data: Uint8Array }
  | { readonly unit: 'octets'; readonly data: Uint8Array };

export interface ConcatInfo {
  readonly ref: number;
  readonly refBits: 8 | 16;
  readonly total: number;
  readonly seq: number;
}

export interface PortPair {
  readonly dst: number;
  readonly src: number;
}

/** Fields shared by the TPDUs that carry user data. */
interface UserDataFields {
  readonly pid: number;
  readonly dcs: DataCodingScheme;
  readonly udh: readonly UdhElement[];
  readonly userData: RawUserData;
  /** Convenience views over `udh`. */
  readonly concat?: ConcatInfo;
  readonly ports?: PortPair;
  /** Text of a complete single-part text message (absent for binary, compressed and concatenated parts). */
  readonly text?: string;
  /**
   * Deviations from 23.040 the decoder accepted (octets beyond TP-UDL, 0xFF padding), one
   * sentence each naming the field; absent when the PDU is as the specification says.
   */
  readonly warnings?: readonly string[];
}

export interface SmsDeliver extends UserDataFields {
  readonly type: 'deliver';
  readonly smsc?: SmsAddress;
  readonly originator: SmsAddress;
  readonly scts: SmsTimestamp;
  readonly moreMessagesToSend: boolean;
  readonly replyPath: boolean;
  readonly statusReportIndication: boolean;
}

/** TP-VP, 3GPP 23.040 §9.2.3.12. */
export type ValidityPeriod =
  | { readonly format: 'relative'; readonly seconds: number }
  | { readonly format: 'absolute'; readonly date: Date; readonly offsetMinutes: number }
  | { readonly format: 'enhanced'; readonly raw: Uint8Array };

export interface SmsSubmit extends UserDataFields {
  readonly type: 'submit';
  readonly smsc?: SmsAddress;
  readonly messageReference: number;
  readonly destination: SmsAddress;
  readonly validity?: ValidityPeriod;
  readonly rejectDuplicates: boolean;
  readonly statusReportRequest: boolean;
  readonly replyPath: boolean;
}

/** TP-ST meaning, 3GPP 23.040 §9.2.3.15. */
export type DeliveryStatusCategory = 'delivered' | 'still-trying' | 'permanent-failure' | 'temporary-failure';

export interface DeliveryStatus {
  readonly raw: number;
  readonly category: DeliveryStatusCategory;
  readonly description: string;
}

export interface SmsStatusReport {
  readonly type: 'status-report';
  readonly smsc?: SmsAddress;
  readonly messageReference: number;
  readonly recipient: SmsAddress;
  readonly scts: SmsTimestamp;
  readonly dischargeTime: SmsTimestamp;
  readonly status: DeliveryStatus;
  /** TP-SRQ: the report answers an SMS-COMMAND rather than an SMS-SUBMIT. */
  readonly forCommand: boolean;
}

export type SmsTpdu = SmsDeliver | SmsSubmit | SmsStatusReport;

export interface DecodeOptions {
  /** Default true: AT+CMGR / +CMT / +CMGL PDUs start with the SMSC address (3GPP 27.005 §3.1). */
  readonly smscPresent?: boolean;
}

/** One encoded PDU, ready for AT+CMGS=<tpduLength> (3GPP 27.005 §3.5.1) or a +CMT line. */
export interface EncodedPdu {
  /** Hex including the SMSC octet(s); "00" means "use the SMSC stored in the ME/SIM". */
  readonly hex: string;
  /** TPDU length in octets, SMSC excluded. */
  readonly tpduLength: number;
}
export type SubmitPdu = EncodedPdu;
export type DeliverPdu = EncodedPdu;

export type AlphabetChoice = 'auto' | 'gsm7' | 'ucs2';

/** Language tables the 7-bit encoder may use (single shift, locking shift, or both). */
export type LanguageChoice = NationalLanguage | { readonly single?: NationalLanguage; readonly locking?: NationalLanguage };

export interface SubmitOptions {
  /** Destination: "+4917…" international, digits national/unknown, '*'/'#' allowed. */
  readonly to: string;
  readonly text?: string;
  readonly data?: Uint8Array;
  readonly port?: { readonly dst: number; readonly src?: number };
  readonly statusReport?: boolean;
  /** Relative validity in seconds, or an absolute expiry. */
  readonly validity?: number | { readonly until: Date; readonly offsetMinutes?: number };
  /** Concatenation reference; the caller keeps the counter. */
  readonly reference: number;
  /** Width of the concatenation reference (default 8, IEI 0x00; 16 uses IEI 0x08). */
  readonly referenceBits?: 8 | 16;
  /** TP-MR of the first part (default 0; the modem usually replaces it). Following parts count up modulo 256. */
  readonly messageReference?: number;
  readonly smsc?: string;
  readonly alphabet?: AlphabetChoice;
  readonly nationalLanguage?: LanguageChoice;
  readonly messageClass?: 0 | 1 | 2 | 3;
  readonly rejectDuplicates?: boolean;
  readonly pid?: number;
}

export interface DeliverOptions {
  /** Originator: "+…" international, digits, or alphanumeric text (up to 11 characters). */
  readonly from: string;
  readonly text?: string;
  readonly data?: Uint8Array;
  readonly port?: { readonly dst: number; readonly src?: number };
  readonly reference?: number;
  readonly referenceBits?: 8 | 16;
  readonly smsc?: string;
  /** Default: now. */
  readonly scts?: Date;
  /** Default 0 (UTC); must be a multiple of 15. */
  readonly sctsOffsetMinutes?: number;
  readonly alphabet?: AlphabetChoice;
  readonly nationalLanguage?: LanguageChoice;
  readonly messageClass?: 0 | 1 | 2 | 3;
  readonly pid?: number;
  readonly statusReportIndication?: boolean;
}

export interface StatusReportOptions {
  readonly smsc?: string;
  readonly messageReference: number;
  readonly recipient: string;
  readonly scts: Date;
  readonly dischargeTime: Date;
  readonly offsetMinutes?: number;
  /** TP-ST value, 3GPP 23.040 §9.2.3.15 (0x00 = received by the SME). */
  readonly status: number;
}

/** A received SMS-DELIVER as the store keeps it. */
export interface StoredSegment {
  readonly id: string;
  readonly deliver: SmsDeliver;
  readonly receivedAt: Date;
}

/** A message put together from one or more segments. */
export interface AssembledMessage {
  readonly type: 'assembled';
  /**
   * Stable grouping key: originator, reference width, reference and total — and, for a later
   * message that reused the reference, `@` and the id of its first segment.
   */
  readonly key: string;
  readonly originator: SmsAddress;
  readonly dcs: DataCodingScheme;
  readonly pid: number;
  readonly scts: SmsTimestamp;
  /** Segment ids used, in sequence order. */
  readonly segmentIds: readonly string[];
  /** Segments that repeated a sequence number already used (the store may drop them). */
  readonly duplicateIds: readonly string[];
  readonly total: number;
  readonly incomplete: boolean;
  /** Missing sequence numbers (1-based); empty when complete. */
  readonly missing: readonly number[];
  readonly concat?: ConcatInfo;
  readonly ports?: PortPair;
  /** Joined user data: septets for gsm7, octets otherwise. */
  readonly userData: RawUserData;
  /** Decoded text for text messages (missing parts are replaced by U+FFFD markers). */
  readonly text?: string;
  readonly firstReceivedAt: Date;
  /** The warnings of the segments used, each once. */
  readonly warnings?: readonly string[];
}

/** A group still waiting for parts. */
export interface PendingGroup {
  readonly key: string;
  readonly segmentIds: readonly string[];
  readonly total: number;
  readonly received: readonly number[];
  readonly missing: readonly number[];
  readonly firstReceivedAt: Date;
  /** When the group will be released as incomplete. */
  readonly expiresAt: Date;
}

export interface ReassemblyResult {
  /** Complete messages and expired incomplete ones (flagged `incomplete`). */
  readonly messages: readonly AssembledMessage[];
  readonly waiting: readonly PendingGroup[];
}

export type SmsClassification =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'wap-push'; readonly secure: boolean; readonly port?: number; readonly viaPort: boolean; readonly contentType?: string | number; readonly payload: Uint8Array }
  | { readonly kind: 'unsupported-push'; readonly contentType: string | number; readonly payload: Uint8Array }
  | { readonly kind: 'binary'; readonly ports?: PortPair; readonly payload: Uint8Array }
  | { readonly kind: 'status-report' };
