/**
 * Attachment file names and media types from attacker-controlled part headers.
 *
 * A name survives only as a bare file name: no directory parts (either separator), no control
 * or bidi characters, none of the characters Windows forbids, no leading dots, not a reserved
 * device name (CON, NUL, COM1 …), at most 120 characters with its extension kept. Whatever is
 * left empty gets a name made from the part's position and media type. The composer then
 * writes it as an RFC 2231 parameter when it is not plain ASCII.
 */

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/vnd.wap.wbmp': 'wbmp',
  'image/heic': 'heic',
  'image/svg+xml': 'svg',
  'audio/amr': 'amr',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/midi': 'mid',
  'audio/sp-midi': 'mid',
  'audio/wav': 'wav',
  'audio/ogg': 'ogg',
  'video/3gpp': '3gp',
  'video/3gpp2': '3g2',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'text/plain': 'txt',
  'text/html': 'html',
  'text/x-vcard': 'vcf',
  'text/vcard': 'vcf',
  'text/x-vcalendar': 'vcs',
  'text/calendar': 'ics',
  'application/smil': 'smil',
  'application/pdf': 'pdf',
  'application/vnd.wap.mms-message': 'mms',
};

const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9]|conin\$|conout\$)$/i;
const MAX_NAME = 120;

/**
 * `type/subtype` lowercased when it is a syntactically valid RFC 2045 §5.1 media type,
 * otherwise application/octet-stream. Parameters are dropped.
 */
export function safeMediaType(contentType: string): string {
  const bare = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  const token = "[a-z0-9!#$&^_.+-]{1,64}";
  return new RegExp(`^${token}/${token}$`).test(bare) ? bare : 'application/octet-stream';
}

export function extensionFor(mediaType: string): string {
  const known = EXTENSIONS[mediaType];
  if (known !== undefined) return known;
  const sub = (mediaType.split('/')[1] ?? '').replace(/^(x-|vnd\.)/, '').replace(/[^a-z0-9]/g, '');
  return sub.slice(0, 8) || 'bin';
}

function truncateKeepingExtension(name: string, max: number): string {
  const chars = Array.from(name);
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? Array.from(name.slice(dot)) : [];
  if (ext.length > 0 && ext.length <= 12) return chars.slice(0, max - ext.length).join('') + ext.join('');
  return chars.slice(0, max).join('');
}

/** The sanitised base name of `raw`, or '' when nothing usable is left. */
export function sanitizeFileName(raw: string | undefined): string {
  if (raw === undefined) return '';
  const lastSegment = raw.split(/[/\\]/).pop() ?? '';
  let name = lastSegment
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  const stem = name.split('.')[0] ?? '';
  if (RESERVED.test(stem)) name = `_${name}`;
  return truncateKeepingExtension(name, MAX_NAME);
}

/**
 * The attachment name for a part: its filename, else its name, else its Content-Location,
 * sanitised; when none is usable, `part-<n>.<ext>` from the media type. A name without an
 * extension gets the media type's.
 */
export function attachmentFileName(
  part: { contentType: string; filename?: string | undefined; name?: string | undefined; contentLocation?: string | undefined },
  index: number,
): string {
  const mediaType = safeMediaType(part.contentType);
  const candidates = [part.filename, part.name, part.contentLocation];
  for (const c of candidates) {
    const name = sanitizeFileName(c);
    if (name !== '') return name.includes('.') ? name : truncateKeepingExtension(`${name}.${extensionFor(mediaType)}`, MAX_NAME);
  }
  return `part-${index + 1}.${extensionFor(mediaType)}`;
}
