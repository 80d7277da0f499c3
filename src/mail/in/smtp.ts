/**
 * SMTP listener (smtp-server) for mail clients and servers on the LAN. Everything is decided
 * inside the SMTP transaction, so the client learns the outcome at once and the box never
 * generates backscatter:
 *
 * - RCPT TO: only the box's own addresses that name valid numbers (550 otherwise; a foreign
 *   domain is "relaying denied", RFC 5321 §3.6.2 — the box is never an open relay);
 * - DATA: over the size limit → 552 (RFC 1870 §6.3); then the full check of accept.ts;
 * - 250 only after the handler stored the outcome (RFC 5321 §6.1: accepting a message is
 *   taking responsibility for it); a handler failure is 451, and the client retries.
 *
 * AUTH (PLAIN/LOGIN) is offered only over TLS (STARTTLS, RFC 3207) unless the operator
 * explicitly allows it in cleartext; with users configured, a login is required.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { authenticate, type DNSResolver } from 'mailauth';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerAddress, SMTPServerAuthentication, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { RefusalCode } from '../../compose/types.js';
import { errorMessage } from '../../util/errors.js';
import { logger } from '../../util/log.js';
import { processInbound } from './accept.js';
import { classifyAddress } from './addressing.js';
import { parseAuthenticationResults, type AuthResults } from './auth-results.js';
import type { InboundHandler, MailInOptions } from './types.js';
import { DEFAULT_MAX_MAIL_BYTES } from './types.js';

export interface SmtpUser {
  readonly username: string;
  readonly password: string;
  /** Addresses (or `@domain`) this login may use as From; absent: the global sender list decides. */
  readonly senders?: readonly string[];
}

export interface SmtpListenerOptions {
  readonly host?: string;
  readonly port: number;
  /** Name in the greeting and EHLO answer. */
  readonly hostname?: string;
  /** PEM key and certificate enabling STARTTLS. */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  readonly users?: readonly SmtpUser[];
  /** Permit AUTH without TLS (default false; RFC 4954 §4 says it SHOULD NOT be offered in the clear). */
  readonly allowInsecureAuth?: boolean;
  /** Protocol cap on RCPT TO per transaction (default 1000; RFC 5321 §4.5.3.1.8 requires ≥ 100). */
  readonly maxRcpt?: number;
  /**
   * How mail without a login is authenticated: DKIM (RFC 6376), SPF (RFC 7208) for MAIL FROM
   * with the client's address and HELO, and DMARC (RFC 7489), by mailauth; `resolver` replaces
   * DNS (tests), `mta` names this server in the results. `false`: not verified here (an MTA in
   * front writes trusted Authentication-Results instead).
   */
  readonly authentication?: false | { readonly resolver?: DNSResolver; readonly mta?: string };
}

/** RFC 5321 reply code and RFC 3463 enhanced status code per refusal. */
const SMTP_CODES: Record<RefusalCode, readonly [number, string]> = {
  MAIL_TOO_LARGE: [552, '5.3.4'],
  MAIL_MALFORMED: [550, '5.6.0'],
  MAIL_NO_SENDER: [550, '5.1.7'],
  MAIL_SENDER_UNKNOWN: [550, '5.7.1'],
  MAIL_SENDER_NOT_ALLOWED_FOR_NUMBER: [550, '5.7.1'],
  MAIL_AUTH_FAILED: [550, '5.7.1'],
  MAIL_NO_RECIPIENT: [550, '5.1.1'],
  MAIL_BAD_RECIPIENT: [550, '5.1.3'],
  MAIL_TOO_MANY_RECIPIENTS: [550, '5.5.3'],
  MAIL_RATE_LIMITED: [550, '5.7.1'],
  MAIL_EMPTY: [550, '5.6.0'],
  MAIL_UNSUPPORTED_MEDIA: [550, '5.6.1'],
  MAIL_MEDIA_TOO_LARGE: [552, '5.3.4'],
  MAIL_TEXT_TOO_LONG: [552, '5.3.4'],
  MAIL_AUTO_SUBMITTED: [550, '5.7.1'],
};

function smtpError(code: number, enhanced: string, text: string): Error {
  // One line: a reason must not be able to end the reply early or add lines to it.
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 400);
  return Object.assign(new Error(`${enhanced} ${line}`), { responseCode: code });
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export class SmtpListener {
  readonly #server: SMTPServer;
  readonly #opts: SmtpListenerOptions;
  readonly #log = logger('smtp-in');
  /** RCPT TO refusals of each session's current transaction (reset by MAIL FROM). */
  readonly #refusedRcpt = new Map<string, string[]>();
  #count = 0;

  constructor(opts: SmtpListenerOptions, mailIn: MailInOptions, handler: InboundHandler) {
    const users = opts.users ?? [];
    if (users.length > 0 && !opts.tls && !opts.allowInsecureAuth) {
      throw new TypeError('SMTP listener: logins need STARTTLS (tls key and cert) or allowInsecureAuth');
    }
    this.#opts = opts;
    const maxBytes = mailIn.maxMailBytes ?? DEFAULT_MAX_MAIL_BYTES;
    this.#server = new SMTPServer({
      ...(opts.hostname ? { name: opts.hostname } : {}),
      banner: 'mmsgw SMS/MMS gateway',
      secure: false,
      ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : { hideSTARTTLS: true }),
      authMethods: ['PLAIN', 'LOGIN'],
      authOptional: users.length === 0,
      disabledCommands: users.length === 0 ? ['AUTH'] : [],
      allowInsecureAuth: opts.allowInsecureAuth ?? false,
      size: maxBytes,
      disableReverseLookup: true,
      logger: false,
      onAuth: (auth: SMTPServerAuthentication, _session: SMTPServerSession, cb) => {
        const user = users.find((u) => u.username === auth.username);
        // Compare digests in constant time so timing tells nothing about the password.
        const good = user !== undefined && typeof auth.password === 'string' && timingSafeEqual(digest(user.password), digest(auth.password));
        if (!good) {
          this.#log.warn({ username: auth.username }, 'SMTP login refused');
          cb(smtpError(535, '5.7.8', 'Authentication credentials invalid'));
          return;
        }
        cb(null, { user: user.username });
      },
      onClose: (session: SMTPServerSession) => {
        this.#refusedRcpt.delete(session.id);
      },
      onMailFrom: (_address: SMTPServerAddress, session: SMTPServerSession, cb) => {
        this.#refusedRcpt.set(session.id, []);
        cb();
      },
      onRcptTo: (address: SMTPServerAddress, session: SMTPServerSession, cb) => {
        const refuse = (e: Error): void => {
          this.#refusedRcpt.get(session.id)?.push(address.address);
          cb(e);
        };
        if (session.envelope.rcptTo.length >= (opts.maxRcpt ?? 1000)) {
          refuse(smtpError(452, '4.5.3', 'Too many recipients'));
          return;
        }
        const c = classifyAddress(address.address, mailIn.addressing);
        if (c.kind === 'numbers') cb();
        else if (c.kind === 'invalid') refuse(smtpError(550, '5.1.3', c.reason));
        else if (c.kind === 'mailbox') refuse(smtpError(550, '5.1.1', 'This address needs a phone number: write it as mailbox+<number>'));
        else refuse(smtpError(550, '5.7.1', 'Relaying denied: this gateway only accepts mail for its own addresses'));
      },
      onData: (stream: SMTPServerDataStream, session: SMTPServerSession, cb) => {
        void this.#onData(stream, session, mailIn, handler).then(
          (message) => cb(null, message),
          (e: unknown) => cb(e instanceof Error ? e : new Error(String(e))),
        );
      },
    });
    this.#server.on('error', (e: unknown) => this.#log.warn({ err: errorMessage(e) }, 'SMTP server error'));

  }

  async #onData(stream: SMTPServerDataStream, session: SMTPServerSession, mailIn: MailInOptions, handler: InboundHandler): Promise<string> {
    const chunks: Buffer[] = [];
    let held = 0;
    const limit = mailIn.maxMailBytes ?? DEFAULT_MAX_MAIL_BYTES;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (held + chunk.byteLength <= limit) chunks.push(chunk);
      held += chunk.byteLength;
    }
    if (stream.sizeExceeded || held > limit) {
      this.#log.info({ session: session.id, size: held, limit }, 'mail over the size limit refused');
      throw smtpError(552, '5.3.4', `Message too big: the gateway accepts at most ${Math.floor(limit / 1024)} KB`);
    }
    // All or nothing: a client that goes on after refused recipients must not half-send a group.
    const refused = this.#refusedRcpt.get(session.id) ?? [];
    this.#refusedRcpt.delete(session.id);
    if (refused.length > 0) {
      throw smtpError(554, '5.5.0', `Not sent to anyone: ${refused.length} recipient(s) were refused in this transaction; correct them and send again`);
    }
    const raw = Buffer.concat(chunks);
    const env = session.envelope;
    const id = `smtp:${session.id}:${++this.#count}`;
    const user = session.user === undefined ? undefined : this.#opts.users?.find((u) => u.username === session.user);
    const outcome = await processInbound(
      raw,
      { transport: 'smtp', id, receivedAt: new Date() },
      {
        mailFrom: env.mailFrom === false ? undefined : env.mailFrom.address === '' ? null : env.mailFrom.address,
        rcptTo: env.rcptTo.map((r) => r.address),
        ...(user ? { smtpUser: { username: user.username, ...(user.senders ? { senders: user.senders } : {}) } } : {}),
        ...(this.#opts.authentication === false ? {} : { verify: () => this.#verify(raw, session) }),
      },
      mailIn,
    );
    // In a session the SMTP reply is the answer: no reply mail on top of it.
    const handed = outcome.kind === 'refused' ? { ...outcome, reply: undefined, noReply: 'answered in the SMTP session' } : outcome;
    try {
      await handler(handed);
    } catch (e) {
      this.#log.warn({ id, err: errorMessage(e) }, 'hand-off failed; asking the client to retry');
      throw smtpError(451, '4.3.0', 'Temporary failure storing the message, please retry');
    }
    if (outcome.kind === 'refused') {
      const [code, enhanced] = SMTP_CODES[outcome.refusal.code];
      throw smtpError(code, enhanced, outcome.refusal.reason);
    }
    return `2.0.0 Accepted as ${outcome.plan.kind.toUpperCase()} for ${outcome.plan.to.join(', ')}`;
  }

  /**
   * DKIM, SPF and DMARC of one mail as this server sees it (the client's address, its HELO,
   * MAIL FROM), by mailauth; the result is its Authentication-Results, parsed like any other.
   */
  async #verify(raw: Buffer, session: SMTPServerSession): Promise<AuthResults | undefined> {
    const o = this.#opts.authentication === false ? undefined : this.#opts.authentication;
    const mta = o?.mta ?? this.#opts.hostname ?? 'mmsgw.invalid';
    const mailFrom = session.envelope.mailFrom === false ? undefined : session.envelope.mailFrom.address;
    const res = await authenticate(raw, {
      ip: session.remoteAddress.replace(/^::ffff:/, ''),
      helo: session.hostNameAppearsAs,
      mta,
      ...(mailFrom ? { sender: mailFrom } : {}),
      ...(o?.resolver ? { resolver: o.resolver } : {}),
      disableArc: true,
      disableBimi: true,
    });
    const field = /(?:^|\n)Authentication-Results:[ \t]*((?:[^\r\n]|\r?\n[ \t])*)/i.exec(res.headers);
    const parsed = field?.[1] ? parseAuthenticationResults(field[1]) : undefined;
    this.#log.debug({ session: session.id, results: parsed?.results.map((r) => `${r.method}=${r.result}`) }, 'mail authentication');
    return parsed;
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (e: unknown): void => reject(e instanceof Error ? e : new Error(String(e)));
      this.#server.server.once('error', onError);
      this.#server.listen(this.#opts.port, this.#opts.host ?? '127.0.0.1', () => {
        this.#server.server.off('error', onError);
        resolve((this.#server.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
