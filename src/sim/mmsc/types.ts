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
  readonly headers: Readonly<Record<string, string>>;
  /** Status sent, or undefined when the simulator did not answer (hang/reset). */
  status?: number;
}

export interface MmscSimOptions {
  host?: string;
  port?: number;
  /** Base of Content-Location URLs (default: the server's own http://host:port). */
  publicUrl?: string;
  /** Refuse origin-form request-targets with 400, as a WAP proxy does. */
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
