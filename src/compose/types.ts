/**
 * The output model of email → SMS/MMS composition. Plain data, independent of the SMS and MMS
 * codecs: the pipeline stores an OutboundPlan as the durable job and encodes it only when it
 * submits (SMS via codec/sms `encodeSubmit`, MMS via codec/mms `buildSendReq` + `encodeMms`).
 */

/** Alphabet an SMS plan was measured in (3GPP 23.038 §6.2.1 GSM 7-bit default + extension, or UCS2). */
export type SmsPlanAlphabet = 'gsm7' | 'ucs2';

/** One body part of an MMS (OMA-TS-MMS_ENC §7: multipart/related with a SMIL presentation). */
export interface OutboundPart {
  /** MIME type, lowercase, without parameters (e.g. `image/jpeg`, `text/plain`). */
  readonly contentType: string;
  /** Charset for text parts (always `utf-8` for text this gateway produces). */
  readonly charset?: string;
  /** Content-ID without angle brackets; unique in the message. */
  readonly contentId: string;
  /** Content-Location / name: an ASCII file name, unique in the message; the SMIL refers to it. */
  readonly contentLocation: string;
  readonly body: Uint8Array;
}

export interface SmsPlan {
  readonly kind: 'sms';
  /** Destination numbers in E.164 with a leading '+'. One SMS (possibly concatenated) per number. */
  readonly to: readonly string[];
  readonly text: string;
  /** Number of SMS-SUBMIT PDUs the text needs (3GPP 23.040 §9.2.3.24.1 concatenation). */
  readonly segments: number;
  readonly alphabet: SmsPlanAlphabet;
}

export interface MmsPlan {
  readonly kind: 'mms';
  /** Destination numbers in E.164 with '+'; several numbers make one group MMS. */
  readonly to: readonly string[];
  readonly subject?: string;
  /** Parts in presentation order; the SMIL part itself is not among them. */
  readonly parts: readonly OutboundPart[];
  /** SMIL presentation (OMA-TS-MMS_CONF §8), UTF-8 XML text. */
  readonly smil: string;
  /** Estimated encoded size of the m-send-req in bytes (bodies + SMIL + header allowance). */
  readonly estimatedSize: number;
}

export type OutboundPlan = SmsPlan | MmsPlan;

/**
 * Why a mail is not sent. `code` is stable for logs, tests and the store; `reason` is one
 * human sentence that goes verbatim into the reply mail to the sender.
 */
export type RefusalCode =
  | 'MAIL_TOO_LARGE'
  | 'MAIL_MALFORMED'
  | 'MAIL_NO_SENDER'
  | 'MAIL_SENDER_UNKNOWN'
  | 'MAIL_SENDER_NOT_ALLOWED_FOR_NUMBER'
  | 'MAIL_AUTH_FAILED'
  | 'MAIL_NO_RECIPIENT'
  | 'MAIL_BAD_RECIPIENT'
  | 'MAIL_TOO_MANY_RECIPIENTS'
  | 'MAIL_RATE_LIMITED'
  | 'MAIL_EMPTY'
  | 'MAIL_UNSUPPORTED_MEDIA'
  | 'MAIL_MEDIA_TOO_LARGE'
  | 'MAIL_TEXT_TOO_LONG'
  | 'MAIL_AUTO_SUBMITTED';

export interface Refusal {
  readonly code: RefusalCode;
  readonly reason: string;
  /** Extra context for logs (never shown to the sender). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export function refusal(code: RefusalCode, reason: string, details?: Record<string, unknown>): Refusal {
  return details === undefined ? { code, reason } : { code, reason, details };
}
