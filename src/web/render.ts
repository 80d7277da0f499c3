import { decodeText } from '../mail/out/charset.js';
import { layoutSlides } from '../mail/out/smil.js';
import type { RelayPart } from '../mail/out/types.js';
import type { PartRow, Store } from '../store/index.js';
import { html, multiline, type SafeHtml } from './html.js';

/**
 * A stored message's parts as a phone shows them: the SMIL slides in order (OMA-TS-MMS_CONF
 * §8), each with its image or video, text and audio, then whatever the SMIL did not mention.
 * Everything from the message is inert here: text is escaped, HTML parts are reduced to their
 * text, SMIL only orders the parts (it is never rendered), and only image, audio and video
 * types a browser cannot execute are shown inline, from /media with their own CSP sandbox.
 */

/** Types served inline (`Content-Disposition: inline`) with their own media type; everything else is an attachment. */
export const INLINE_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg', 'image/png', 'image/gif', 'image/webp',
  'audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/ogg', 'audio/wav', 'audio/webm', 'audio/amr',
  'video/mp4', 'video/3gpp', 'video/webm',
]);

export function baseType(contentType: string): string {
  return contentType.split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Text longer than this is cut for display (the full part stays downloadable). */
const MAX_TEXT_BYTES = 64 * 1024;
const MAX_HTML_BYTES = 256 * 1024;

let compiledHtmlText: ((html: string) => string) | undefined;

/**
 * html-to-text, loaded on first use (most boxes never see an HTML part, and the page server
 * stays small) and compiled once with its options (`convert` would build them for every part).
 */
async function htmlText(): Promise<(html: string) => string> {
  if (compiledHtmlText) return compiledHtmlText;
  const { compile } = await import('html-to-text');
  return (compiledHtmlText = compile({ wordwrap: false, selectors: [{ selector: 'a', options: { ignoreHref: true } }, { selector: 'img', format: 'skip' }] }));
}

async function textOf(store: Store, part: PartRow): Promise<string> {
  const body = await store.content.partBody(part);
  const type = baseType(part.contentType);
  if (type === 'text/html') {
    const src = decodeText(body.subarray(0, MAX_HTML_BYTES), part.charset ?? part.params.charset);
    return (await htmlText())(src);
  }
  const text = decodeText(body.subarray(0, MAX_TEXT_BYTES), part.charset ?? part.params.charset);
  return body.byteLength > MAX_TEXT_BYTES ? `${text}\n[… cut; download the part for the rest]` : text;
}

function isText(part: PartRow): boolean {
  const t = baseType(part.contentType);
  return t === 'text/plain' || t === 'text/html';
}

/** The download link of a part: its stored (sanitized) file name, shown escaped. */
export function attachmentLink(part: PartRow): SafeHtml {
  return html`<a class="attachment" href="/media/${part.id}/download" download>📎 ${part.filename} <span class="muted">(${baseType(part.contentType)}, ${part.size} B)</span></a>`;
}

function mediaElement(part: PartRow): SafeHtml | undefined {
  const t = baseType(part.contentType);
  if (!INLINE_TYPES.has(t)) return undefined;
  const src = `/media/${part.id}`;
  if (t.startsWith('image/')) return html`<img src="${src}" alt="${part.filename}" loading="lazy">`;
  if (t.startsWith('video/')) return html`<video src="${src}" controls preload="metadata"></video>`;
  return html`<audio src="${src}" controls preload="none"></audio>`;
}

/** The body of a message bubble: slides, then attachments. */
export async function renderContent(store: Store, parts: readonly PartRow[]): Promise<SafeHtml> {
  if (parts.length === 0) return html`<div class="muted">(no content yet)</div>`;
  const smilIndex = parts.findIndex((p) => baseType(p.contentType) === 'application/smil');
  const relayParts: RelayPart[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as PartRow;
    const body = i === smilIndex ? await store.content.partBody(p) : new Uint8Array(0);
    relayParts.push({
      contentType: baseType(p.contentType),
      params: p.params,
      name: p.name ?? undefined,
      filename: p.filename,
      contentId: p.contentId?.replace(/^<|>$/g, '') ?? undefined,
      contentLocation: p.contentLocation ?? undefined,
      charset: p.charset ?? undefined,
      body,
    });
  }
  const slides = layoutSlides(relayParts, smilIndex >= 0 ? smilIndex : undefined);
  const out: SafeHtml[] = [];
  const attachments: PartRow[] = [];
  for (const slide of slides) {
    const items: SafeHtml[] = [];
    for (const k of slide.parts) {
      const part = parts[k];
      if (!part) continue;
      if (isText(part)) {
        items.push(html`<div class="text">${multiline(await textOf(store, part))}</div>`);
        continue;
      }
      const el = mediaElement(part);
      if (el) items.push(el);
      else attachments.push(part);
    }
    if (items.length > 0) out.push(html`<div class="slide">${items}</div>`);
  }
  if (attachments.length > 0) out.push(html`<div class="attachments">${attachments.map(attachmentLink)}</div>`);
  return html`${out}`;
}

/** The first text of a message, for the conversation list (cut to `max` characters). */
export function snippetOf(store: Store, msgId: number, max = 120): string {
  const row = store.db
    .prepare("SELECT substr(inline_body, 1, 600) AS body, charset FROM parts WHERE msg_id = ? AND content_type LIKE 'text/plain%' AND inline_body IS NOT NULL ORDER BY seq LIMIT 1")
    .get(msgId) as { body: Buffer | string; charset: string | null } | undefined;
  if (!row) return '';
  const bytes = typeof row.body === 'string' ? Buffer.from(row.body, 'utf8') : row.body;
  const text = decodeText(bytes, row.charset ?? undefined).replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
