import type { MmsPdu } from '../../codec/mms/index.js';
import type { SimPartInput } from './pdus.js';

/**
 * How the simulated MMSC misbehaves. A fault applies to the next matching requests (`times`,
 * default unlimited until `clearFaults`), `on` selects retrieves (GET), POSTs, or both.
 */
export type SimFault = (
  | { kind: 'status'; status: number }
  /** Accept the request and never answer. */
  | { kind: 'hang' }
  /** Close the connection without any answer. */
  | { kind: 'reset' }
  /** Announce the full Content-Length, send `fraction` of the body, close. */
  | { kind: 'truncate'; fraction?: number }
  | { kind: 'content-type'; contentType?: string }
  /** m-retrieve-conf with this X-Mms-Retrieve-Status (OMA-TS-MMS_ENC §7.3.50), no message. */
  | { kind: 'retrieve-status'; status: string; text?: string }
  /** m-send-conf with this X-Mms-Response-Status (§7.3.48). */
  | { kind: 'response-status'; status: string; text?: string }
  /** Throttle the response body to this many bytes per second. */
  | { kind: 'slow'; bytesPerSecond: number }
  /** Answer with 302 to the same resource this many times first. */
  | { kind: 'redirect'; hops: number }
  /** Send the body with chunked transfer coding (no Content-Length). */
  | { kind: 'chunked' }
  /** A complete HTTP answer whose m-retrieve-conf was cut to `fraction` of its bytes (an undecodable MMS). */
  | { kind: 'corrupt'; fraction?: number }
) & { on?: 'retrieve' | 'post' | 'any'; times?: number };

export interface SubmitInput {
  from: string;
  to: string | string[];
  subject?: string;
  parts: SimPartInput[];
  /** X-Mms-Expiry relative seconds for the notification (default one day). */
  expirySeconds?: number;
  /** Override X-Mms-Message-Size in the notification (to simulate wrong estimates). */
  announcedSize?: number;
  /** How this message is encoded and served (see MessageScenario); defaults: MMS 1.2, binary part headers, Content-Length. */
  scenario?: MessageScenario;
}

/** PDUs assembled outside the gateway's encoders (test/fixtures/inbound), served as they are. */
export interface RawSubmitInput {
  /** The X-Mms-Transaction-Id inside the PDUs (for `message()`, `fetches()`, `expire()`). */
  transactionId: string;
  /** The m-retrieve-conf octets served at the Content-Location. */
  retrieveConf: Uint8Array;
  /**
   * The complete WAP Push (WAP-230-WSP §8.2.4.1) for the Content-Location assigned. Absent: the
   * simulator pushes nothing (the notification reaches the modem another way, e.g. as SMS-DELIVER
   * PDUs from test/fixtures/inbound/*.sms.hex naming `token`'s location).
   */
  push?: (contentLocation: string) => Uint8Array;
  /** The last path segment of the Content-Location (`/mms/r/<token>`), when a fixture names it. */
  token?: string;
  from?: string;
  expirySeconds?: number;
  framing?: 'content-length' | 'chunked';
}

/** X-Mms-MMS-Version values seen in the field: 1.0–1.3, encoded 0x90–0x93 (OMA-TS-MMS_ENC §7.3.34). */
export type SimMmsVersion = '1.0' | '1.1' | '1.2' | '1.3';

/**
 * Per-message switches: what a particular handset or MMSC generation sends. Every field is
 * optional; the default is what a current MMSC does.
 */
export interface MessageScenario {
  /** X-Mms-MMS-Version of the notification and the m-retrieve-conf (default 1.2). */
  mmsVersion?: SimMmsVersion;
  /**
   * Content-ID and Content-Location of every part as textual application headers
   * (WAP-230-WSP §8.4.2.6 Application-header) instead of the well-known fields 0x40 / 0x0E
   * (WSP Table 39), as some handsets write them.
   */
  textualPartHeaders?: boolean;
  /**
   * A textual Content-Transfer-Encoding header on every part with the body encoded so
   * (RFC 2045 §6.7 quoted-printable, §6.8 base64), although OMA-TS-MMS_ENC §7.1 carries parts
   * as binary.
   */
  transferEncoding?: 'base64' | 'quoted-printable';
  /** How the m-retrieve-conf body is framed: `content-length` (default) or `chunked` (RFC 9112 §7.1). */
  framing?: 'content-length' | 'chunked';
}

export interface SimMessage {
  readonly transactionId: string;
  readonly token: string;
  readonly contentLocation: string;
  readonly messageId: string;
  readonly from: string;
  readonly to: string[];
  readonly subject?: string;
  /** The encoded m-retrieve-conf served at the Content-Location. */
  readonly retrieveConf: Uint8Array;
  readonly notification: MmsPdu;
  /** The SMS-DELIVER PDUs (hex) the notification was pushed in. */
  pushPdus: string[];
  /** Complete GETs served with the message (for "nothing fetched twice" checks). */
  fetches: number;
  /**
   * When the MMSC stops holding the message (X-Mms-Expiry, OMA-TS-MMS_ENC §7.3.20), ms since
   * the epoch; afterwards its Content-Location answers 404. `expire()` moves it to now.
   */
  expiresAt: number;
  /** Body framing of the retrieve answer (MessageScenario.framing). */
  framing: 'content-length' | 'chunked';
}

export interface SentRecord {
  readonly messageId: string;
  readonly transactionId?: string;
  readonly pdu: MmsPdu;
  readonly raw: Uint8Array;
  readonly at: string;
}

export interface NotifyRespRecord {
  readonly transactionId: string;
  readonly status?: string;
  readonly reportAllowed?: boolean;
  readonly at: string;
}

export interface AckRecord {
  readonly transactionId: string;
  readonly reportAllowed?: boolean;
  readonly at: string;
}

/** Every request seen, for assertions on headers and request-target form. */
export interface RequestRecord {
  readonly method: string;
  /** The request-target as received (absolute-form through the proxy role). */
  readonly target: string;
  readonly absolute: boolean;
  /** Which listener received it: the MMSC's own port, or the WAP proxy port. */
  readonly via: 'mmsc' | 'proxy';
  readonly headers: Readonly<Record<string, string>>;
  /** Status sent, or undefined when the simulator did not answer (hang/reset). */
  status?: number;
}

export interface MmscSimOptions {
  host?: string;
  port?: number;
  /** Base of Content-Location URLs (default: the server's own http://host:port). */
  publicUrl?: string;
  /** Port of the WAP proxy listener (default: any free port). */
  proxyPort?: number;
  /** Refuse origin-form request-targets with 400 on the MMSC port too (the proxy port always does). */
  demandAbsoluteUri?: boolean;
  /** Answer 412 to requests without a non-empty User-Agent (as some carriers do). */
  requireUserAgent?: boolean;
  /** Headers every request must carry (name → exact value, or '*' for any non-empty value); 403 otherwise. */
  requireHeaders?: Readonly<Record<string, string>>;
  /** Receives the SMS-DELIVER PDUs (hex incl. SMSC) of every WAP Push. */
  deliver?: (pdus: string[]) => void | Promise<void>;
  /** A modem simulator client: each PDU goes to `deliverSms`. */
  modemSim?: { deliverSms(pdu: string): Promise<unknown> };
  /** Originator of the push SMS. */
  pushFrom?: string;
  /** Delay before a requested delivery report is pushed; undefined disables automatic reports. */
  reportDelayMs?: number;
}
