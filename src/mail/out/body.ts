/**
 * The readable bodies of a relayed message: text/plain, and an HTML alternative that shows the
 * MMS slides in order with the images inline.
 *
 * The HTML is built from a fixed template. Every string that came with the message (text, file
 * names, the sender) goes through `escapeHtml`; the only URLs in it are `cid:` references to
 * Content-IDs this module generated itself, so nothing from the message becomes markup, script,
 * style or a fetch. Images are shown inline only for raster types mail clients display without
 * executing anything (SVG can carry script and is only attached).
 */
import { decodeText, cleanBodyText } from './charset.js';
import { safeMediaType } from './filename.js';
import type { Slide } from './smil.js';
import type { RelayPart } from './types.js';

/** Media types shown inline in the HTML alternative. */
export const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set(['image/jpeg', 'image/jpg', 'image/png', 'image/gif', 'image/webp', 'image/bmp']);

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Whether a part is message text (rendered into the bodies rather than attached). */
export function isTextPart(part: RelayPart): boolean {
  return safeMediaType(part.contentType) === 'text/plain';
}

export function partText(part: RelayPart): string {
  return cleanBodyText(decodeText(part.body, part.charset ?? part.params['charset'])).trim();
}

/** What the renderer knows about each non-text part it attaches. */
export interface AttachmentRef {
  readonly fileName: string;
  readonly mediaType: string;
  /** Content-ID (without brackets) when the part is shown inline. */
  readonly cid?: string | undefined;
}

export interface BodyInput {
  readonly parts: readonly RelayPart[];
  readonly slides: readonly Slide[];
  readonly attachments: ReadonlyMap<number, AttachmentRef>;
  /** Notice shown above the content, e.g. that segments of an SMS are missing. */
  readonly notice?: string | undefined;
  /** One line naming the sender, shown as the HTML heading. */
  readonly heading: string;
}

/** Texts in slide order, blank-line separated, then the notice of any attachments. */
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

function itemHtml(part: RelayPart, ref: AttachmentRef | undefined): string {
  if (isTextPart(part)) {
    const t = partText(part);
    return t === '' ? '' : `<p style="margin:0 0 8px 0">${textHtml(t)}</p>\n`;
  }
  if (ref === undefined) return '';
  if (ref.cid !== undefined) {
    return `<p style="margin:0 0 8px 0"><img src="cid:${escapeHtml(ref.cid)}" alt="${escapeHtml(ref.fileName)}" style="max-width:100%;height:auto"></p>\n`;
  }
  const what = ref.mediaType.split('/')[0] ?? 'file';
  const label = what === 'audio' ? 'Audio' : what === 'video' ? 'Video' : 'Attachment';
  return `<p style="margin:0 0 8px 0;color:#555">${label}: ${escapeHtml(ref.fileName)} (attached)</p>\n`;
}

/** A complete, static HTML document: no script, no style sheets, no external resources. */
export function renderHtml(input: BodyInput): string {
  const out: string[] = [
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8">',
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src cid:; style-src \'unsafe-inline\'">',
    '</head><body style="font-family:sans-serif">\n',
    `<p style="color:#555;margin:0 0 12px 0">${escapeHtml(input.heading)}</p>\n`,
  ];
  if (input.notice !== undefined) out.push(`<p style="color:#a00;font-weight:bold">${escapeHtml(input.notice)}</p>\n`);
  input.slides.forEach((slide, n) => {
    const items = slide.parts
      .map((k) => {
        const part = input.parts[k];
        return part === undefined ? '' : itemHtml(part, input.attachments.get(k));
      })
      .join('');
    if (items === '') return;
    const border = n === 0 ? '' : 'border-top:1px solid #ddd;padding-top:8px;';
    out.push(`<div style="${border}margin:0 0 8px 0">\n${items}</div>\n`);
  });
  out.push('</body></html>\n');
  return out.join('');
}
