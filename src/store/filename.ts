/**
 * File names from MMS parts and email attachments are attacker-controlled. Nothing derived
 * from them reaches the filesystem or an email header without passing through here.
 */

/** Longest name kept, in UTF-8 bytes (ext4 and FAT allow 255). */
const MAX_BYTES = 120;
/** Longest extension kept (after the dot), in characters. */
const MAX_EXT = 16;

/** Device names Windows refuses whatever the extension; mail clients on Windows inherit that. */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;

/**
 * Control characters (C0, DEL, C1), bidirectional overrides and isolates (which can make
 * `evil\u202Etxt.exe` display as `evilexe.txt`), zero-width characters, BOM, and
 * characters that are special in paths or shells on some system.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb/\\:*?"<>|]/g;

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Cuts `s` to at most `maxBytes` UTF-8 bytes without splitting a character. */
function truncateUtf8(s: string, maxBytes: number): string {
  if (utf8Length(s) <= maxBytes) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = utf8Length(ch);
    if (used + n > maxBytes) break;
    out += ch;
    used += n;
  }
  return out;
}

function clean(name: string): string {
  let s = name.normalize('NFC');
  // Keep only the last path component whichever separator the sender's system used.
  const lastSep = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
  if (lastSep >= 0) s = s.slice(lastSep + 1);
  s = s.replace(UNSAFE, '_');
  s = s.replace(/\s+/g, ' ').trim();
  s = s.replace(/^[.\s_]+/, ''); // no hidden files, no "..", no leading junk
  s = s.replace(/[.\s]+$/, ''); // Windows drops trailing dots and spaces
  return s;
}

function isReserved(s: string): boolean {
  const stem = s.split('.')[0] ?? '';
  return RESERVED.test(stem.trim());
}

/**
 * Returns a name safe to create in a directory and to put in a MIME header: no path
 * separators, no control or bidi-override characters, no leading dots, not a reserved device
 * name, at most 120 UTF-8 bytes, extension kept when the name has to be shortened.
 * When nothing usable remains, `fallback` (itself sanitized, then `part`) is used.
 */
export function sanitizeFilename(name: string | null | undefined, fallback: string): string {
  const first = name === null || name === undefined ? '' : clean(name);
  let s = first.replace(/_+/g, (m) => (m.length > 1 ? '_' : m));
  if (s === '' || /^[_\s.]*$/.test(s)) {
    const fb = clean(fallback);
    s = fb === '' || /^[_\s.]*$/.test(fb) ? 'part' : fb;
  }
  if (isReserved(s)) s = `_${s}`;
  if (utf8Length(s) > MAX_BYTES) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot - 1 <= MAX_EXT ? s.slice(dot) : '';
    const stem = ext === '' ? s : s.slice(0, dot);
    s = truncateUtf8(stem, MAX_BYTES - utf8Length(ext)).replace(/[.\s]+$/, '') + ext;
  }
  return s;
}
