/**
 * Encoded-string-value (OMA-TS-MMS_ENC §7.2.9, after WAP-230-WSP §8.4.2.1):
 *   Text-string | Value-length Char-set Text-string
 * The charset is a Well-known-charset (WAP-230-WSP §8.4.2.8): Any-charset (0x80) or an
 * Integer-value holding the IANA MIBenum. The text is decoded with that charset. The original
 * octets are recorded, so that text in a charset Node cannot encode (Shift_JIS, GBK, Big5, …)
 * is written back exactly while unchanged.
 */
import { charsetMib, charsetName, decodeText, encodeText } from './charset.js';
import type { Cursor } from './cursor.js';
import {
  type TextForm,
  readIntegerValue,
  readTextString,
  readValueLength,
  writeIntegerValue,
  writeTextString,
  writeValueLength,
  encodeError,
} from './primitives.js';
import { Writer } from './writer.js';

export interface EncodedStringForm {
  /** Plain Text-string form (no charset). */
  readonly text?: TextForm;
  /** Charset form: MIBenum, integer form, length form, quote, terminator, original octets. */
  readonly mib?: number;
  readonly mibLen?: number;
  readonly longLength?: boolean;
  readonly quoted?: boolean;
  /** Terminating NUL octets: 1 normally, 2 for UTF-16 ended by a 16-bit NUL, 0 when absent. */
  readonly nul?: number;
  readonly raw?: Uint8Array;
}

export interface EncodedString {
  text: string;
  /** Charset name when the value carried one (`utf-8`, `shift_jis`, …; `mib:<n>` for unknown ones). */
  charset?: string;
  form: EncodedStringForm;
}

export function readEncodedString(c: Cursor, field: string): EncodedString {
  const first = c.peek(field);
  if (first >= 0x20 || first === 0) {
    const t = readTextString(c, field);
    return { text: t.text, form: { text: t.form } };
  }
  const { len, long } = readValueLength(c, field);
  const v = c.sub(len, field);
  const mibAt = v.pos;
  const mib = v.peek(field) === 0x80 ? (v.pos++, { value: 0, len: 0 }) : readIntegerValue(v, field);
  if (mib.value > 0xffff) v.fail(field, `charset ${mib.value} out of range`, mibAt);
  let quoted = false;
  if (v.remaining >= 2 && v.bytes[v.pos] === 0x7f && (v.bytes[v.pos + 1] as number) >= 0x80) {
    quoted = true;
    v.pos++;
  }
  let octets = v.take(v.remaining, field);
  const nul = terminatorLength(octets, UTF16_MIBS.has(mib.value));
  octets = octets.subarray(0, octets.length - nul);
  if (!UTF16_MIBS.has(mib.value) && octets.includes(0)) v.fail(field, 'NUL inside the text', mibAt);
  const name = charsetName(mib.value) ?? `mib:${mib.value}`;
  const text = decodeText(octets, name.startsWith('mib:') ? undefined : name);
  const form: EncodedStringForm = { mib: mib.value, mibLen: mib.len, longLength: long, quoted, nul, raw: octets };
  return { text, charset: name, form };
}

/**
 * Writes an encoded-string-value. With a recorded form, the same layout and — while the text is
 * unchanged — the same octets. Without one, ASCII text goes as a plain Text-string and anything
 * else as UTF-8 with its charset (MIBenum 106).
 */
export function writeEncodedString(w: Writer, text: string, form?: EncodedStringForm, field = 'encoded-string-value'): void {
  if (form?.mib === undefined && (form !== undefined || /^[\x01-\x7f]*$/.test(text))) {
    writeTextString(w, text, form?.text, field);
    return;
  }
  let mib = form?.mib ?? 106;
  const name = charsetName(mib);
  let octets = form?.raw && decodeText(form.raw, name) === text ? form.raw : encodeText(text, name ?? 'unknown');
  if (!octets) {
    mib = 106;
    octets = new TextEncoder().encode(text);
  }
  if (!UTF16_MIBS.has(mib) && octets.includes(0)) throw encodeError(field, 'text contains a NUL character');
  const inner = new Writer();
  if (mib === 0) inner.u8(0x80);
  else writeIntegerValue(inner, mib, mib === form?.mib ? form.mibLen : undefined, field);
  if (form?.quoted ?? (octets[0] ?? 0) >= 0x80) inner.u8(0x7f);
  inner.bytes(octets);
  for (let i = 0; i < (form?.nul ?? 1); i++) inner.u8(0);
  const body = inner.finish();
  writeValueLength(w, body.length, form?.longLength);
  w.bytes(body);
}

const UTF16_MIBS = new Set([1000, 1013, 1014, 1015]);

/**
 * The terminator of a Text-string inside a Value-length: one NUL octet. In 16-bit text a final
 * NUL octet belongs to the text when it completes a code unit, so there it is the terminator only
 * when the length is odd; an even-length run ending in a 16-bit NUL is a two-octet terminator.
 */
function terminatorLength(b: Uint8Array, utf16: boolean): number {
  const n = b.length;
  if (n === 0 || b[n - 1] !== 0) return 0;
  if (!utf16 || n % 2 === 1) return 1;
  return b[n - 2] === 0 ? 2 : 0;
}

/** Charset MIBenum for a name, for callers building values (`utf-8` → 106). */
export { charsetMib };
