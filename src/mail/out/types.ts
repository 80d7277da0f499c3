/**
 * The input and output model of the outbound mail side. The pipeline maps a stored message onto
 * a `RelayMessage`, routing picks mailboxes for it, rendering turns it into RFC 5322 bytes, and
 * the SMTP relay hands those bytes to the configured server and reports a `RelayOutcome`.
 *
 * Everything in a `RelayMessage` except `id`, `boxNumber`, `simId` and `date` came from the
 * network and is attacker-controlled: numbers, subject, part names, content types and bodies.
 */

/** One part of a received or sent MMS (OMA-TS-MMS_ENC §7.3.x multipart body) or an SMS text. */
export interface RelayPart {
  /** Media type without parameters as decoded from the PDU, e.g. `image/jpeg`, `application/smil`. */
  readonly contentType: string;
  /** Content-type parameters (name, charset, start, type …) as decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly name?: string | undefined;
  readonly filename?: string | undefined;
  /** Content-ID without angle brackets (RFC 2392), as the SMIL `cid:` references it. */
  readonly contentId?: string | undefined;
  /** Content-Location, as the SMIL `src` references it. */
  readonly contentLocation?: string | undefined;
  /**
   * Character set of a text part: an IANA name (`utf-8`, `shift_jis`, `iso-10646-ucs-2`) or a
   * MIBenum number as a decimal string (`"106"`, `"1000"`, `"17"`), which is how WSP carries it
   * (WAP-230-WSP Table 42 / IANA character sets registry). Absent means us-ascii/utf-8.
   */
  readonly charset?: string | undefined;
  /**
   * The bytes, or for a large media part the file that holds them (a store blob), which the
   * relay streams into the mail without loading it. Text and SMIL parts are always bytes: they
   * are read to lay out the message.
   */
  readonly body: Uint8Array | BodyFile;
}

/** A body kept in a file, verified against its sha256 before it is streamed (src/pipeline/relay.ts). */
export interface BodyFile {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

/** Parts of a concatenated SMS that never arrived (3GPP 23.040 §9.2.3.24.1), 1-based. */
export interface IncompleteInfo {
  readonly missing: readonly number[];
  /** Number of segments announced by the sender, when known. */
  readonly total?: number | undefined;
}

/**
 * A message to relay by email. `incoming`: received on the box's SIM (`from` is the remote
 * sender). `outgoing`: sent from the box (a copy for the mailbox; `from` is the box number).
 */
export interface RelayMessage {
  /** Stable store identifier; the Message-ID is derived from it, so retries keep their identity. */
  readonly id: string;
  readonly kind: 'sms' | 'mms';
  readonly direction: 'incoming' | 'outgoing';
  /** The box's own number (E.164 with '+', as the SIM reports it). */
  readonly boxNumber: string;
  /** Identifier of the SIM that received the message (ICCID or a configured name), for routing. */
  readonly simId?: string | undefined;
  /** Sender address as decoded: E.164 `+4915…`, national digits, `…/TYPE=PLMN`, or alphanumeric. */
  readonly from: string;
  /** Recipients from the PDU (for an incoming SMS: the box number, or empty). */
  readonly to: readonly string[];
  readonly cc: readonly string[];
  /** When the message was sent (PDU date) or received; becomes the Date header. */
  readonly date: Date;
  /** MMS Subject (OMA-TS-MMS_ENC §7.3.57), already decoded to text. */
  readonly subject?: string | undefined;
  /** Parts in PDU order. An SMS has one `text/plain` part (the reassembled text, charset utf-8). */
  readonly parts: readonly RelayPart[];
  /** Index into `parts` of the SMIL presentation, when the MMS has one (multipart/related start). */
  readonly smilPartIndex?: number | undefined;
  /** Set for an SMS whose concatenation never completed. */
  readonly incomplete?: IncompleteInfo | undefined;
  /** The raw m-retrieve-conf PDU, attached when `attachRawMms` is on. */
  readonly rawMms?: Uint8Array | BodyFile | undefined;
  /**
   * Conversation identity for threading. When absent it is derived from the box number and the
   * sorted participant set (see `conversationKey` in ./addresses.ts).
   */
  readonly conversationKey?: string | undefined;
}

/** How to match a number: exact (`+4915112345678`), prefix (`+49151*`) or glob (`+49??1*7`). */
export type NumberPattern = string;

/** One routing rule: all given conditions must hold; the first matching rule decides. */
export interface RouteRule {
  /** The receiving box's number, or a pattern for it. */
  readonly box?: NumberPattern | undefined;
  /** The receiving SIM's identifier (exact). */
  readonly sim?: string | undefined;
  /** The remote party's number: sender of an incoming message, recipient of an outgoing one. */
  readonly sender?: NumberPattern | undefined;
  /** Mailboxes (email addresses) that get the message. */
  readonly mailboxes: readonly string[];
  /** Keep evaluating later rules after this one matched, adding their mailboxes. */
  readonly continue?: boolean | undefined;
}

export interface RoutingConfig {
  readonly rules: readonly RouteRule[];
  /** Mailboxes for messages no rule matched. */
  readonly defaultMailboxes: readonly string[];
}

/** How messages look as email. */
export interface RenderConfig {
  /** Domain of the addresses made from numbers: `+4915112345678@<addressDomain>`. */
  readonly addressDomain: string;
  /** Right-hand side of Message-IDs; defaults to `addressDomain`. */
  readonly messageIdDomain?: string | undefined;
  /**
   * Reply-To pattern with `{number}` (remote number: digits with a leading '+') and optionally
   * `{box}` (the box number), e.g. `box+{number}@company.example`. Absent: no Reply-To.
   */
  readonly replyToPattern?: string | undefined;
  /**
   * Display name of a known contact, with `{name}` and `{number}`. Default `{name} ({number})`.
   * A number without a contact is shown as the number alone.
   */
  readonly nameFormat?: string | undefined;
  /** Number → display name. Keys are normalised like numbers (`+49 151 …` == `+49151…`). */
  readonly addressBook?: Readonly<Record<string, string>> | undefined;
  /** Attach the raw MMS PDU as `application/vnd.wap.mms-message`. Default false. */
  readonly attachRawMms?: boolean | undefined;
  /** Longest subject taken from message text, in characters. Default 78. */
  readonly subjectMaxLength?: number | undefined;
  /**
   * The box's country (ISO 3166-1 alpha-2): national numbers in conversations ("0871112223"
   * from an SMSC) are keyed as E.164 so they thread with "+353871112223" (src/util/phone.ts).
   */
  readonly country?: string | undefined;
  /** The box's country calling code ("49"), for reading and showing national numbers. */
  readonly countryCode?: string | undefined;
  /** IANA time zone the message time is shown in (`Europe/Berlin`). Default: the system's. */
  readonly timeZone?: string | undefined;
  /**
   * A Subject fixed per correspondent, so mail clients that thread on the subject (Gmail,
   * Outlook) keep a conversation together: `{kind}` (SMS/MMS), `{name}` (contact name or
   * number), `{number}` (formatted number), `{box}` (the box's number). Absent: the MMS
   * subject, else the start of the text.
   */
  readonly threadSubject?: string | undefined;
  /** Tallest an inline image is shown in the HTML view, CSS pixels. Default 480. */
  readonly imageMaxHeight?: number | undefined;
}

/** OAuth2 for SMTP AUTH XOAUTH2 (RFC 7628 §3.2.2 style bearer; Google/Microsoft "XOAUTH2"). */
export interface SmtpOAuth2 {
  readonly type: 'oauth2';
  readonly user: string;
  readonly clientId?: string | undefined;
  readonly clientSecret?: string | undefined;
  readonly refreshToken?: string | undefined;
  readonly accessToken?: string | undefined;
  /** Token endpoint for the refresh exchange (default: Google's). */
  readonly accessUrl?: string | undefined;
  /** Expiry of `accessToken`, ms since the epoch. */
  readonly expires?: number | undefined;
}

export interface SmtpPassword {
  readonly type: 'password';
  readonly user: string;
  /** The account password or an app password. */
  readonly pass: string;
}

export interface SmtpConfig {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (port 465). With false, STARTTLS is used when offered. */
  readonly secure?: boolean | undefined;
  /** Refuse to send unless STARTTLS succeeded. Default true when not `secure`. */
  readonly requireTLS?: boolean | undefined;
  /** Extra trusted CA certificates (PEM), e.g. for a private relay. */
  readonly ca?: string | readonly string[] | undefined;
  /** TLS server name when `host` is an IP address. */
  readonly servername?: string | undefined;
  readonly auth?: SmtpPassword | SmtpOAuth2 | undefined;
  /** Keep a pool of connections open. Default false (one connection per relay). */
  readonly pool?: boolean | undefined;
  readonly maxConnections?: number | undefined;
  /** Envelope sender (MAIL FROM). Default: the auth user when it is an address, else the From address. */
  readonly envelopeFrom?: string | undefined;
  /** Connection, greeting and socket timeouts, ms. Default 30000. */
  readonly timeoutMs?: number | undefined;
  /** EHLO name. Default: the OS hostname. */
  readonly name?: string | undefined;
}

/** What happened to one relay attempt. */
export type RelayOutcome =
  | {
      readonly kind: 'accepted';
      readonly messageId: string;
      /** The server's final reply to the message data, e.g. `250 2.0.0 Ok: queued as 1234`. */
      readonly response: string;
      readonly mailbox: string;
    }
  | {
      /** Try again later: 4xx, network failure, timeout, TLS or authentication trouble. */
      readonly kind: 'transient';
      readonly messageId: string;
      readonly code: MailOutErrorCode;
      readonly responseCode?: number | undefined;
      readonly response?: string | undefined;
      readonly message: string;
    }
  | {
      /** The server refused this message for good (5xx): retrying will not help. */
      readonly kind: 'permanent';
      readonly messageId: string;
      readonly code: MailOutErrorCode;
      readonly responseCode?: number | undefined;
      readonly response?: string | undefined;
      readonly message: string;
    };

export type MailOutErrorCode =
  | 'MAIL_REJECTED'
  | 'MAIL_DEFERRED'
  | 'MAIL_CONNECTION'
  | 'MAIL_TIMEOUT'
  | 'MAIL_TLS'
  | 'MAIL_AUTH'
  | 'MAIL_RENDER'
  | 'MAIL_UNKNOWN';
