/**
 * The slide order of an MMS from its SMIL presentation (W3C SMIL 2.0 Basic profile as
 * restricted by OMA-TS-MMS_CONF §8: a <body> of <par> elements, each holding at most one
 * image or video, one text and one audio, referring to parts by `cid:` URL (RFC 2392) or by
 * Content-Location).
 *
 * The scanner is deliberately small and forgiving: it reads tags and attributes in one linear
 * pass, never evaluates anything, and ignores what it does not know. References that resolve
 * to no part are dropped. A presentation that yields nothing falls back to part order, and
 * parts the SMIL never mentions are appended, so no content disappears from the rendering.
 */
import { bodyBytes, bodySize } from './body-file.js';
import type { RelayPart } from './types.js';

/** A slide lists the parts it shows, by index into the message's parts. */
export interface Slide {
  readonly parts: readonly number[];
}

interface Tag {
  readonly name: string;
  readonly closing: boolean;
  readonly selfClosing: boolean;
  readonly attrs: ReadonlyMap<string, string>;
}

/** SMIL larger than this is not a handset presentation; part order is used instead. */
const MAX_SMIL_BYTES = 256 * 1024;
/** Media references looked at; a handset presentation has a handful per slide. */
const MAX_REFERENCES = 1000;
const MEDIA_ELEMENTS = new Set(['img', 'text', 'audio', 'video', 'ref', 'animation', 'textstream']);

function parseAttributes(s: string): Map<string, string> {
  const attrs = new Map<string, string>();
  const re = /([A-Za-z_:][\w:.-]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const name = (m[1] ?? '').toLowerCase();
    if (!attrs.has(name)) attrs.set(name, m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

/** Tags in document order; comments, processing instructions and declarations skipped. */
export function scanTags(src: string): Tag[] {
  const tags: Tag[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('<', i);
    if (open < 0) break;
    if (src.startsWith('<!--', open)) {
      const end = src.indexOf('-->', open + 4);
      i = end < 0 ? src.length : end + 3;
      continue;
    }
    let j = open + 1;
    let quote = '';
    while (j < src.length) {
      const c = src[j];
      if (quote !== '') {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") {
        quote = c;
      } else if (c === '>') {
        break;
      }
      j++;
    }
    const inner = src.slice(open + 1, j);
    i = j + 1;
    // Whitespace is skipped by hand: `^\s*\/?\s*` backtracks quadratically over a long run of it.
    const lead = inner.trimStart();
    const slash = lead.startsWith('/');
    const named = slash ? lead.slice(1).trimStart() : lead;
    const m = /^[A-Za-z][\w:.-]*/.exec(named);
    if (m === null) continue;
    const rest = named.slice(m[0].length);
    tags.push({
      name: m[0].toLowerCase().replace(/^.*:/, ''),
      closing: slash,
      selfClosing: /\/\s*$/.test(rest),
      attrs: parseAttributes(rest.replace(/\/\s*$/, '')),
    });
  }
  return tags;
}

function safeDecodeUri(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function stripAngles(s: string): string {
  return s.trim().replace(/^<|>$/g, '');
}

/**
 * The part a SMIL `src` refers to: `cid:` against Content-ID (RFC 2392 §2, percent-decoded),
 * otherwise against Content-Location, then name/filename, each exact first and then
 * case-insensitively. Returns -1 when nothing matches.
 */
export function resolveSrc(src: string, parts: readonly RelayPart[], skip: number | undefined): number {
  const ref = src.trim();
  if (ref === '') return -1;
  const candidates: Array<(p: RelayPart) => string | undefined> = /^cid:/i.test(ref)
    ? [(p) => (p.contentId === undefined ? undefined : stripAngles(p.contentId))]
    : [(p) => p.contentLocation, (p) => p.filename, (p) => p.name, (p) => (p.contentId === undefined ? undefined : stripAngles(p.contentId))];
  const wanted = /^cid:/i.test(ref) ? stripAngles(safeDecodeUri(ref.slice(4))) : ref;
  const forms = [wanted, safeDecodeUri(wanted), wanted.replace(/^\.\//, '')];
  for (const fold of [false, true]) {
    for (const get of candidates) {
      for (let k = 0; k < parts.length; k++) {
        if (k === skip) continue;
        const part = parts[k];
        const v = part === undefined ? undefined : get(part);
        if (v === undefined) continue;
        const have = fold ? v.toLowerCase() : v;
        if (forms.some((f) => (fold ? f.toLowerCase() : f) === have)) return k;
      }
    }
  }
  return -1;
}

/** Slides as the SMIL lays them out; [] when it names no part at all. */
export function slidesFromSmil(smil: string, parts: readonly RelayPart[], smilIndex: number | undefined): Slide[] {
  const slides: number[][] = [];
  let current: number[] | undefined;
  let inBody = false;
  let sawBody = false;
  let references = 0;
  for (const tag of scanTags(smil)) {
    if (tag.name === 'body') {
      inBody = !tag.closing;
      sawBody = true;
      continue;
    }
    if (sawBody && !inBody) continue;
    if (tag.name === 'par') {
      if (tag.closing) current = undefined;
      else if (!tag.selfClosing) slides.push((current = []));
      continue;
    }
    if (tag.closing || !MEDIA_ELEMENTS.has(tag.name)) continue;
    if (++references > MAX_REFERENCES) break;
    const k = resolveSrc(tag.attrs.get('src') ?? '', parts, smilIndex);
    if (k < 0) continue;
    if (current !== undefined) current.push(k);
    else slides.push([k]);
  }
  return slides.map((p) => ({ parts: [...new Set(p)] })).filter((s) => s.parts.length > 0);
}

/** The slides to render: from the SMIL when it is usable, otherwise one slide in part order. */
export function layoutSlides(parts: readonly RelayPart[], smilIndex: number | undefined): Slide[] {
  const smilPart = smilIndex === undefined ? undefined : parts[smilIndex];
  let slides: Slide[] = [];
  if (smilPart !== undefined && bodySize(smilPart.body) <= MAX_SMIL_BYTES) {
    slides = slidesFromSmil(new TextDecoder('utf-8').decode(bodyBytes(smilPart.body)), parts, smilIndex);
  }
  const shown = new Set(slides.flatMap((s) => s.parts));
  const rest: number[] = [];
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k];
    if (k === smilIndex || shown.has(k) || part === undefined) continue;
    if (/^application\/smil$/i.test(part.contentType.trim())) continue;
    rest.push(k);
  }
  return rest.length > 0 ? [...slides, { parts: rest }] : slides;
}
