/**
 * A carrier's MM1 quirks as data. Every field is optional in a table entry; `resolveCarrier`
 * merges an entry over DEFAULT_CARRIER. Header values may contain the substitutions
 * `{msisdn}` (+E.164), `{msisdnDigits}` (E.164 digits without "+") and `{msisdnNational}`
 * (digits after the country code given in `countryCode`).
 */
export interface CarrierProfile {
  /** Display name, e.g. "AT&T (US)". */
  name: string;
  /** MCC+MNC codes this entry applies to (e.g. "310410"). */
  plmns: readonly string[];
  /** E.164 country calling code without "+", for `{msisdnNational}`. */
  countryCode?: string;
  /** MMSC URL (for m-send-req) and WAP proxy of the MMS APN, when the carrier publishes them. */
  mmsc?: string;
  proxy?: string;
  apn?: string;
  /** User-Agent sent on every MM1 request. Some MMSCs answer 412 to an empty one. */
  userAgent: string;
  /** UAProf URL for the x-wap-profile header (some MMSCs refuse requests without one). */
  uaProfUrl?: string;
  /** Name of the UAProf header: "x-wap-profile" (default) or "Profile". */
  uaProfHeader: string;
  /** Extra request header fields, values with substitutions. */
  headers: Readonly<Record<string, string>>;
  /** NAI sent Base64-encoded in `naiHeader`: `{msisdnDigits}` followed by this suffix (CDMA MMSCs). */
  naiSuffix?: string;
  naiHeader?: string;
  /** Append the notification's transaction id to the Content-Location as a query parameter of this name. */
  transactionIdParam?: string;
  /** Close the TCP connection after each request (MMSCs/proxies that mishandle keep-alive). */
  closeConnection: boolean;
  /** Largest message the carrier carries, in bytes (send and retrieve). */
  maxMessageSize: number;
  /** Per-request deadline in milliseconds. */
  timeoutMs: number;
  /** Hosts a Content-Location may name without a proxy, besides the MMSC host and its domain (src/mmsc/url-policy.ts). */
  allowedHosts?: readonly string[];
  /** Networks (CIDR) a Content-Location may reach although loopback, link-local or private. */
  allowedNetworks?: readonly string[];
  /** Originators the carrier sends WAP Push from (src/mmsc/push-policy.ts); absent: unknown, anyone. */
  pushSources?: readonly string[];
}

export type CarrierEntry = Partial<CarrierProfile> & { name: string; plmns: readonly string[] };
