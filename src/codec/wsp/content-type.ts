/**
 * Content-type-value (WAP-230-WSP §8.4.2.24) and parameters (§8.4.2.4):
 *   Content-type-value   = Constrained-media | Content-general-form
 *   Content-general-form = Value-length Media-type
 *   Media-type           = (Well-known-media | Extension-Media) *(Parameter)
 *   Parameter            = Typed-parameter | Untyped-parameter
 * Each parameter is recorded with its code and exact value octets, so that an unchanged
 * parameter is written back as it came.
 */
import { charsetMib, charsetName } from './charset.js';
import type { Cursor } from './cursor.js';
import {
  readIntegerValue,
  readLongInteger,
  readQuotedString,
  readShortInteger,
  readTextString,
  readTokenText,
  readValueLength,
  writeIntegerValue,
  writeQuotedString,
  writeShortInteger,
  writeTextString,
  writeTokenText,
  writeValueLength,
} from './primitives.js';
import type { ContentType, ContentTypeForm, ParamForm } from './types.js';
import { CANONICAL_PARAM, contentTypeCode, contentTypeName, headerFieldName, paramByCode, type ParamKind } from './well-known.js';
import { Writer } from './writer.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const FIELD = 'Content-Type';

/** Reads a Content-type-value. */
export function readContentType(c: Cursor, field = FIELD): ContentType {
  const b = c.peek(field);
  if (b >= 0x80) {
    const code = readShortInteger(c, field);
    return { mediaType: mediaName(code), params: {}, form: { general: false, mediaCode: code, params: [] } };
  }
  if (b >= 0x20) {
    const text = readTokenText(c, field);
    const mediaType = text.toLowerCase();
    const form: Mutable<ContentTypeForm> = { general: false, params: [] };
    if (text !== mediaType) form.mediaText = text;
    return { mediaType, params: {}, form };
  }
  const { len, long } = readValueLength(c, field);
  const v = c.sub(len, field);
  let mediaType: string;
  let mediaCode: number | undefined;
  let mediaText: string | undefined;
  const m = v.peek(field);
  if (m >= 0x80 || m < 0x20) {
    mediaCode = readIntegerValue(v, field).value;
    mediaType = mediaName(mediaCode);
  } else {
    mediaText = readTokenText(v, field);
    mediaType = mediaText.toLowerCase();
    if (mediaText === mediaType) mediaText = undefined;
  }
  const params: Record<string, string> = {};
  const forms: ParamForm[] = [];
  while (v.remaining > 0) {
    const p = readParameter(v, field);
    if (!(p.key in params)) params[p.key] = p.value;
    forms.push(p);
  }
  const form: Mutable<ContentTypeForm> = { general: true, longLength: long, params: forms };
  if (mediaCode !== undefined) form.mediaCode = mediaCode;
  if (mediaText !== undefined) form.mediaText = mediaText;
  return { mediaType, params, form };
}

function mediaName(code: number): string {
  return contentTypeName(code) ?? `application/x-wsp-0x${code.toString(16).padStart(2, '0')}`;
}

/** Reads one Parameter: a typed parameter by its well-known code, or a token-text name with an untyped value. */
export function readParameter(c: Cursor, field: string): ParamForm {
  const at = c.pos;
  const b = c.peek(field);
  if (b >= 0x20 && b < 0x80) {
    const name = readTokenText(c, field);
    const key = name.toLowerCase();
    const vs = c.pos;
    const value = readUntypedValue(c, field);
    const p: Mutable<ParamForm> = { key, value, raw: c.since(vs) };
    if (name !== key) p.name = name;
    return p;
  }
  const code = readIntegerValue(c, field).value;
  const def = paramByCode(code);
  const vs = c.pos;
  const value = def ? readTyped(c, def[2], field) : readUntypedValue(c, field);
  if (c.pos === vs && def?.[2] !== 'no-value') c.fail(field, 'parameter without a value', at);
  return { key: def ? def[1] : `param-0x${code.toString(16)}`, code, value, raw: c.since(vs) };
}

/** Untyped-value = Integer-value | Text-value (§8.4.2.4). */
function readUntypedValue(c: Cursor, field: string): string {
  const b = c.peek(field);
  if (b >= 0x80 || (b > 0 && b <= 30)) return String(readIntegerValue(c, field).value);
  return readTextValue(c, field);
}

/** Text-value = No-value | Token-text | Quoted-string (§8.4.2.3). */
function readTextValue(c: Cursor, field: string): string {
  const b = c.peek(field);
  if (b === 0) {
    c.pos++;
    return '';
  }
  if (b === 0x22) return readQuotedString(c, field).text;
  return readTextString(c, field).text;
}

function readTyped(c: Cursor, kind: ParamKind, field: string): string {
  switch (kind) {
    case 'charset': {
      const b = c.peek(field);
      if (b === 0x80) {
        c.pos++;
        return '*';
      }
      if (b >= 0x20 && b < 0x80) return readTextValue(c, field).toLowerCase();
      const mib = readIntegerValue(c, field).value;
      return charsetName(mib) ?? `mib:${mib}`;
    }
    case 'text-string':
      return readTextString(c, field).text;
    case 'text-value':
      return readTextValue(c, field);
    case 'integer':
    case 'delta':
      return String(readIntegerValue(c, field).value);
    case 'short-integer':
      return String(readShortInteger(c, field));
    case 'constrained': {
      const b = c.peek(field);
      if (b >= 0x80) return mediaName(readShortInteger(c, field));
      return readTokenText(c, field).toLowerCase();
    }
    case 'date':
      const s = readLongInteger(c, field).value;
      if (s > 8.64e12) c.fail(field, 'date beyond the representable range');
      return new Date(s * 1000).toISOString();
    case 'no-value':
      if (c.u8(field) !== 0) c.fail(field, 'no-value expected', c.pos - 1);
      return '';
    case 'version': {
      const b = c.peek(field);
      if (b >= 0x80) {
        const v = readShortInteger(c, field);
        return (v & 0x0f) === 0x0f ? String(v >> 4) : `${v >> 4}.${v & 0x0f}`;
      }
      return readTextString(c, field).text;
    }
    case 'field': {
      const b = c.peek(field);
      if (b >= 0x80) {
        const code = readShortInteger(c, field);
        return headerFieldName(code) ?? `0x${code.toString(16)}`;
      }
      return readTokenText(c, field);
    }
    case 'q': {
      const at = c.pos;
      const q = c.uintvar(field);
      if (q >= 1 && q <= 100) return String((q - 1) / 100);
      if (q >= 101 && q <= 1099) return String((q - 100) / 1000);
      return c.fail(field, `q-value ${q} out of range`, at);
    }
  }
}

/**
 * Writes a Content-type-value. Recorded forms are followed while the media type and the
 * parameters are unchanged; otherwise the canonical form: a well-known media code when there is
 * one, the general form when there are parameters.
 */
export function writeContentType(w: Writer, ct: ContentType, field = FIELD): void {
  const form = ct.form;
  const media = ct.mediaType.toLowerCase();
  const known = contentTypeCode(media);
  let code = known;
  if (form && (form.mediaCode === undefined || mediaName(form.mediaCode) === media)) code = form.mediaCode;
  const text = form?.mediaText !== undefined && form.mediaText.toLowerCase() === media ? form.mediaText : media;
  const params = Object.entries(ct.params);
  if (params.length === 0 && !form?.general) {
    if (code !== undefined && code < 128) writeShortInteger(w, code, field);
    else writeTokenText(w, text, field, true);
    return;
  }
  const inner = new Writer();
  if (code !== undefined) writeIntegerValue(inner, code, undefined, field);
  else writeTokenText(inner, text, field, true);
  const done = new Set<string>();
  // A repeated parameter is written again only when its first occurrence was unchanged.
  const firstUnchanged = new Map<string, boolean>();
  for (const p of form?.params ?? []) {
    const seen = firstUnchanged.get(p.key);
    if (seen === undefined) {
      const unchanged = ct.params[p.key] === p.value;
      firstUnchanged.set(p.key, unchanged);
      if (unchanged) {
        writeRecorded(inner, p);
        done.add(p.key);
      }
    } else if (seen) writeRecorded(inner, p);
  }
  for (const [key, value] of params) {
    if (!done.has(key)) writeParameter(inner, key, value, field);
  }
  const body = inner.finish();
  writeValueLength(w, body.length, form?.longLength);
  w.bytes(body);
}

function writeRecorded(w: Writer, p: ParamForm): void {
  if (p.code !== undefined) writeIntegerValue(w, p.code);
  else writeTokenText(w, p.name ?? p.key, 'parameter', true);
  w.bytes(p.raw);
}

/** A parameter from scratch: the WSP 1.2 typed codes for the MMS parameters, untyped otherwise. */
export function writeParameter(w: Writer, key: string, value: string, field = FIELD): void {
  const k = key.toLowerCase();
  const code = CANONICAL_PARAM[k];
  if (k === 'charset') {
    const mib = value === '*' ? 0 : (charsetMib(value) ?? (/^mib:\d+$/.test(value) ? Number(value.slice(4)) : undefined));
    if (mib !== undefined) {
      writeShortInteger(w, 0x01);
      if (mib === 0) w.u8(0x80);
      else writeIntegerValue(w, mib);
      return;
    }
  } else if (k === 'type' && code !== undefined) {
    writeShortInteger(w, code);
    const t = contentTypeCode(value);
    if (t !== undefined) writeShortInteger(w, t);
    else writeTokenText(w, value, field);
    return;
  } else if (code !== undefined) {
    writeShortInteger(w, code);
    writeTextString(w, value, undefined, field);
    return;
  }
  writeTokenText(w, k, field);
  writeTextValue(w, value, field);
}

/** Text-value: No-value for '', a token when safe, else a quoted-string. */
export function writeTextValue(w: Writer, value: string, field: string): void {
  if (value === '') w.u8(0);
  else if (/^[\x21\x23-\x7e][\x20-\x7e]*$/.test(value)) writeTokenText(w, value, field);
  else writeQuotedString(w, value, false, field);
}

/** Media type plus parameters in the conventional `type; k=v` notation, for display. */
export function formatContentType(ct: ContentType): string {
  const ps = Object.entries(ct.params).map(([k, v]) => `;${k}=${/^[\w.+\-/<>@]*$/.test(v) && v !== '' ? v : JSON.stringify(v)}`);
  return ct.mediaType + ps.join('');
}
