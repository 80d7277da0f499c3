/**
 * A RelayMessage as RFC 5322 bytes, built with nodemailer's MailComposer.
 *
 * Structure (RFC 2046 §5.1, RFC 2387): multipart/mixed { multipart/alternative { text/plain,
 * multipart/related { text/html, inline images } }, attachments }. An SMS is text/plain alone.
 *
 * Rendering is deterministic: the Date is the message's own, the Message-ID derives from the
 * store id, Content-IDs from the part index, and the multipart boundary from a hash of the
 * whole input. The same message and mailbox always give the same bytes, so a retried relay
 * sends exactly what the first attempt sent. The boundary hash also covers the part bodies,
 * so a sender cannot put the boundary into its own text: it would have to contain the hash
 * of itself.
 */
import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Attachment } from 'nodemailer';
import type { Readable } from 'node:stream';
import { bodyContent, bodySize, isBodyFile } from './body-file.js';
import { MmsgwError } from '../../util/errors.js';
import { formatReadableTime } from '../../util/time.js';
import {
  contactName,
  conversationRootId,
  messageIdFor,
  normalizeNumber,
  numberKind,
  numberLocalPart,
  partyAddress,
  replyToAddress,
  shownNumber,
  type MailAddress,
} from './addresses.js';
import { INLINE_IMAGE_TYPES, humanSize, htmlToPlain, isTextPart, partText, renderHtml, renderPlain, type AttachmentRef, type BodyHeader } from './body.js';
import { attachmentFileName, safeMediaType, sanitizeFileName } from './filename.js';
import { layoutSlides, type Slide } from './smil.js';
import { buildSubject, threadSubject } from './subject.js';
import { threadIndex } from './thread.js';
import type { RelayMessage, RenderConfig } from './types.js';

export interface RenderedMail {
  readonly messageId: string;
  readonly subject: string;
  readonly from: MailAddress;
  /** The complete message, CRLF line ends, ready for SMTP DATA. */
  readonly raw: Buffer;
  /** One line for the log: `MMS from +49 151 … (2 pictures, 1 audio clip, 430 KB)`. */
  readonly summary: string;
}

/** What a message holds, for the log line: numbers only (no contact names), counts and size. */
function summaryOf(msg: RelayMessage, config: RenderConfig): string {
  const who = msg.direction === 'incoming' ? `from ${shownNumber(msg.from, config)}` : `to ${correspondents(msg).map((n) => shownNumber(n, config)).join(', ')}`;
  const counts = new Map<string, number>();
  let size = 0;
  msg.parts.forEach((p, k) => {
    if (k === msg.smilPartIndex) return;
    size += bodySize(p.body);
    const top = safeMediaType(p.contentType).split('/')[0] ?? '';
    const what = isTextPart(p) ? 'text' : top === 'image' ? 'picture' : top === 'audio' ? 'audio clip' : top === 'video' ? 'video clip' : top === 'application' && /smil/.test(p.contentType) ? '' : 'file';
    if (what !== '' && what !== 'text') counts.set(what, (counts.get(what) ?? 0) + 1);
  });
  const media = [...counts].map(([what, n]) => `${n} ${what}${n === 1 ? '' : 's'}`);
  const detail = msg.kind === 'mms' ? ` (${[...media, humanSize(size)].join(', ')})` : '';
  return `${msg.kind.toUpperCase()} ${who}${detail}`;
}

function boundarySeed(msg: RelayMessage, mailbox: string): string {
  const h = createHash('sha256');
  for (const s of [msg.id, msg.boxNumber, mailbox, msg.from, msg.subject ?? '', ...msg.to, ...msg.cc]) h.update(s).update('\0');
  // A body in a file is represented by its sha256 (checked against the file before sending),
  // so the boundary still depends on every body without reading the file here.
  for (const p of msg.parts) h.update(p.contentType).update('\0').update(isBodyFile(p.body) ? `sha256:${p.body.sha256}` : p.body).update('\0');
  if (msg.rawMms) h.update(isBodyFile(msg.rawMms) ? `sha256:${msg.rawMms.sha256}` : msg.rawMms);
  return h.digest('hex').slice(0, 24);
}

function incompleteNotice(msg: RelayMessage): string | undefined {
  if (msg.incomplete === undefined) return undefined;
  const missing = [...msg.incomplete.missing].sort((a, b) => a - b);
  const of = msg.incomplete.total === undefined ? '' : ` of ${msg.incomplete.total}`;
  const which = missing.length === 0 ? 'some parts' : `part${missing.length === 1 ? '' : 's'} ${missing.join(', ')}${of}`;
  return `Incomplete message: ${which} never arrived.`;
}

function firstText(parts: RelayMessage['parts'], slides: readonly Slide[]): string | undefined {
  for (const slide of slides) {
    for (const k of slide.parts) {
      const part = parts[k];
      if (part !== undefined && isTextPart(part)) {
        const t = partText(part);
        if (t !== '') return t;
      }
    }
  }
  return undefined;
}

/** Addresses for To/Cc: the mailbox first, then the other participants at the address domain. */
function recipients(msg: RelayMessage, mailbox: string, config: RenderConfig): { to: MailAddress[]; cc: MailAddress[] } {
  const skip = new Set([normalizeNumber(msg.boxNumber), normalizeNumber(msg.from)]);
  const pick = (list: readonly string[]): MailAddress[] => {
    const out: MailAddress[] = [];
    for (const raw of list) {
      const n = normalizeNumber(raw);
      if (n === '' || skip.has(n)) continue;
      skip.add(n);
      out.push(partyAddress(raw, config));
    }
    return out;
  };
  const to = pick(msg.to);
  const cc = pick(msg.cc);
  return { to: [{ name: '', address: mailbox }, ...to], cc };
}

/**
 * Reply-To: the remote party's plus-address (the sender of a received message, the recipients
 * of a sent copy). Alphanumeric sender IDs cannot be answered, so they get none.
 */
function replyTo(msg: RelayMessage, config: RenderConfig): string[] | undefined {
  const pattern = config.replyToPattern;
  if (pattern === undefined) return undefined;
  const box = normalizeNumber(msg.boxNumber);
  const remote = msg.direction === 'incoming' ? [msg.from] : [...msg.to, ...msg.cc];
  const out = [...new Set(remote.map(normalizeNumber))]
    .filter((n) => n !== box && numberKind(n) === 'phone')
    .map((n) => replyToAddress(n, msg.boxNumber, pattern, config.country));
  return out.length > 0 ? out : undefined;
}

interface Attachments {
  readonly list: Attachment[];
  readonly refs: Map<number, AttachmentRef>;
}

function buildAttachments(msg: RelayMessage, config: RenderConfig, seed: string): Attachments {
  const list: Attachment[] = [];
  const refs = new Map<number, AttachmentRef>();
  const domain = config.messageIdDomain ?? config.addressDomain;
  const used = new Set<string>();
  msg.parts.forEach((part, k) => {
    if (k === msg.smilPartIndex || isTextPart(part)) return;
    const mediaType = safeMediaType(part.contentType);
    if (mediaType === 'application/smil') return;
    const base = attachmentFileName(part, k);
    let fileName = base;
    for (let n = 1; used.has(fileName.toLowerCase()); n++) fileName = n === 1 ? `${k + 1}-${base}` : `${k + 1}-${n}-${base}`;
    used.add(fileName.toLowerCase());
    const cid = INLINE_IMAGE_TYPES.has(mediaType) && msg.kind === 'mms' ? `part${k + 1}.${seed.slice(0, 12)}@${domain}` : undefined;
    refs.set(k, { fileName, mediaType, cid, size: bodySize(part.body) });
    list.push({
      content: bodyContent(part.body),
      contentType: mediaType,
      filename: fileName,
      contentTransferEncoding: 'base64',
      ...(cid === undefined ? { contentDisposition: 'attachment' } : { cid, contentDisposition: 'inline' }),
    });
  });
  if (config.attachRawMms === true && msg.rawMms !== undefined) {
    list.push({
      content: bodyContent(msg.rawMms),
      contentType: 'application/vnd.wap.mms-message',
      filename: `${sanitizeFileName(msg.id) || 'message'}.mms`,
      contentTransferEncoding: 'base64',
      contentDisposition: 'attachment',
    });
  }
  return { list, refs };
}

/** "MMS from Alice (+49…)" for a received message, "SMS to Bob (+49…)" for a sent copy. */
function headingFor(msg: RelayMessage, from: MailAddress, config: RenderConfig): string {
  const kind = msg.kind.toUpperCase();
  if (msg.direction === 'incoming') return `${kind} from ${from.name}`;
  const box = normalizeNumber(msg.boxNumber);
  const others = [...msg.to, ...msg.cc].filter((n) => normalizeNumber(n) !== box).map((n) => partyAddress(n, config).name);
  return others.length === 0 ? `${kind} sent` : `${kind} to ${others.join(', ')}`;
}

/** The remote parties of the message: its sender, or for a sent copy its recipients. */
function correspondents(msg: RelayMessage): string[] {
  if (msg.direction === 'incoming') return [msg.from];
  const box = normalizeNumber(msg.boxNumber);
  const seen = new Set<string>();
  return [...msg.to, ...msg.cc].filter((n) => {
    const k = normalizeNumber(n);
    if (k === box || k === '' || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function bodyHeader(msg: RelayMessage, config: RenderConfig): BodyHeader {
  const remote = correspondents(msg);
  const names = remote.map((n) => contactName(n, config.addressBook, config.countryCode)).filter((n): n is string => n !== undefined);
  return {
    label: msg.direction === 'incoming' ? 'From' : 'To',
    ...(names.length === remote.length && names.length > 0 ? { name: names.join(', ') } : {}),
    number: remote.map((n) => shownNumber(n, config)).join(', ') || shownNumber(msg.boxNumber, config),
    time: formatReadableTime(msg.date, config.timeZone),
    subject: msg.subject,
  };
}

/** What `renderMailStream` gives: the message as a stream, read once while it is sent. */
export interface StreamedMail extends Omit<RenderedMail, 'raw'> {
  /** The complete message, CRLF line ends; bodies in files are read and base64-encoded as it flows. */
  readonly raw: Readable;
}

/** Renders `msg` for delivery to `mailbox`. Throws MAIL_RENDER only for unusable input. */
export async function renderMail(msg: RelayMessage, mailbox: string, config: RenderConfig): Promise<RenderedMail> {
  const { composer, ...meta } = composeMail(msg, mailbox, config);
  return { ...meta, raw: await composer.compile().build() };
}

/**
 * The same bytes as `renderMail`, as a stream: attachments whose bodies are files are read in
 * chunks and base64-encoded on the way into the SMTP connection, so the message is never whole
 * in memory. A stream is read once; render again for another attempt.
 */
export function renderMailStream(msg: RelayMessage, mailbox: string, config: RenderConfig): StreamedMail {
  const { composer, ...meta } = composeMail(msg, mailbox, config);
  return { ...meta, raw: composer.compile().createReadStream() };
}

function composeMail(msg: RelayMessage, mailbox: string, config: RenderConfig): Omit<RenderedMail, 'raw'> & { composer: MailComposer } {
  if (Number.isNaN(msg.date.getTime())) {
    throw new MmsgwError('MAIL_RENDER', `message ${msg.id}: invalid date`, { details: { id: msg.id } });
  }
  const seed = boundarySeed(msg, mailbox);
  const slides = layoutSlides(msg.parts, msg.smilPartIndex);
  const from = partyAddress(msg.direction === 'incoming' ? msg.from : msg.boxNumber, config);
  const heading = headingFor(msg, from, config);
  const { to, cc } = recipients(msg, mailbox, config);
  const notice = incompleteNotice(msg);
  const remote = correspondents(msg);
  const topic = threadSubject(config.threadSubject ?? '{kind} with {name}', {
    kind: msg.kind.toUpperCase(),
    names: remote.map((n) => contactName(n, config.addressBook, config.countryCode) ?? shownNumber(n, config)),
    numbers: remote.map((n) => shownNumber(n, config)),
    box: shownNumber(msg.boxNumber, config),
  });
  const subject =
    config.threadSubject === undefined
      ? buildSubject({
          subject: msg.subject,
          firstText: firstText(msg.parts, slides),
          fallback: heading,
          incomplete: notice !== undefined,
          maxLength: config.subjectMaxLength,
        })
      : topic;
  const messageId = messageIdFor(msg, config);
  const rootId = conversationRootId(msg, config);
  const { list, refs } = buildAttachments(msg, config, seed);
  const bodyInput = {
    parts: msg.parts,
    slides,
    attachments: refs,
    notice,
    heading,
    header: bodyHeader(msg, config),
    imageMaxHeight: config.imageMaxHeight,
  };
  const replyToList = replyTo(msg, config);
  const html = msg.kind === 'mms' ? renderHtml(bodyInput) : undefined;

  const composer = new MailComposer({
    from,
    to,
    ...(cc.length > 0 ? { cc } : {}),
    ...(replyToList === undefined ? {} : { replyTo: replyToList }),
    subject,
    date: msg.date,
    messageId,
    inReplyTo: rootId,
    references: [rootId],
    text: html === undefined ? renderPlain(bodyInput) : htmlToPlain(html),
    ...(html === undefined ? {} : { html }),
    attachments: list,
    headers: {
      // RFC 3834 §5: relayed automatically, so vacation responders must not answer it
      // (an auto-reply would be sent on as a paid SMS/MMS).
      'Auto-Submitted': 'auto-generated',
      // Outlook groups a conversation by Thread-Topic and the Thread-Index root, fixed per
      // conversation here (see ./thread.ts); Gmail by References plus the subject.
      'Thread-Topic': topic,
      'Thread-Index': threadIndex(conversationRootId(msg, config), messageId),
      'X-Mmsgw-Kind': msg.kind,
      'X-Mmsgw-Box': numberLocalPart(msg.boxNumber),
    },
    baseBoundary: seed,
    boundaryPrefix: '--_mmsgw',
    newline: 'win',
    textEncoding: 'B',
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return { messageId, subject, from, composer, summary: summaryOf(msg, config) };
}
