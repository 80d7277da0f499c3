/**
 * SMTP submission with nodemailer: transport options from our config, and the classification
 * of a failed attempt into "try again later" and "refused for good".
 *
 * RFC 5321 §4.2.1: a 4yz reply is a transient negative completion, 5yz a permanent one. A
 * connection that could not be made, timed out, or failed TLS says nothing about the message,
 * so it is transient too. Authentication failures (even 535) are reported as transient with
 * code MAIL_AUTH: they are a problem of the gateway's credentials, not of the message, and the
 * message must wait until the credentials are fixed rather than be given up.
 */
import type { NodemailerError, SMTPTransportOptions, Transporter } from 'nodemailer';
import type { MailOutErrorCode, SmtpConfig } from './types.js';

const DEFAULT_TIMEOUT_MS = 30_000;

/** Codes Node and OpenSSL give certificate and handshake failures. */
const TLS_CODES = new Set([
  'ETLS',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** Commands whose refusal is a verdict on this message (RFC 5321 §3.3 mail transaction). */
const MESSAGE_COMMANDS = /^(MAIL|RCPT|DATA|BDAT)\b/i;

export function transportOptions(config: SmtpConfig): SMTPTransportOptions {
  const timeout = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const secure = config.secure === true;
  const ca = config.ca === undefined ? undefined : typeof config.ca === 'string' ? [config.ca] : [...config.ca];
  const options: SMTPTransportOptions = {
    host: config.host,
    port: config.port,
    secure,
    requireTLS: secure ? false : (config.requireTLS ?? true),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 2,
    dnsTimeout: timeout,
    tls: {
      ...(ca === undefined ? {} : { ca }),
      ...(config.servername === undefined ? {} : { servername: config.servername }),
      minVersion: 'TLSv1.2',
    },
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(config.name === undefined ? {} : { name: config.name }),
  };
  const auth = config.auth;
  if (auth?.type === 'password') {
    options.auth = { user: auth.user, pass: auth.pass };
  } else if (auth?.type === 'oauth2') {
    options.auth = {
      type: 'OAuth2',
      user: auth.user,
      ...(auth.clientId === undefined ? {} : { clientId: auth.clientId }),
      ...(auth.clientSecret === undefined ? {} : { clientSecret: auth.clientSecret }),
      ...(auth.refreshToken === undefined ? {} : { refreshToken: auth.refreshToken }),
      ...(auth.accessToken === undefined ? {} : { accessToken: auth.accessToken }),
      ...(auth.accessUrl === undefined ? {} : { accessUrl: auth.accessUrl }),
      ...(auth.expires === undefined ? {} : { expires: auth.expires }),
    };
  }
  return options;
}

/** The nodemailer transport; nodemailer itself is loaded on the first call (not at start). */
export async function createSmtpTransport(config: SmtpConfig): Promise<Transporter> {
  const { default: nodemailer } = await import('nodemailer');
  const options = transportOptions(config);
  if (config.pool === true) {
    return nodemailer.createTransport({ ...options, pool: true, maxConnections: config.maxConnections ?? 1 });
  }
  return nodemailer.createTransport(options);
}

export interface SmtpFailure {
  readonly permanent: boolean;
  readonly code: MailOutErrorCode;
  readonly responseCode?: number | undefined;
  readonly response?: string | undefined;
  readonly message: string;
}

function causeCodes(e: unknown): string[] {
  const codes: string[] = [];
  for (let cur: unknown = e, depth = 0; cur instanceof Error && depth < 5; cur = cur.cause, depth++) {
    const c = cur as NodemailerError;
    if (typeof c.code === 'string') codes.push(c.code);
    if (typeof c.originalCode === 'string') codes.push(c.originalCode);
  }
  return codes;
}

/** Sorts a nodemailer failure into transient or permanent, with our error code. */
export function classifySmtpError(e: unknown): SmtpFailure {
  const err = (e instanceof Error ? e : new Error(String(e))) as NodemailerError;
  const responseCode = typeof err.responseCode === 'number' ? err.responseCode : undefined;
  const response = typeof err.response === 'string' ? err.response : undefined;
  const base = { responseCode, response, message: err.message };
  const codes = causeCodes(err);
  if (codes.some((c) => c === 'EAUTH' || c === 'ENOAUTH' || c === 'EOAUTH2')) return { ...base, permanent: false, code: 'MAIL_AUTH' };
  if (codes.some((c) => TLS_CODES.has(c) || c.startsWith('ERR_SSL_') || c.startsWith('ERR_TLS_'))) return { ...base, permanent: false, code: 'MAIL_TLS' };
  if (responseCode !== undefined) {
    // A 5yz is about the message only when it answers MAIL, RCPT or DATA; refusing EHLO or
    // STARTTLS is about the session. 503 (bad sequence) nodemailer marks as not permanent.
    const aboutMessage = err.command === undefined || MESSAGE_COMMANDS.test(err.command);
    if (responseCode >= 500 && responseCode < 600 && err.permanent !== false && aboutMessage) return { ...base, permanent: true, code: 'MAIL_REJECTED' };
    if (responseCode >= 400 && responseCode < 500) return { ...base, permanent: false, code: 'MAIL_DEFERRED' };
    return { ...base, permanent: false, code: 'MAIL_CONNECTION' };
  }
  if (codes.includes('ETIMEDOUT')) return { ...base, permanent: false, code: 'MAIL_TIMEOUT' };
  if (codes.some((c) => ['ECONNECTION', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPROXY'].includes(c))) {
    return { ...base, permanent: false, code: 'MAIL_CONNECTION' };
  }
  if (codes.includes('EENVELOPE')) return { ...base, permanent: true, code: 'MAIL_REJECTED' };
  return { ...base, permanent: false, code: 'MAIL_UNKNOWN' };
}

/** One line for a person: what failed and what the server said. */
export function describeFailure(f: SmtpFailure): string {
  const what: Record<MailOutErrorCode, string> = {
    MAIL_REJECTED: 'rejected by the server',
    MAIL_DEFERRED: 'deferred by the server',
    MAIL_CONNECTION: 'connection failed',
    MAIL_TIMEOUT: 'timed out',
    MAIL_TLS: 'TLS failed',
    MAIL_AUTH: 'authentication failed',
    MAIL_RENDER: 'message could not be rendered',
    MAIL_UNKNOWN: 'failed',
  };
  const server = f.response === undefined ? '' : ` (server said: ${f.response})`;
  return `${what[f.code]}: ${f.message}${server}`;
}
