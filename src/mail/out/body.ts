/**
 * The readable bodies of a relayed message: an HTML view laid out the way a phone shows the
 * message (who sent it, when, the subject, then the slides in order with pictures scaled to
 * the width and capped in height, and sound or video clips named as attachments), and a
 * text/plain alternative made from that same HTML with html-to-text, so both say the same.
 * An SMS is text/plain alone: its text, as it came.
 *
 * The HTML is built from a fixed template. Every string that came with the message (text, file
 * names, the sender, the subject) is escaped with `he`; the only URLs in it are `cid:`
 * references to Content-IDs this module generated itself, so nothing from the message becomes
 * markup, script, style or a fetch. Images are shown inline only for raster types mail clients
 * display without executing anything (SVG can carry script and is only attached).
 */
import he from 'he';
import { compile, type FormatCallback, type HtmlToTextOptions } from 'html-to-text';
import { bodyBytes } from './body-file.js';
import { decodeText, cleanBodyText } from './charset.js';
import { safeMediaType } from './filename.js';
import type { Slide } from './smil.js';
import type { RelayPart } from './types.js';

/** Media types shown inline in the HTML alternative. */
export const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set(['image/jpeg', 'image/jpg', 'image/png', 'image/gif', 'image/webp', 'image/bmp']);

export const DEFAULT_IMAGE_MAX_HEIGHT = 480;

/**
 * Text as HTML character data or a double-quoted attribute value: he escapes & < > " ' `,
 * and '=' is escaped too so no text, even outside a tag, reads like an attribute assignment.
 */
export function escapeHtml(s: string): string {
  return he.escape(s).replace(/=/g, '&#x3D;');
}

/** Whether a part is message text (rendered into the bodies rather than attached). */
export function isTextPart(part: RelayPart): boolean {
  return safeMediaType(part.contentType) === 'text/plain';
}

export function partText(part: RelayPart): string {
  return cleanBodyText(decodeText(bodyBytes(part.body), part.charset ?? part.params['charset'])).trim();
}

/** What the renderer knows about each non-text part it attaches. */
export interface AttachmentRef {
  readonly fileName: string;
  readonly mediaType: string;
  readonly size: number;
  /** Content-ID (without brackets) when the part is shown inline. */
  readonly cid?: string | undefined;
}

/** The lines above the content, as a phone shows them. */
export interface BodyHeader {
  /** "From" or "To". */
  readonly label: string;
  /** Contact name, when the address book has one. */
  readonly name?: string | undefined;
  /** The formatted number(s). */
  readonly number: string;
  /** The message time in the box's zone, e.g. `Sun 1 Mar 2026, 11:20 (+01:00)`. */
  readonly time: string;
  readonly subject?: string | undefined;
}

export interface BodyInput {
  readonly parts: readonly RelayPart[];
  readonly slides: readonly Slide[];
  readonly attachments: ReadonlyMap<number, AttachmentRef>;
  /** Notice shown above the content, e.g. that segments of an SMS are missing. */
  readonly notice?: string | undefined;
  /** One line naming the message, e.g. `MMS from Alice (+49 151 …)`. */
  readonly heading: string;
  readonly header?: BodyHeader | undefined;
  readonly imageMaxHeight?: number | undefined;
}

/** An SMS: the notice, then the text as it came. */
export function renderPlain(input: BodyInput): string {
  const blocks: string[] = [];
  if (input.notice !== undefined) blocks.push(`[${input.notice}]`);
  const attached: string[] = [];
  for (const slide of input.slides) {
    for (const k of slide.parts) {
      const part = input.parts[k];
      if (part === undefined) continue;
      if (isTextPart(part)) {
        const t = partText(part);
        if (t !== '') blocks.push(t);
      } else {
        const a = input.attachments.get(k);
        if (a !== undefined) attached.push(a.fileName);
      }
    }
  }
  if (attached.length > 0) blocks.push(`Attached: ${attached.join(', ')}`);
  return `${blocks.join('\n\n')}\n`;
}

function textHtml(text: string): string {
  return escapeHtml(text).replace(/\n/g, '<br>');
}

export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function clipLabel(mediaType: string): string {
  const what = mediaType.split('/')[0] ?? '';
  return what === 'audio' ? 'Audio clip' : what === 'video' ? 'Video clip' : what === 'image' ? 'Picture' : 'File';
}

function itemHtml(part: RelayPart, ref: AttachmentRef | undefined, maxHeight: number): string {
  if (isTextPart(part)) {
    const t = partText(part);
    return t === '' ? '' : `<p style="margin:0 0 8px 0;font-size:15px;line-height:1.4">${textHtml(t)}</p>\n`;
  }
  if (ref === undefined) return '';
  if (ref.cid !== undefined) {
    return (
      `<p style="margin:0 0 8px 0"><img src="cid:${escapeHtml(ref.cid)}" alt="${escapeHtml(ref.fileName)}" ` +
      `style="display:block;max-width:100%;max-height:${maxHeight}px;width:auto;height:auto;border-radius:6px"></p>\n`
    );
  }
  // A clip cannot play inside a mail; it is attached, and named so nobody misses it.
  return (
    `<p class="clip" style="margin:0 0 8px 0;padding:8px 10px;background:#f1f3f4;border-radius:6px;color:#333">` +
    `<b>${clipLabel(ref.mediaType)}</b> (attached): ${escapeHtml(ref.fileName)}, ${escapeHtml(ref.mediaType)}, ${humanSize(ref.size)}</p>\n`
  );
}

function headerHtml(h: BodyHeader): string {
  const who =
    h.name === undefined
      ? `<b>${escapeHtml(h.number)}</b>`
      : `<b>${escapeHtml(h.name)}</b> <span style="color:#555">${escapeHtml(h.number)}</span>`;
  const lines = [
    `<p style="margin:0 0 2px 0">${escapeHtml(h.label)}: ${who}</p>`,
    `<p style="margin:0 0 2px 0;color:#555">${escapeHtml(h.time)}</p>`,
  ];
  if (h.subject !== undefined && h.subject !== '') lines.push(`<p style="margin:6px 0 0 0">Subject: <b>${escapeHtml(h.subject)}</b></p>`);
  return `<div style="border-bottom:1px solid #ddd;padding:0 0 8px 0;margin:0 0 12px 0">\n${lines.join('\n')}\n</div>\n`;
}

/** A complete, static HTML document: no script, no style sheets, no external resources. */
export function renderHtml(input: BodyInput): string {
  const maxHeight = Math.max(64, Math.floor(input.imageMaxHeight ?? DEFAULT_IMAGE_MAX_HEIGHT));
  const out: string[] = [
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width">',
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src cid:; style-src \'unsafe-inline\'">',
    `<title>${escapeHtml(input.heading)}</title>`,
    '</head><body style="font-family:sans-serif;margin:0;padding:12px">\n<div style="max-width:600px">\n',
  ];
  if (input.header !== undefined) out.push(headerHtml(input.header));
  else out.push(`<p style="color:#555;margin:0 0 12px 0">${escapeHtml(input.heading)}</p>\n`);
  if (input.notice !== undefined) out.push(`<p style="color:#a00;font-weight:bold">${escapeHtml(input.notice)}</p>\n`);
  input.slides.forEach((slide, n) => {
    const items = slide.parts
      .map((k) => {
        const part = input.parts[k];
        return part === undefined ? '' : itemHtml(part, input.attachments.get(k), maxHeight);
      })
      .join('');
    if (items === '') return;
    const border = n === 0 ? '' : 'border-top:1px solid #eee;padding-top:8px;';
    out.push(`<div class="slide" style="${border}margin:0 0 8px 0">\n${items}</div>\n`);
  });
  out.push('</div>\n</body></html>\n');
  return out.join('');
}

/** A picture in the text alternative: `[Picture: photo1.jpg]`. */
const pictureFormatter: FormatCallback = (elem, _walk, builder) => {
  builder.addInline(`[Picture: ${String(elem.attribs?.['alt'] ?? '')}]`, { noWordTransform: true });
};

/** How the text alternative is made from the HTML view (html-to-text options). */
export const PLAIN_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  formatters: { picture: pictureFormatter },
  selectors: [
    { selector: 'title', format: 'skip' },
    { selector: 'img', format: 'picture' },
    { selector: 'p', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'div.slide', format: 'block', options: { leadingLineBreaks: 2, trailingLineBreaks: 1 } },
  ],
};

/**
 * html-to-text with those options, compiled once: `convert` would build its selector tables
 * again for every mail (most of its cost on a short body; the library's `compile` is for this
 * case — bench/mail-render.ts).
 */
let toText: ((html: string) => string) | undefined;

/** The text/plain alternative of an HTML view: the same lines, in the same order. */
export function htmlToPlain(html: string): string {
  toText ??= compile(PLAIN_OPTIONS);
  return `${toText(html).trim()}\n`;
}
