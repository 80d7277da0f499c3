import { decodeWindows1252 } from '../../util/windows-1252.js';

/**
 * Text parts to strings. MMS text arrives in whatever the sending handset chose: a charset
 * name in the part's Content-Type, or a MIBenum number (WAP-230-WSP §8.4.2.8 Well-known-charset,
 * numbers from the IANA character sets registry). Decoding is by WHATWG TextDecoder, which
 * never throws on bad bytes in non-fatal mode (they become U+FFFD).
 */

/** MIBenum → label, for the charsets handsets actually send. */
const MIB_ENUM: Readonly<Record<number, string>> = {
  3: 'us-ascii',
  4: 'iso-8859-1',
  5: 'iso-8859-2',
  6: 'iso-8859-3',
  7: 'iso-8859-4',
  8: 'iso-8859-5',
  9: 'iso-8859-6',
  10: 'iso-8859-7',
  11: 'iso-8859-8',
  12: 'iso-8859-9',
  13: 'iso-8859-10',
  17: 'shift_jis',
  18: 'euc-jp',
  36: 'euc-kr',
  37: 'iso-2022-kr',
  39: 'iso-2022-jp',
  106: 'utf-8',
  109: 'iso-8859-13',
  111: 'iso-8859-15',
  113: 'gbk',
  114: 'gb18030',
  1000: 'iso-10646-ucs-2',
  1013: 'utf-16be',
  1014: 'utf-16le',
  1015: 'utf-16',
  2025: 'gb2312',
  2026: 'big5',
  2084: 'koi8-r',
  2252: 'windows-1252',
};

/** Names TextDecoder does not know but handsets send. */
const ALIASES: Readonly<Record<string, string>> = {
  'iso-10646-ucs-2': 'utf-16be',
  'ucs-2': 'utf-16be',
  'ucs2': 'utf-16be',
  'utf-16': 'utf-16',
  'sjis': 'shift_jis',
  'x-sjis': 'shift_jis',
  'utf8': 'utf-8',
};

/** The charset's name: MIBenum resolved, aliases applied, lowercase. */
function charsetName(charset: string | undefined): string {
  if (charset === undefined) return 'utf-8';
  let name = charset.trim().toLowerCase().replace(/^"|"$/g, '');
  if (/^\d{1,5}$/.test(name)) name = MIB_ENUM[Number(name)] ?? 'utf-8';
  return ALIASES[name] ?? name;
}

/** A TextDecoder label for a charset name or MIBenum string; utf-8 when unknown or absent. */
export function charsetLabel(charset: string | undefined): string {
  const label = charsetName(charset);
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return 'utf-8';
  }
}

/**
 * Decodes text. UTF-16 without a stated byte order follows its BOM and otherwise defaults to
 * big-endian (RFC 2781 §4.3); a BOM in any UTF is consumed.
 */
export function decodeText(body: Uint8Array, charset: string | undefined): string {
  let label = charsetLabel(charset);
  if (charsetName(charset) === 'utf-16') {
    // TextDecoder's 'utf-16' label means little-endian; RFC 2781 says big-endian without a BOM.
    label = body[0] === 0xff && body[1] === 0xfe ? 'utf-16le' : 'utf-16be';
  }
  if (label === 'windows-1252') return decodeWindows1252(body);
  return new TextDecoder(label, { fatal: false, ignoreBOM: false }).decode(body);
}

/** Text ready for a text/plain or HTML body: CRLF/CR → LF, other controls but TAB removed. */
export function cleanBodyText(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\u2028|\u2029/g, '\n');
}
