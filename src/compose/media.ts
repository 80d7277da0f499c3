/**
 * What an attachment really is. The declared Content-Type and file name are the sender's
 * claims; the first bytes decide (a "photo.jpg" that starts with "MZ" is a Windows program).
 * The accepted set follows the OMA-TS-MMS_CONF §7 content classes (image basic/rich, audio,
 * video, vCard/vCalendar); everything else is refused.
 */

export type MediaKind = 'image' | 'audio' | 'video' | 'attachment';

export type MediaClass =
  | { readonly ok: true; readonly kind: MediaKind; readonly contentType: string; readonly extension: string }
  | { readonly ok: false; readonly what: string };

function ascii(b: Uint8Array, start: number, len: number): string {
  let s = '';
  for (let i = start; i < Math.min(b.length, start + len); i++) s += String.fromCharCode(b[i] as number);
  return s;
}

function startsWith(b: Uint8Array, bytes: readonly number[], at = 0): boolean {
  if (b.length < at + bytes.length) return false;
  return bytes.every((v, i) => b[at + i] === v);
}

/** ISO/IEC 14496-12 `ftyp` box brands. */
function classifyFtyp(brand: string, declared: string): MediaClass {
  const b = brand.toLowerCase();
  if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'].includes(b)) return { ok: true, kind: 'image', contentType: 'image/heic', extension: 'heic' };
  if (b === 'avif' || b === 'avis') return { ok: true, kind: 'image', contentType: 'image/avif', extension: 'avif' };
  if (b.startsWith('3g')) {
    return declared.startsWith('audio/')
      ? { ok: true, kind: 'audio', contentType: 'audio/3gpp', extension: '3gp' }
      : { ok: true, kind: 'video', contentType: 'video/3gpp', extension: '3gp' };
  }
  if (b === 'm4a ' || b === 'm4b ' || declared.startsWith('audio/')) return { ok: true, kind: 'audio', contentType: 'audio/mp4', extension: 'm4a' };
  if (['isom', 'iso2', 'mp41', 'mp42', 'm4v ', 'avc1', 'qt  ', 'dash'].includes(b)) return { ok: true, kind: 'video', contentType: 'video/mp4', extension: 'mp4' };
  return { ok: false, what: `an unknown ISO media file (brand "${brand.trim()}")` };
}

/** Sniffs the content; `declared` (lowercase MIME type) only breaks ties within one container format. */
export function classifyMedia(body: Uint8Array, declared: string): MediaClass {
  const d = declared.toLowerCase();
  if (startsWith(body, [0xff, 0xd8, 0xff])) return { ok: true, kind: 'image', contentType: 'image/jpeg', extension: 'jpg' };
  if (startsWith(body, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { ok: true, kind: 'image', contentType: 'image/png', extension: 'png' };
  const head6 = ascii(body, 0, 6);
  if (head6 === 'GIF87a' || head6 === 'GIF89a') return { ok: true, kind: 'image', contentType: 'image/gif', extension: 'gif' };
  if (ascii(body, 0, 4) === 'RIFF' && ascii(body, 8, 4) === 'WEBP') return { ok: true, kind: 'image', contentType: 'image/webp', extension: 'webp' };
  if (ascii(body, 0, 4) === 'RIFF' && ascii(body, 8, 4) === 'WAVE') return { ok: true, kind: 'audio', contentType: 'audio/wav', extension: 'wav' };
  if (ascii(body, 4, 4) === 'ftyp') return classifyFtyp(ascii(body, 8, 4), d);
  if (ascii(body, 0, 9) === '#!AMR-WB\n') return { ok: true, kind: 'audio', contentType: 'audio/amr-wb', extension: 'awb' };
  if (ascii(body, 0, 6) === '#!AMR\n') return { ok: true, kind: 'audio', contentType: 'audio/amr', extension: 'amr' };
  if (ascii(body, 0, 3) === 'ID3' || (body.length > 1 && body[0] === 0xff && ((body[1] as number) & 0xe0) === 0xe0 && d.startsWith('audio/'))) {
    return { ok: true, kind: 'audio', contentType: 'audio/mpeg', extension: 'mp3' };
  }
  if (ascii(body, 0, 4) === 'OggS') return { ok: true, kind: 'audio', contentType: 'audio/ogg', extension: 'ogg' };
  const text = ascii(body, 0, 40).replace(/^\ufeff|^\xef\xbb\xbf/, '').trimStart().toUpperCase();
  if (text.startsWith('BEGIN:VCARD')) return { ok: true, kind: 'attachment', contentType: 'text/x-vcard', extension: 'vcf' };
  if (text.startsWith('BEGIN:VCALENDAR')) return { ok: true, kind: 'attachment', contentType: 'text/x-vcalendar', extension: 'vcs' };
  if (startsWith(body, [0x4d, 0x5a])) return { ok: false, what: 'a Windows program' };
  if (startsWith(body, [0x7f, 0x45, 0x4c, 0x46])) return { ok: false, what: 'a Linux program' };
  if (startsWith(body, [0x50, 0x4b, 0x03, 0x04]) || startsWith(body, [0x50, 0x4b, 0x05, 0x06])) return { ok: false, what: 'a ZIP archive or office document' };
  if (ascii(body, 0, 5) === '%PDF-') return { ok: false, what: 'a PDF document' };
  return { ok: false, what: d === '' ? 'a file of unknown type' : `a file of type ${d}` };
}

/**
 * An ASCII file name usable as Content-Location and SMIL `src` (OMA-TS-MMS_CONF §8.1.2 asks
 * for short US-ASCII names): letters, digits, '-', '_' and one dot before the extension.
 */
export function safePartName(original: string | undefined, extension: string, index: number, taken: Set<string>): string {
  const stem = (original ?? '')
    .replace(/\.[^.]*$/, '')
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 32);
  const base = stem === '' ? `part${index + 1}` : stem;
  let name = `${base}.${extension}`;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}_${n}.${extension}`;
  taken.add(name.toLowerCase());
  return name;
}
