/**
 * The bearer contract: how an HTTP request reaches the carrier's MMSC. A bearer is a way of
 * getting IP packets (or an HTTP exchange) onto the MMS APN; a session is one period of use
 * between `open()` and `close()` (routes installed, PDP context active, pppd running).
 */

export type BearerKind = 'interface' | 'modem-http' | 'ppp';

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Absolute http(s) URI of the resource (the MMSC, or the Content-Location of a notification). */
  url: string;
  /** Request header fields; names are sent as given. */
  headers?: Readonly<Record<string, string>>;
  body?: Uint8Array;
  /** Largest response body accepted; the exchange fails with BEARER_TOO_LARGE beyond it. */
  maxBytes?: number;
  /** Stream the response body into a new file under this directory instead of memory. */
  destDir?: string;
  /** Deadline for the whole exchange (connect, send, receive), in milliseconds. */
  timeoutMs?: number;
  /** Longest silence allowed between received chunks, in milliseconds. */
  idleTimeoutMs?: number;
  /** Send `Connection: close` and use a fresh connection (carrier profile quirk). */
  closeConnection?: boolean;
  signal?: AbortSignal;
  /**
   * Direct connections only (no proxy): called with every address the URL's host resolves to
   * (or its literal) before connecting; a returned reason refuses the exchange with
   * BEARER_REFUSED (see src/mmsc/url-policy.ts). Bearers whose modem resolves names itself
   * cannot call it.
   */
  checkAddress?: (address: string) => string | undefined;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  /** Response header fields with lower-case names; repeated fields joined with ", ". */
  headers: Readonly<Record<string, string>>;
  /** The media type without parameters, lower case ("" when absent). */
  contentType: string;
  /** Body octets received. */
  bytes: number;
  /** The body, when it was kept in memory. */
  body?: Uint8Array;
  /** Path of the file holding the body, when `destDir` was given. The caller owns the file. */
  file?: string;
}

export interface BearerSession {
  readonly kind: BearerKind;
  request(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

export interface Bearer {
  readonly kind: BearerKind;
  open(): Promise<BearerSession>;
}

/** The WAP 2.0 HTTP proxy of the MMS APN (OMA-WAP-TS-HTTPSMP, "WAP proxy"). */
export interface ProxyAddress {
  host: string;
  port: number;
}
