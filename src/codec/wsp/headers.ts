/**
 * WSP headers (WAP-230-WSP §8.4.1, §8.4.2.6):
 *   Header             = Message-header | Shift-sequence
 *   Well-known-header  = Well-known-field-name Wap-value      (field name: Short-integer)
 *   Application-header = Token-text Application-specific-value (Text-string)
 * The extent of any Wap-value follows from its first octet (§8.4.1.2), so headers the codec does
 * not interpret are skipped exactly and kept as raw octets.
 */
import { Cursor } from './cursor.js';
import {
  hex,
  octetsToText,
  readIntegerValue,
  readTextString,
  readValueLength,
  writeIntegerValue,
  writeQuotedString,
  writeShortInteger,
  writeTextString,
  writeTokenText,
} from './primitives.js';
import { readParameter } from './content-type.js';
import { MAX_ENTRY_HEADERS } from './limits.js';
import type { WspHeader } from './types.js';
import { FIELD, applicationIdCode, applicationIdName, headerFieldCode, headerFieldName } from './well-known.js';
import { encodeWith, type Writer } from './writer.js';

/** Name under which a Shift-sequence is kept; its `raw` holds the whole sequence. */
const SHIFT = 'Shift-Sequence';

/** Skips one Wap-value (§8.4.1.2) and returns its octets (a view). */
export function readWapValue(c: Cursor, field: string): Uint8Array {
  const start = c.pos;
  const b = c.peek(field);
  if (b >= 0x80) c.pos++;
  else if (b <= 31) {
    const { len } = readValueLength(c, field);
    c.take(len, field);
  } else c.cstring(field);
  return c.since(start);
}

/** Reads headers until the cursor's end. */
export function readHeaders(c: Cursor, field = 'header'): WspHeader[] {
  const out: WspHeader[] = [];
  while (c.remaining > 0) {
    if (out.length === MAX_ENTRY_HEADERS) c.fail(field, `more than ${MAX_ENTRY_HEADERS} headers`, c.pos, 'CODEC_LIMIT');
    out.push(readHeader(c, field));
  }
  return out;
}

export function readHeader(c: Cursor, field = 'header'): WspHeader {
  const b = c.peek(field);
  if (b >= 0x80) {
    c.pos++;
    const code = b & 0x7f;
    const name = headerFieldName(code) ?? `X-Wsp-Header-0x${code.toString(16).padStart(2, '0')}`;
    const raw = readWapValue(c, name);
    return { name, code, value: renderValue(code, raw, c.offset(c.pos - raw.length)), raw };
  }
  if (b === 0x7f || b < 0x20) {
    // Shift-sequence (§8.4.2.6): a code-page change; kept as a header of its own.
    const start = c.pos;
    c.pos++;
    if (b === 0x7f) c.u8(field);
    const raw = c.since(start);
    return { name: SHIFT, value: hex(raw), raw };
  }
  const name = octetsToText(c.cstring(field)).text;
  const raw = readWapValue(c, name);
  return { name, value: renderValue(undefined, raw, 0), raw };
}

/** A readable rendering of a header value. Never throws: undecodable values render as hex. */
export function renderValue(code: number | undefined, raw: Uint8Array, base: number): string {
  const c = new Cursor(raw, 0, raw.length, base);
  try {
    const b = raw[0] ?? 0;
    if (code === FIELD.xWapApplicationId && (b >= 0x80 || b <= 30)) {
      const id = readIntegerValue(c, 'X-Wap-Application-Id').value;
      return applicationIdName(id) ?? String(id);
    }
    if ((code === FIELD.contentDisposition || code === FIELD.contentDisposition14) && b <= 31) {
      return renderDisposition(c);
    }
    if (b === 0x22 && raw[raw.length - 1] === 0) return octetsToText(raw.subarray(1, raw.length - 1)).text;
    if (b >= 0x20 && raw[raw.length - 1] === 0) return readTextString(c, 'header').text;
    if (b >= 0x80 || (b >= 1 && b <= 8)) return String(readIntegerValue(c, 'header').value);
  } catch {
    // falls through to hex
  }
  return hex(raw);
}

/** Content-disposition-value (§8.4.2.53): Value-length Disposition *(Parameter). */
function renderDisposition(c: Cursor): string {
  const { len } = readValueLength(c, 'Content-Disposition');
  const v = c.sub(len, 'Content-Disposition');
  const d = v.peek('Content-Disposition');
  let out: string;
  if (d >= 0x80) {
    v.pos++;
    out = ['form-data', 'attachment', 'inline'][d - 0x80] ?? `0x${d.toString(16)}`;
  } else out = readTextString(v, 'Content-Disposition').text;
  while (v.remaining > 0) {
    const p = readParameter(v, 'Content-Disposition');
    out += `; ${p.key}=${JSON.stringify(p.value)}`;
  }
  return out;
}

/** The `filename` parameter of a Content-Disposition header, if it has one. */
export function dispositionFilename(h: WspHeader): string | undefined {
  if (h.code !== FIELD.contentDisposition && h.code !== FIELD.contentDisposition14) return undefined;
  try {
    const c = new Cursor(h.raw);
    const { len } = readValueLength(c, 'Content-Disposition');
    const v = c.sub(len, 'Content-Disposition');
    if (v.peek('Content-Disposition') >= 0x80) v.pos++;
    else readTextString(v, 'Content-Disposition');
    while (v.remaining > 0) {
      const p = readParameter(v, 'Content-Disposition');
      if (p.key === 'filename') return p.value;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export function writeHeader(w: Writer, h: WspHeader): void {
  if (h.name === SHIFT && h.code === undefined) {
    w.bytes(h.raw);
    return;
  }
  if (h.code !== undefined) writeShortInteger(w, h.code, h.name);
  else writeTokenText(w, h.name, h.name);
  w.bytes(h.raw);
}

export function writeHeaders(w: Writer, headers: readonly WspHeader[]): void {
  for (const h of headers) writeHeader(w, h);
}

/**
 * A header from a name and a value, in the canonical encoding: Content-ID as a Quoted-string,
 * X-Wap-Application-Id as its well-known number when it has one, other well-known fields and
 * application headers as Text-string.
 */
export function makeHeader(name: string, value: string | number): WspHeader {
  const code = headerFieldCode(name);
  const canonical = code === undefined ? name : (headerFieldName(code) as string);
  let raw: Uint8Array;
  if (code === FIELD.contentId) raw = encodeWith((w) => writeQuotedString(w, String(value), false, name));
  else if (code === FIELD.xWapApplicationId) {
    const id = typeof value === 'number' ? value : applicationIdCode(value);
    raw = id === undefined ? encodeWith((w) => writeTextString(w, String(value), undefined, name)) : encodeWith((w) => writeIntegerValue(w, id));
  } else if (typeof value === 'number') raw = encodeWith((w) => writeIntegerValue(w, value));
  else raw = encodeWith((w) => writeTextString(w, value, undefined, name));
  return { name: canonical, ...(code === undefined ? {} : { code }), value: renderValue(code, raw, 0), raw };
}
