/**
 * One inbound mail from bytes to outcome: size, MIME structure, loop rules, addressing,
 * authorisation, limits and composition, in that order of evidence, all before anything is
 * queued. The result is either an accepted plan or a refusal with its reply; the same code
 * serves the IMAP poller and the SMTP listener.
 */
import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import type { AddressObject, ParsedMail } from 'mailparser';
import { htmlToText } from '../../compose/html.js';
import { checkLimits } from '../../compose/limits.js';
import { composeOutbound } from '../../compose/plan.js';
import { expiresAt } from '../../compose/ttl.js';
import { refusal } from '../../compose/types.js';
import type { Refusal } from '../../compose/types.js';
import { logger } from '../../util/log.js';
import { resolveRecipients } from './addressing.js';
import { spfFailed, trustedAuthResults } from './auth-results.js';
import type { AuthResults } from './auth-results.js';
import { authorise } from './authorise.js';
import { multipartProblem } from './mime-check.js';
import { buildReply, noReplyReason } from './reply.js';
import type { InboundEnvelope, InboundOutcome, InboundSource, MailInOptions } from './types.js';
import { DEFAULT_MAX_MAIL_BYTES } from './types.js';

const log = logger('mail-in');

/** Bytes of header section parsed from a mail too large to parse whole (for its reply). */
const HEADER_PEEK_BYTES = 64 * 1024;
/** HTML longer than this is not converted to text (mailparser `maxHtmlLengthToParse`). */
const MAX_HTML_CHARS = 2 * 1024 * 1024;

interface Headers {
  first(name: string): string | undefined;
  all(name: string): string[];
}

/** Header access over mailparser's raw header lines, unfolded (RFC 5322 §2.2.3), in message order. */
function headersOf(mail: ParsedMail): Headers {
  const values = (name: string): string[] =>
    mail.headerLines
      .filter((h) => h.key === name)
      .map((h) => h.line.slice(h.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
  return { first: (n) => values(n)[0], all: values };
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const out: string[] = [];
  const walk = (list: AddressObject['value']): void => {
    for (const a of list) {
      if (a.address) out.push(a.address);
      if (a.group) walk(a.group);
    }
  };
  for (const f of Array.isArray(field) ? field : field ? [field] : []) walk(f.value);
  return out;
}

/** `<a@b>` / `a@b` / `<>` → address, null or undefined. */
function pathAddress(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  const m = /<([^<>]*)>/.exec(value);
  const inner = (m ? m[1] ?? '' : value).trim();
  if (inner === '') return null;
  return /^[^\s@]+@[^\s@]+$/.test(inner) ? inner : undefined;
}

function headerRecipients(mail: ParsedMail, h: Headers): string[] {
  const extra = [...h.all('delivered-to'), ...h.all('x-original-to')].map(pathAddress).filter((a): a is string => typeof a === 'string');
  return [...addressesOf(mail.to), ...addressesOf(mail.cc), ...extra];
}

/** Every header line has a field name of printable ASCII without ':' (RFC 5322 §2.2, §3.6.8). */
function wellFormedHeader(mail: ParsedMail): boolean {
  return mail.headerLines.length > 0 && mail.headerLines.every((h) => /^[!-9;-~]+$/.test(h.key));
}

async function parse(raw: Buffer): Promise<ParsedMail | undefined> {
  try {
    return await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, maxHtmlLengthToParse: MAX_HTML_CHARS });
  } catch (e) {
    log.debug({ err: e }, 'mail could not be parsed');
    return undefined;
  }
}

/** Largest header section read (RFC 5322 sets no limit; real ones are a few KB). */
export const MAX_HEADER_BYTES = 1024 * 1024;

/** End of the header section: just after the first empty line, or -1 when there is none within `limit`. */
function headerEnd(raw: Buffer, limit: number): number {
  const peek = raw.subarray(0, Math.min(raw.byteLength, limit));
  const crlf = peek.indexOf('\r\n\r\n');
  const lf = peek.indexOf('\n\n');
  return crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : -1;
}

/**
 * The header section alone, parsed: everything authorisation needs (From, To/Cc, Subject,
 * Message-ID, Return-Path, Authentication-Results) without touching the body. A mail with no
 * body has only headers; one whose headers run past `limit` is malformed.
 */
async function parseHeadersOnly(raw: Buffer, limit = MAX_HEADER_BYTES): Promise<ParsedMail | undefined> {
  const end = headerEnd(raw, limit);
  if (end < 0 && raw.byteLength > limit) return undefined;
  return parse(end >= 0 ? raw.subarray(0, end) : raw);
}

interface Context {
  readonly raw: Buffer;
  readonly source: InboundSource;
  readonly envelope: InboundEnvelope;
  readonly opts: MailInOptions;
}

function refuse(ctx: Context, mail: ParsedMail | undefined, r: Refusal, extra: { sender?: string; numbers?: readonly string[]; authResults?: AuthResults; senderKnown?: boolean }): InboundOutcome {
  const h = mail ? headersOf(mail) : undefined;
  const from = mail ? addressesOf(mail.from) : [];
  const own = ctx.opts.addressing.mailbox;
  const base = { kind: 'refused' as const, source: ctx.source, raw: ctx.raw, refusal: r, ...(mail?.messageId ? { messageId: mail.messageId } : {}), ...(extra.sender ? { sender: extra.sender } : {}) };
  let noReply = h
    ? noReplyReason({ header: (n) => h.first(n), contentType: h.first('content-type'), envelopeFrom: ctx.envelope.mailFrom, fromAddress: from[0], ownMailbox: own })
    : ctx.envelope.mailFrom === null ? 'null envelope sender' : undefined;
  let to: string | undefined;
  if (noReply === undefined) {
    if (typeof ctx.envelope.mailFrom === 'string') {
      to = ctx.envelope.mailFrom;
      if (extra.authResults && spfFailed(extra.authResults)) noReply = 'SPF failed: the return path is likely forged';
    } else if (extra.senderKnown && from.length === 1) {
      to = from[0];
    } else {
      noReply = 'no return path and the From address is not a known sender';
    }
  }
  log.info({ source: ctx.source.id, code: r.code, reason: r.reason, ...r.details, noReply }, 'mail refused');
  if (noReply !== undefined || to === undefined) return { ...base, noReply: noReply ?? 'no reply address' };
  const reply = buildReply({
    to,
    from: ctx.opts.replyFrom ?? own,
    refusal: r,
    ...(mail?.subject ? { originalSubject: mail.subject } : {}),
    ...(mail?.messageId ? { originalMessageId: mail.messageId } : {}),
    ...(mail?.references ? { originalReferences: Array.isArray(mail.references) ? mail.references : [mail.references] } : {}),
    ...(extra.numbers ? { numbers: extra.numbers } : {}),
  });
  return { ...base, reply };
}

async function verified(env: InboundEnvelope): Promise<AuthResults | undefined> {
  if (!env.verify) return undefined;
  try {
    return await env.verify();
  } catch (e) {
    log.warn({ err: e instanceof Error ? e.message : String(e) }, 'mail authentication failed to run');
    return undefined;
  }
}

/**
 * The identity of one mail for de-duplication: its Message-ID (or the id of this copy when it
 * has none), the authorised sender, and a SHA-256 of the body and subject. Trace headers a
 * server adds on a second delivery do not change it; another mail reusing a Message-ID does.
 * The key starts with the Message-ID so notices can still be threaded to it.
 */
export function emailIdentity(messageId: string, sender: string, raw: Buffer, subject: string | undefined): string {
  const end = headerEnd(raw, raw.byteLength);
  const hash = createHash('sha256').update(subject ?? '', 'utf8').update('\0');
  if (end >= 0) bodyDigest(hash, raw.subarray(end));
  return `${messageId.trim()} ${sender.toLowerCase()} sha256:${hash.digest('hex').slice(0, 32)}`;
}

const BOUNDARY_PARAM = Buffer.from('boundary=');

/**
 * Feeds the body to `hash` without the lines a client makes anew each time it encodes the same
 * mail: MIME delimiter lines (RFC 2046 §5.1.1, "--" + a boundary the client picks at random)
 * and the Content-Type lines that declare a nested part's boundary. A mail client that offers
 * the same message again after a lost 250 (RFC 5321 §4.5.4.1) re-encodes it with new boundaries;
 * its content, and so its identity, is unchanged. One pass over the lines, linear in the body.
 */
function bodyDigest(hash: ReturnType<typeof createHash>, body: Buffer): void {
  let start = 0;
  while (start < body.byteLength) {
    let eol = body.indexOf(0x0a, start);
    if (eol < 0) eol = body.byteLength - 1;
    const line = body.subarray(start, eol + 1);
    const delimiter = line.byteLength >= 2 && line[0] === 0x2d && line[1] === 0x2d;
    const declaresBoundary = !delimiter && line.byteLength < 1000 && asciiLower(line).includes(BOUNDARY_PARAM);
    if (!delimiter && !declaresBoundary) hash.update(line);
    start = eol + 1;
  }
}

function asciiLower(b: Buffer): Buffer {
  const out = Buffer.from(b);
  for (let i = 0; i < out.byteLength; i++) {
    const c = out[i]!;
    if (c >= 0x41 && c <= 0x5a) out[i] = c + 0x20;
  }
  return out;
}

/**
 * The envelope as known: SMTP gives it; for IMAP the final delivery's Return-Path header
 * (RFC 5321 §4.4, the topmost one) stands in for MAIL FROM.
 */
function effectiveEnvelope(envelope: InboundEnvelope, mail: ParsedMail | undefined): InboundEnvelope {
  if (envelope.mailFrom !== undefined || !mail) return envelope;
  const rp = pathAddress(headersOf(mail).first('return-path'));
  return rp === undefined ? envelope : { ...envelope, mailFrom: rp };
}

/**
 * Turns one received mail into an outcome. Never throws for any input bytes. `size` is the
 * full size when `raw` is only the head of a mail too large to fetch whole.
 */
export async function processInbound(raw: Buffer, source: InboundSource, envelope: InboundEnvelope, opts: MailInOptions, size?: number): Promise<InboundOutcome> {
  const maxBytes = opts.maxMailBytes ?? DEFAULT_MAX_MAIL_BYTES;
  const total = Math.max(raw.byteLength, size ?? 0);
  if (total > maxBytes) {
    const head = await parseHeadersOnly(raw, HEADER_PEEK_BYTES);
    const r = refusal('MAIL_TOO_LARGE', `The mail is ${Math.ceil(total / 1024)} KB; the gateway accepts at most ${Math.floor(maxBytes / 1024)} KB.`);
    return refuse({ raw, source, envelope: effectiveEnvelope(envelope, head), opts }, head, r, {});
  }
  // Authorise on the envelope and the header section before the body is parsed at all: a
  // stranger's mail costs what its headers cost, however large or hostile its body.
  const head = await parseHeadersOnly(raw);
  const ctx: Context = { raw, source, envelope: effectiveEnvelope(envelope, head), opts };
  if (!head || !wellFormedHeader(head)) {
    return refuse(ctx, head, refusal('MAIL_MALFORMED', 'The mail could not be read: it has no valid header section.'), {});
  }
  const env = ctx.envelope;
  const h = headersOf(head);
  const from = addressesOf(head.from);
  const a = opts.authorisation;
  const needsEvidence = a.requireAuthenticated === true || a.requireDkimPass === true || a.requireSpfPass === true;
  const authResults = trustedAuthResults(h.all('authentication-results'), a.authservId) ?? (needsEvidence && !env.smtpUser ? await verified(env) : undefined);

  const loop = noReplyReason({ header: (n) => h.first(n), contentType: h.first('content-type'), envelopeFrom: env.mailFrom, fromAddress: from[0], ownMailbox: opts.addressing.mailbox });
  if (loop !== undefined) {
    return refuse(ctx, head, refusal('MAIL_AUTO_SUBMITTED', 'Automatic mail (auto-replies, lists, bounces) is never sent on as SMS or MMS.', { loop }), { authResults });
  }

  const rcpt = resolveRecipients(env.rcptTo ?? headerRecipients(head, h), opts.addressing);
  const numbers = rcpt.ok ? rcpt.numbers : [];
  const auth = authorise(
    { from, ...(authResults ? { authResults } : {}), ...(env.smtpUser ? { smtpUser: env.smtpUser } : {}) },
    numbers,
    opts.authorisation,
    opts.addressing.numbering,
  );
  if (!auth.ok) return refuse(ctx, head, auth.refusal, { authResults, senderKnown: false });
  const known = { sender: auth.sender, authResults, senderKnown: true };
  if (!rcpt.ok) return refuse(ctx, head, rcpt.refusal, known);

  // A mail offered again (after a crash before the hand-off was acknowledged) is recognised
  // before the limits, so it is not refused by the sends it made itself.
  const dedupKey = emailIdentity(head.messageId ?? source.id, auth.sender, raw, head.subject);
  const duplicate = opts.isDuplicate ? await opts.isDuplicate(dedupKey) : false;
  const now = opts.now?.() ?? new Date();
  if (!duplicate) {
    const usage = opts.usage ? await opts.usage(auth.sender, now) : { lastHour: 0, lastDay: 0 };
    const limited = checkLimits(numbers.length, usage, opts.limits);
    if (limited) return refuse(ctx, head, limited, { ...known, numbers: numbers.length <= 10 ? numbers : [] });
  }

  // Only an authorised mail is read whole: structure (linear, mime-check.ts), then the body.
  const structure = multipartProblem(raw);
  if (structure !== undefined) {
    return refuse(ctx, head, refusal('MAIL_MALFORMED', `The mail could not be read completely: ${structure}. Nothing was sent.`), known);
  }
  const mail = await parse(raw);
  if (!mail) return refuse(ctx, head, refusal('MAIL_MALFORMED', 'The mail could not be read completely. Nothing was sent.'), known);

  const attachments = mail.attachments.map((a) => ({
    ...(a.filename ? { filename: a.filename } : {}),
    contentType: a.contentType.toLowerCase(),
    content: new Uint8Array(a.content.buffer, a.content.byteOffset, a.content.byteLength),
    related: a.related === true,
  }));
  // mailparser derives text from HTML only for single-part HTML mails; do it for the rest.
  const text = mail.text ?? (typeof mail.html === 'string' ? htmlToText(mail.html) : '');
  const composed = await composeOutbound({ to: numbers, ...(mail.subject ? { subject: mail.subject } : {}), text, attachments }, opts.compose);
  if (!composed.ok) return refuse(ctx, head, composed.refusal, { ...known, numbers });

  log.info({ source: source.id, sender: auth.sender, kind: composed.plan.kind, to: numbers }, 'mail accepted');
  return {
    kind: 'accepted',
    source,
    raw,
    ...(head.messageId ? { messageId: head.messageId } : {}),
    sender: auth.sender,
    dedupKey,
    plan: composed.plan,
    expiresAt: expiresAt(now, opts.ttlSeconds),
    ...(rcpt.via !== undefined ? { via: rcpt.via } : {}),
  };
}
