/**
 * Composition: from what a sender wrote (text, subject, attachments) to one OutboundPlan.
 * Short text for one number becomes an SMS; anything longer, with media, or for several
 * numbers (a group) becomes an MMS whose images are shrunk to the carrier's size limit.
 * Every check runs before a plan exists, so a refused mail sends nothing at all.
 */
import { fitImage } from './adapt.js';
import type { FitOptions } from './adapt.js';
import { classifyMedia, safePartName } from './media.js';
import type { MediaKind } from './media.js';
import { buildSmil } from './smil.js';
import type { Slide } from './smil.js';
import { foldForGsm7, measureSms } from './sms-length.js';
import { trimReply } from './trim.js';
import type { TrimOptions } from './trim.js';
import { refusal } from './types.js';
import type { OutboundPart, OutboundPlan, Refusal } from './types.js';

export interface ComposeAttachment {
  readonly filename?: string;
  /** Declared MIME type (lowercase, no parameters). */
  readonly contentType: string;
  readonly content: Uint8Array;
  /** Part of a multipart/related HTML body (an inline image), RFC 2387. */
  readonly related?: boolean;
}

export interface ComposeInput {
  /** Destination numbers, E.164 with '+', already validated. */
  readonly to: readonly string[];
  readonly subject?: string;
  /** Plain text body (converted from HTML when the mail had no text part). */
  readonly text?: string;
  readonly attachments: readonly ComposeAttachment[];
}

export interface ComposeOptions {
  /** Most SMS parts a text may use before it goes as MMS instead (default 3). */
  readonly maxSmsParts?: number;
  /** The carrier's MMS size limit in bytes for the whole m-send-req (default 300 KiB). */
  readonly mmsMaxBytes?: number;
  readonly trim?: TrimOptions;
  /** Carry the (reply-prefix-stripped) mail subject as the MMS subject (default true). */
  readonly mmsSubject?: boolean;
  /** Longest side of sent images in pixels (default 1600). */
  readonly imageMaxDimension?: number;
  /** JPEG quality of the first re-encoding attempt (default 82). */
  readonly jpegQuality?: number;
  /** Inline images of an HTML body smaller than this are decoration (logos, icons) and dropped (default 16 KiB). */
  readonly minInlineImageBytes?: number;
}

export const DEFAULT_MAX_SMS_PARTS = 3;
export const DEFAULT_MMS_MAX_BYTES = 300 * 1024;
const DEFAULT_MIN_INLINE_IMAGE = 16 * 1024;
/** Allowance for the m-send-req headers (OMA-TS-MMS_ENC §6.1.1) and each recipient address. */
const HEADER_ALLOWANCE = 1024;
const PER_RECIPIENT_ALLOWANCE = 48;
/** Allowance for one part's headers in the WSP multipart (WAP-230-WSP §8.5). */
const PER_PART_ALLOWANCE = 96;
const MAX_SUBJECT_CHARS = 80;

export type ComposeResult = { readonly ok: true; readonly plan: OutboundPlan } | { readonly ok: false; readonly refusal: Refusal };

const REPLY_PREFIX = /(?:re|aw|sv|vs|antw|wg|fw|fwd|tr|rif|r|odp|ynt)\s*(?:\[\d+\])?\s*:\s*/iy;

/** Subject for an MMS: one line, no control characters, reply/forward prefixes removed. */
export function cleanSubject(subject: string | undefined): string | undefined {
  if (subject === undefined) return undefined;
  let s = subject
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  // Reply/forward prefixes found by a sticky scan and cut once: removing them one at a time
  // copies the subject per prefix.
  let at = 0;
  for (;;) {
    REPLY_PREFIX.lastIndex = at;
    if (!REPLY_PREFIX.test(s)) break;
    at = REPLY_PREFIX.lastIndex;
  }
  s = s.slice(at);
  if (s === '') return undefined;
  return [...s].length > MAX_SUBJECT_CHARS ? `${[...s].slice(0, MAX_SUBJECT_CHARS - 1).join('')}…` : s;
}

interface Media {
  readonly kind: MediaKind;
  readonly filename: string | undefined;
  /** Replaced when an image is re-encoded to fit. */
  contentType: string;
  extension: string;
  body: Uint8Array;
}

function describe(a: ComposeAttachment, index: number): string {
  return a.filename ? `"${a.filename.replace(/[\r\n"]/g, '')}"` : `attachment ${index + 1}`;
}

function classifyAll(attachments: readonly ComposeAttachment[], minInline: number): { ok: true; media: Media[] } | { ok: false; refusal: Refusal } {
  const media: Media[] = [];
  const bad: string[] = [];
  attachments.forEach((a, i) => {
    const c = classifyMedia(a.content, a.contentType);
    if (a.related && (!c.ok || c.kind === 'image') && a.content.byteLength < minInline) return;
    if (!c.ok) bad.push(`${describe(a, i)} (${c.what})`);
    else media.push({ kind: c.kind, contentType: c.contentType, extension: c.extension, filename: a.filename, body: a.content });
  });
  if (bad.length > 0) {
    return {
      ok: false,
      refusal: refusal('MAIL_UNSUPPORTED_MEDIA', `These attachments cannot be sent by MMS: ${bad.join(', ')}. Pictures, audio, video and contact cards can.`),
    };
  }
  return { ok: true, media };
}

/** Shrinks images into what the budget leaves after text and non-image media; refuses what cannot fit. */
async function fitMedia(media: Media[], budget: number, fitOpts: FitOptions): Promise<Refusal | undefined> {
  const fixed = media.filter((m) => m.kind !== 'image');
  const fixedBytes = fixed.reduce((n, m) => n + m.body.byteLength, 0);
  if (fixedBytes > budget) {
    const biggest = fixed.reduce((a, b) => (b.body.byteLength > a.body.byteLength ? b : a));
    const name = biggest.filename ? `"${biggest.filename.replace(/[\r\n"]/g, '')}"` : `the ${biggest.kind} attachment`;
    return refusal('MAIL_MEDIA_TOO_LARGE', `${name} is too large for an MMS (the carrier accepts about ${Math.floor(budget / 1024)} KB in total, and ${biggest.kind} cannot be made smaller).`);
  }
  let remaining = budget - fixedBytes;
  const images = media.filter((m) => m.kind === 'image').sort((a, b) => a.body.byteLength - b.body.byteLength);
  for (let i = 0; i < images.length; i++) {
    const img = images[i] as Media;
    const share = Math.floor(remaining / (images.length - i));
    const fit = await fitImage(img.body, img.contentType, share, fitOpts);
    const name = img.filename ? `"${img.filename.replace(/[\r\n"]/g, '')}"` : 'an image';
    if (!fit.ok) {
      return fit.problem === 'undecodable'
        ? refusal('MAIL_UNSUPPORTED_MEDIA', `${name} could not be read as a picture (send it as JPEG, PNG or GIF).`)
        : refusal('MAIL_MEDIA_TOO_LARGE', `${name} cannot be made small enough for an MMS, even scaled down; send fewer pictures.`);
    }
    img.body = fit.body;
    if (fit.converted) {
      img.contentType = fit.contentType;
      img.extension = 'jpg';
    }
    remaining -= fit.body.byteLength;
  }
  return undefined;
}

function buildParts(text: string, media: readonly Media[]): { parts: OutboundPart[]; slides: Slide[] } {
  const taken = new Set<string>();
  const parts: OutboundPart[] = [];
  const slides: Slide[] = [];
  let textName: string | undefined;
  if (text !== '') {
    textName = safePartName('text', 'txt', 0, taken);
    parts.push({ contentType: 'text/plain', charset: 'utf-8', contentId: textName, contentLocation: textName, body: new TextEncoder().encode(text) });
  }
  media.forEach((m, i) => {
    const name = safePartName(m.filename, m.extension, i + 1, taken);
    parts.push({ contentType: m.contentType, contentId: name, contentLocation: name, body: m.body });
    if (m.kind === 'attachment') return;
    const slide: Slide = m.kind === 'audio' ? { audio: name } : { visual: { kind: m.kind, src: name } };
    slides.push(slides.length === 0 && textName !== undefined ? { ...slide, text: textName } : slide);
  });
  if (slides.length === 0 && textName !== undefined) slides.push({ text: textName });
  return { parts, slides };
}

export async function composeOutbound(input: ComposeInput, opts: ComposeOptions = {}): Promise<ComposeResult> {
  const maxSmsParts = opts.maxSmsParts ?? DEFAULT_MAX_SMS_PARTS;
  const maxBytes = opts.mmsMaxBytes ?? DEFAULT_MMS_MAX_BYTES;
  const text = trimReply(input.text ?? '', opts.trim);

  const classified = classifyAll(input.attachments, opts.minInlineImageBytes ?? DEFAULT_MIN_INLINE_IMAGE);
  if (!classified.ok) return classified;
  const media = classified.media;
  if (text === '' && media.length === 0) {
    return { ok: false, refusal: refusal('MAIL_EMPTY', 'The mail has no text and no attachment to send.') };
  }

  // A text longer than maxSmsParts × 160 characters can never fit (3GPP 23.040 §9.2.3.24: at
  // most 160 septets in one part, fewer per part when concatenated), so it is not measured.
  if (media.length === 0 && input.to.length === 1 && text.length <= maxSmsParts * 160) {
    const smsText = foldForGsm7(text);
    const m = measureSms(smsText);
    if (m.segments <= maxSmsParts) return { ok: true, plan: { kind: 'sms', to: [...input.to], text: smsText, segments: m.segments, alphabet: m.alphabet } };
  }

  const textBytes = new TextEncoder().encode(text).byteLength;
  const overhead = HEADER_ALLOWANCE + PER_RECIPIENT_ALLOWANCE * input.to.length + PER_PART_ALLOWANCE * (media.length + 2) + 160 * (media.length + 1) + 400;
  const budget = maxBytes - overhead - textBytes;
  if (budget < 0) {
    return { ok: false, refusal: refusal('MAIL_TEXT_TOO_LONG', `The text is too long for one MMS (about ${Math.floor((maxBytes - overhead) / 1024)} KB of text at most).`) };
  }
  const fitOpts: FitOptions = {
    ...(opts.imageMaxDimension !== undefined ? { maxDimension: opts.imageMaxDimension } : {}),
    ...(opts.jpegQuality !== undefined ? { quality: opts.jpegQuality } : {}),
  };
  const tooBig = await fitMedia(media, budget, fitOpts);
  if (tooBig) return { ok: false, refusal: tooBig };

  const { parts, slides } = buildParts(text, media);
  const smil = buildSmil(slides);
  const subject = opts.mmsSubject === false ? undefined : cleanSubject(input.subject);
  const estimatedSize =
    HEADER_ALLOWANCE + PER_RECIPIENT_ALLOWANCE * input.to.length + PER_PART_ALLOWANCE * (parts.length + 1) + new TextEncoder().encode(smil).byteLength + parts.reduce((n, p) => n + p.body.byteLength, 0);
  const plan: OutboundPlan = subject === undefined
    ? { kind: 'mms', to: [...input.to], parts, smil, estimatedSize }
    : { kind: 'mms', to: [...input.to], subject, parts, smil, estimatedSize };
  return { ok: true, plan };
}
