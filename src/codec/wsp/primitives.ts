/**
 * WSP basic rules (WAP-230-WSP §8.4.2.1 "Basic rules", §8.4.2.2 "Length"): integers, text,
 * value-length. Decoders read from a Cursor and return the value with the form it had on the
 * wire; encoders take an optional form and otherwise write the canonical (shortest) form.
 */
import { MmsgwError } from '../../util/errors.js';
import type { Cursor } from './cursor.js';
import type { Writer } from './writer.js';

/** Text octets: UTF-8 when valid, else ISO-8859-1 (`latin1` form). */
export interface TextForm {
  /** A Quote octet (0x7F) preceded the text (§8.4.2.1 Text-string). */
  readonly quoted?: boolean;
  /** The octets were not valid UTF-8 and were read as ISO-8859-1. */
  readonly latin1?: boolean;
  /** The first octet was ≥ 0x80 yet no Quote preceded it (a sloppy encoder; reproduced as is). */
  readonly bare?: boolean;
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('iso-8859-1');

/** Longest run converted with one String.fromCharCode call (well under engines' argument limits). */
const ASCII_CHUNK = 4096;

/**
 * Pure US-ASCII octets as a string, or undefined when one is ≥ 0x80. ASCII is valid UTF-8 and
 * reads the same either way; header text is almost always ASCII and short, where a TextDecoder
 * call (and its try/catch) costs far more than this loop.
 */
function asciiText(b: Uint8Array): string | undefined {
  const n = b.length;
  for (let i = 0; i < n; i++) if ((b[i] as number) >= 0x80) return undefined;
  if (n <= ASCII_CHUNK) return String.fromCharCode.apply(null, b as unknown as number[]);
  let s = '';
  for (let i = 0; i < n; i += ASCII_CHUNK) s += String.fromCharCode.apply(null, b.subarray(i, i + ASCII_CHUNK) as unknown as number[]);
  return s;
}

export function octetsToText(b: Uint8Array): { text: string; latin1: boolean } {
  const ascii = asciiText(b);
  if (ascii !== undefined) return { text: ascii, latin1: false };
  try {
    return { text: utf8Fatal.decode(b), latin1: false };
  } catch {
    return { text: latin1.decode(b), latin1: true };
  }
}

export function textToOctets(text: string, asLatin1: boolean): Uint8Array {
  if (asLatin1 && /^[\x00-\xff]*$/.test(text)) return Uint8Array.from(Buffer.from(text, 'latin1'));
  return new TextEncoder().encode(text);
}

export function encodeError(field: string, message: string): MmsgwError {
  return new MmsgwError('CODEC_ENCODE_INVALID', `${field}: ${message}`, { details: { field } });
}

/** Short-integer (§8.4.2.1): one octet with the high bit set, value 0–127. */
export function readShortInteger(c: Cursor, field: string): number {
  const b = c.u8(field);
  if (b < 0x80) c.fail(field, `short-integer expected, got 0x${b.toString(16)}`, c.pos - 1);
  return b & 0x7f;
}

/** Long-integer (§8.4.2.1): Short-length (1–30) then that many big-endian octets. */
export function readLongInteger(c: Cursor, field: string): { value: number; len: number } {
  const at = c.pos;
  const len = c.u8(field);
  if (len < 1 || len > 30) c.fail(field, `long-integer length ${len} out of range 1–30`, at);
  const b = c.take(len, field);
  let v = 0;
  for (const x of b) v = v * 256 + x;
  if (!Number.isSafeInteger(v)) c.fail(field, 'long-integer exceeds 2^53', at);
  return { value: v, len };
}

/** Integer-value (§8.4.2.3): Short-integer or Long-integer. `len` 0 means the short form. */
export function readIntegerValue(c: Cursor, field: string): { value: number; len: number } {
  const b = c.peek(field);
  if (b & 0x80) return { value: readShortInteger(c, field), len: 0 };
  return readLongInteger(c, field);
}

/** Text-string (§8.4.2.1): optional Quote (0x7F) then TEXT up to NUL. */
export function readTextString(c: Cursor, field: string): { text: string; form: TextForm } {
  let quoted = false;
  const first = c.peek(field);
  // TEXT excludes CTLs (§8.4.2.1): an octet 0x01–0x1F here starts a Value-length, not text.
  if (first > 0 && first < 0x20) c.fail(field, `text expected, got 0x${first.toString(16)}`);
  if (first === 0x7f) {
    c.pos++;
    quoted = true;
  }
  const raw = c.cstring(field);
  const t = octetsToText(raw);
  const bare = !quoted && (raw[0] ?? 0) >= 0x80;
  if (!quoted && !t.latin1 && !bare) return { text: t.text, form: {} };
  const form: { quoted?: boolean; latin1?: boolean; bare?: boolean } = {};
  if (quoted) form.quoted = true;
  if (t.latin1) form.latin1 = true;
  if (bare) form.bare = true;
  return { text: t.text, form };
}

/** Quoted-string (§8.4.2.1): `"` then TEXT up to NUL (no closing quote). */
export function readQuotedString(c: Cursor, field: string): { text: string; latin1: boolean } {
  if (c.u8(field) !== 0x22) c.fail(field, 'quoted-string must start with 0x22', c.pos - 1);
  return octetsToText(c.cstring(field));
}

/** Token-text (§8.4.2.1): TEXT up to NUL. */
export function readTokenText(c: Cursor, field: string): string {
  return octetsToText(c.cstring(field)).text;
}

/** Value-length (§8.4.2.2): Short-length 0–30, or Length-quote (31) + uintvar; checked against what is left. */
export function readValueLength(c: Cursor, field: string): { len: number; long: boolean } {
  const at = c.pos;
  const b = c.u8(field);
  let len: number;
  let long = false;
  if (b <= 30) len = b;
  else if (b === 31) {
    len = c.uintvar(field);
    long = true;
  } else return c.fail(field, `value-length expected, got 0x${b.toString(16)}`, at);
  if (len > c.remaining) c.fail(field, `value-length ${len} exceeds the ${c.remaining} byte(s) left`, at, 'CODEC_TRUNCATED');
  return { len, long };
}

export function writeShortInteger(w: Writer, v: number, field = 'short-integer'): void {
  if (!Number.isInteger(v) || v < 0 || v > 127) throw encodeError(field, `short-integer out of range: ${v}`);
  w.u8(0x80 | v);
}

/** Long-integer in `len` octets (minimal when not given). */
export function writeLongInteger(w: Writer, v: number, len?: number, field = 'long-integer'): void {
  if (!Number.isSafeInteger(v) || v < 0) throw encodeError(field, `long-integer out of range: ${v}`);
  const out: number[] = [];
  let x = v;
  do {
    out.unshift(x % 256);
    x = Math.floor(x / 256);
  } while (x > 0);
  while (len !== undefined && out.length < len && out.length < 30) out.unshift(0);
  w.u8(out.length);
  for (const b of out) w.u8(b);
}

/** Integer-value: short form when it fits, unless the recorded form was long (`len` > 0). */
export function writeIntegerValue(w: Writer, v: number, len?: number, field = 'integer-value'): void {
  if ((len === undefined || len === 0) && Number.isInteger(v) && v >= 0 && v < 128) w.u8(0x80 | v);
  else writeLongInteger(w, v, len, field);
}

function checkText(b: Uint8Array, field: string): void {
  if (b.includes(0)) throw encodeError(field, 'text contains a NUL character');
}

/** Text-string: Quote when the first octet is ≥ 0x80 (or when recorded), then text and NUL. */
export function writeTextString(w: Writer, text: string, form?: TextForm, field = 'text-string'): void {
  const b = textToOctets(text, form?.latin1 === true);
  checkText(b, field);
  if (form?.quoted || ((b[0] ?? 0) >= 0x80 && !form?.bare)) w.u8(0x7f);
  w.bytes(b).u8(0);
}

export function writeQuotedString(w: Writer, text: string, asLatin1 = false, field = 'quoted-string'): void {
  const b = textToOctets(text, asLatin1);
  checkText(b, field);
  w.u8(0x22).bytes(b).u8(0);
}

export function writeTokenText(w: Writer, text: string, field = 'token-text', asLatin1 = false): void {
  const b = textToOctets(text, asLatin1);
  checkText(b, field);
  if (b.length === 0 || (b[0] as number) < 0x20 || (b[0] as number) >= 0x80) {
    throw encodeError(field, `not a token: ${JSON.stringify(text)}`);
  }
  w.bytes(b).u8(0);
}

/** Value-length: Short-length when ≤ 30 unless the long form was recorded. */
export function writeValueLength(w: Writer, len: number, long = false): void {
  if (len <= 30 && !long) w.u8(len);
  else w.u8(31).uintvar(len);
}

/** Lower-case hex of octets, for readable renderings of uninterpreted values. */
export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
}
