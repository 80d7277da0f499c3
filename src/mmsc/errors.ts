import { MmsgwError } from '../util/errors.js';

export type Mm1ErrorCode =
  | 'MM1_HTTP_STATUS'
  | 'MM1_CONTENT_TYPE'
  | 'MM1_DECODE'
  | 'MM1_UNEXPECTED_PDU'
  | 'MM1_RETRIEVE_STATUS'
  | 'MM1_SEND_STATUS'
  | 'MM1_TOO_LARGE'
  | 'MM1_REDIRECTS'
  /** The Content-Location (or a redirect) is refused by the URL policy (src/mmsc/url-policy.ts). */
  | 'MM1_LOCATION_REFUSED'
  /** The MMSC no longer holds the message (HTTP 404/410, error-permanent-message-not-found): expired or deleted. */
  | 'MM1_GONE';

/**
 * An MM1 transaction that reached the MMSC and failed there. `transient` decides whether the
 * pipeline retries (until the notification's expiry) or gives up; `specCode` carries the HTTP
 * status or the OMA response/retrieve status octet when there is one.
 */
export class Mm1Error extends MmsgwError {
  override readonly code: Mm1ErrorCode;
  readonly transient: boolean;
  /** A retrieve with `keepUndecodable`: the downloaded body that did not decode, now the caller's file. */
  file: string | undefined;

  constructor(code: Mm1ErrorCode, message: string, transient: boolean, options?: { cause?: unknown; specCode?: number; details?: Record<string, unknown> }) {
    super(code, message, options);
    this.code = code;
    this.transient = transient;
  }
}

/**
 * HTTP status → transient? 5xx, 408 (Request Timeout) and 429 (Too Many Requests) can pass;
 * any other 4xx will not change by asking again (RFC 9110 §15.5).
 */
export function httpStatusTransient(status: number): boolean {
  if (status >= 500) return true;
  return status === 408 || status === 429;
}

/**
 * X-Mms-Retrieve-Status / X-Mms-Response-Status name → transient? OMA-TS-MMS_ENC §7.3.50 and
 * §7.3.48 put transient errors in 0xC0–0xDF ("error-transient-…") and permanent ones in
 * 0xE0–0xFF ("error-permanent-…"). Of the MMS 1.0 response codes (0x81–0x88) only
 * "error-network-problem" is worth retrying.
 */
export function mmsStatusTransient(name: string): boolean {
  const n = name.toLowerCase();
  if (n.startsWith('error-transient')) return true;
  if (n === 'error-network-problem') return true;
  return false;
}

/** Anything thrown by the client or a bearer: may it succeed later? Unknown errors count as transient. */
export function isTransient(e: unknown): boolean {
  if (typeof e === 'object' && e !== null && 'transient' in e) return Boolean((e as { transient: unknown }).transient);
  return true;
}
