/**
 * Character sets by IANA MIBenum (WAP-230-WSP §8.4.2.8 "Well-known-charset" uses MIBenum;
 * numbers from the IANA character-sets registry). Decoding goes through Node's TextDecoder
 * (full ICU); encoding is possible for the Unicode forms, US-ASCII and ISO-8859-1 — for any
 * other charset the codec keeps the original octets (see encoded-string.ts).
 */

import { TextDecoder } from 'node:util';
import { decodeWindows1252 } from '../../util/windows-1252.js';

const MIB: ReadonlyArray<readonly [number, string]> = [
  [0, '*'],
  [3, 'us-ascii'],
  [4, 'iso-8859-1'], [5, 'iso-8859-2'], [6, 'iso-8859-3'], [7, 'iso-8859-4'], [8, 'iso-8859-5'],
  [9, 'iso-8859-6'], [10, 'iso-8859-7'], [11, 'iso-8859-8'], [12, 'iso-8859-9'], [13, 'iso-8859-10'],
  [17, 'shift_jis'], [18, 'euc-jp'], [36, 'ks_c_5601-1987'], [38, 'euc-kr'], [39, 'iso-2022-jp'],
  [106, 'utf-8'], [109, 'iso-8859-13'], [110, 'iso-8859-14'], [111, 'iso-8859-15'], [112, 'iso-8859-16'],
  [113, 'gbk'], [114, 'gb18030'],
  [1000, 'iso-10646-ucs-2'], [1013, 'utf-16be'], [1014, 'utf-16le'], [1015, 'utf-16'],
  [2025, 'gb2312'], [2026, 'big5'], [2084, 'koi8-r'],
  [2250, 'windows-1250'], [2251, 'windows-1251'], [2252, 'windows-1252'], [2253, 'windows-1253'],
  [2254, 'windows-1254'], [2255, 'windows-1255'], [2256, 'windows-1256'], [2257, 'windows-1257'],
  [2258, 'windows-1258'],
];

const BY_MIB = new Map<number, string>(MIB);
const BY_NAME = new Map<string, number>(MIB.map(([n, s]) => [s, n]));
const ALIASES: Readonly<Record<string, string>> = {
  'utf8': 'utf-8', 'ascii': 'us-ascii', 'latin1': 'iso-8859-1', 'ucs-2': 'iso-10646-ucs-2',
  'sjis': 'shift_jis', 'shift-jis': 'shift_jis', 'x-sjis': 'shift_jis', 'cp936': 'gbk', 'big5-hkscs': 'big5',
};

/** Charset name for a MIBenum, or undefined when not in the table. */
export function charsetName(mib: number): string | undefined {
  return BY_MIB.get(mib);
}

/** MIBenum for a charset name (case-insensitive, common aliases accepted). */
export function charsetMib(name: string): number | undefined {
  const n = name.toLowerCase();
  return BY_NAME.get(ALIASES[n] ?? n);
}

const decoders = new Map<string, TextDecoder | null>();

function decoderFor(label: string): TextDecoder | null {
  let d = decoders.get(label);
  if (d === undefined) {
    try {
      d = new TextDecoder(label);
    } catch {
      d = null;
    }
    decoders.set(label, d);
  }
  return d;
}

/**
 * Decodes octets in the named charset. UTF-16 without a declared byte order follows its BOM and
 * defaults to big-endian (RFC 2781 §4.3); a BOM is not part of the text. Unknown charsets are
 * read as UTF-8 when valid, else as ISO-8859-1, so that no input is refused for its charset.
 */
export function decodeText(bytes: Uint8Array, charset: string | undefined): string {
  let label = (charset ?? 'utf-8').toLowerCase();
  label = ALIASES[label] ?? label;
  if (label === 'us-ascii') label = 'windows-1252';
  if (label === 'utf-16' || label === 'iso-10646-ucs-2') {
    label = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : 'utf-16be';
  }
  if (label === '*') label = 'utf-8';
  const d = decoderFor(label);
  if (d?.encoding === 'windows-1252') return decodeWindows1252(bytes);
  if (d) return d.decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return (decoderFor('iso-8859-1') as TextDecoder).decode(bytes);
  }
}

/**
 * Encodes text in the named charset where Node can: UTF-8, US-ASCII and ISO-8859-1 (when every
 * character fits), UTF-16 (little-endian with a BOM), UTF-16BE/LE. Undefined otherwise.
 */
export function encodeText(text: string, charset: string | undefined): Uint8Array | undefined {
  const label = charset === undefined ? 'utf-8' : (ALIASES[charset.toLowerCase()] ?? charset.toLowerCase());
  switch (label) {
    case 'utf-8':
    case '*':
      return new TextEncoder().encode(text);
    case 'us-ascii':
      return /^[\x00-\x7f]*$/.test(text) ? Uint8Array.from(Buffer.from(text, 'latin1')) : undefined;
    case 'iso-8859-1':
      return /^[\x00-\xff]*$/.test(text) ? Uint8Array.from(Buffer.from(text, 'latin1')) : undefined;
    case 'utf-16le':
      return Uint8Array.from(Buffer.from(text, 'utf16le'));
    case 'utf-16be':
      return Uint8Array.from(Buffer.from(text, 'utf16le').swap16());
    case 'utf-16':
      return Uint8Array.from(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    default:
      return undefined;
  }
}
