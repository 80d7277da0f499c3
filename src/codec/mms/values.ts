/**
 * Value codecs of the MMS header fields (OMA-TS-MMS_ENC §7.2, §7.3). Each reads a value and the
 * form it had, and writes a value in a recorded form or, without one, in canonical form.
 */
import type { Cursor } from '../wsp/cursor.js';
import { readEncodedString, writeEncodedString, type EncodedStringForm } from '../wsp/encoded-string.js';
import {
  encodeError,
  readIntegerValue,
  readLongInteger,
  readShortInteger,
  readTextString,
  readValueLength,
  writeIntegerValue,
  writeLongInteger,
  writeShortInteger,
  writeTextString,
  writeValueLength,
  type TextForm,
} from '../wsp/primitives.js';
import { Writer } from '../wsp/writer.js';
import { formatAddress, parseAddress } from './addresses.js';
import type { MmsAddress, MmsFlags, MmsMboxCount, MmsPreviouslySentBy, MmsPreviouslySentDate, MmsTime } from './types.js';

export interface ValueCodec<T> {
  read(c: Cursor, field: string): { value: T; form?: unknown };
  write(w: Writer, value: T, form: unknown, field: string): void;
}

/** A single-octet enumeration; unknown octets in a named range decode to `<prefix>-0xNN`. */
export function enumCodec(table: Readonly<Record<number, string>>, ranges: ReadonlyArray<readonly [number, number, string]> = []): ValueCodec<string> {
  const byName = new Map(Object.entries(table).map(([k, v]) => [v, Number(k)]));
  return {
    read(c, field) {
      const at = c.pos;
      const b = c.u8(field);
      const name = table[b];
      if (name !== undefined) return { value: name };
      const r = ranges.find(([lo, hi]) => b >= lo && b <= hi);
      if (r) return { value: `${r[2]}-0x${b.toString(16)}` };
      return c.fail(field, `unrecognised value 0x${b.toString(16)}`, at);
    },
    write(w, value, _form, field) {
      let code = byName.get(value);
      const m = /-0x([0-9a-f]{2})$/.exec(value);
      if (code === undefined && m) code = parseInt(m[1] as string, 16);
      if (code === undefined) throw encodeError(field, `unknown value ${JSON.stringify(value)}`);
      w.u8(code);
    },
  };
}

/** Yes/No (§7.3.x "Yes-No"): 128 yes, 129 no. */
export const yesNo: ValueCodec<boolean> = {
  read(c, field) {
    const at = c.pos;
    const b = c.u8(field);
    if (b === 128 || b === 129) return { value: b === 128 };
    return c.fail(field, `unrecognised value 0x${b.toString(16)}`, at);
  },
  write(w, v) {
    w.u8(v ? 128 : 129);
  },
};

export const text: ValueCodec<string> = {
  read(c, field) {
    const t = readTextString(c, field);
    return { value: t.text, form: t.form };
  },
  write(w, v, form, field) {
    writeTextString(w, v, form as TextForm | undefined, field);
  },
};

export const encoded: ValueCodec<string> = {
  read(c, field) {
    const e = readEncodedString(c, field);
    return { value: e.text, form: e.form };
  },
  write(w, v, form, field) {
    writeEncodedString(w, v, form as EncodedStringForm | undefined, field);
  },
};

export const address: ValueCodec<MmsAddress> = {
  read(c, field) {
    const e = readEncodedString(c, field);
    return { value: parseAddress(e.text), form: e.form };
  },
  write(w, v, form, field) {
    writeEncodedString(w, formatAddress(v), form as EncodedStringForm | undefined, field);
  },
};

/**
 * Uri-value (§7.3 X-Mms-Content-Location): a Text-string; surrounding white space is not part
 * of a URI (RFC 3986 Appendix C) and is dropped from the value but recorded for re-encoding.
 */
export const uri: ValueCodec<string> = {
  read(c, field) {
    const t = readTextString(c, field);
    const value = t.text.trim();
    if (value === t.text) return { value, form: t.form };
    const lead = t.text.slice(0, t.text.indexOf(value));
    return { value, form: { text: t.form, value, lead, trail: t.text.slice(lead.length + value.length) } };
  },
  write(w, v, form, field) {
    const f = form as (TextForm & { text?: TextForm; value?: string; lead?: string; trail?: string }) | undefined;
    if (f?.value !== undefined) {
      writeTextString(w, f.value === v ? `${f.lead ?? ''}${v}${f.trail ?? ''}` : v, f.text, field);
    } else writeTextString(w, v, f, field);
  },
};

export const longInteger: ValueCodec<number> = {
  read(c, field) {
    const v = readLongInteger(c, field);
    return { value: v.value, form: v.len };
  },
  write(w, v, form, field) {
    writeLongInteger(w, v, form as number | undefined, field);
  },
};

export const integerValue: ValueCodec<number> = {
  read(c, field) {
    const v = readIntegerValue(c, field);
    return { value: v.value, form: v.len };
  },
  write(w, v, form, field) {
    writeIntegerValue(w, v, form as number | undefined, field);
  },
};

/** Date-value: Long-integer seconds since 1970-01-01T00:00:00Z (WAP-230-WSP §8.4.2.13). */
export const date: ValueCodec<Date> = {
  read(c, field) {
    const v = readLongInteger(c, field);
    return { value: toDate(c, v.value, field), form: v.len };
  },
  write(w, v, form, field) {
    writeLongInteger(w, dateSeconds(v, field), form as number | undefined, field);
  },
};

/** The largest instant a JavaScript Date holds (ECMA-262 §21.4.1.1), in seconds. */
const MAX_DATE_SECONDS = 8.64e12;

export function toDate(c: Cursor, seconds: number, field: string): Date {
  if (seconds > MAX_DATE_SECONDS) c.fail(field, `date ${seconds} s beyond the representable range`);
  return new Date(seconds * 1000);
}

function dateSeconds(d: Date, field: string): number {
  const t = d.getTime();
  if (!Number.isFinite(t) || t < 0) throw encodeError(field, 'date out of range');
  return Math.floor(t / 1000);
}

/** MMS-Version (§7.3.34): Short-integer, major in bits 4–6, minor in bits 0–3 (0x0F: no minor). */
export const version: ValueCodec<string> = {
  read(c, field) {
    const v = readShortInteger(c, field);
    return { value: (v & 0x0f) === 0x0f ? `${v >> 4}` : `${v >> 4}.${v & 0x0f}` };
  },
  write(w, v, _form, field) {
    const m = /^(\d)(?:\.(\d{1,2}))?$/.exec(v);
    const major = Number(m?.[1]);
    const minor = m?.[2] === undefined ? 15 : Number(m[2]);
    if (!m || major > 7 || minor > 15) throw encodeError(field, `bad version ${JSON.stringify(v)}`);
    writeShortInteger(w, (major << 4) | minor, field);
  },
};

interface VlForm { readonly long: boolean; readonly inner?: unknown }

/** A Value-length-framed value: reads exactly the announced length (§7.2, WAP-230-WSP §8.4.2.2). */
function framed<T>(read: (v: Cursor, field: string) => { value: T; inner?: unknown }, write: (w: Writer, value: T, inner: unknown, field: string) => void): ValueCodec<T> {
  return {
    read(c, field) {
      const at = c.pos;
      const { len, long } = readValueLength(c, field);
      const v = c.sub(len, field);
      const r = read(v, field);
      if (v.remaining !== 0) c.fail(field, `${v.remaining} unexpected byte(s) inside the value`, at);
      return { value: r.value, form: { long, inner: r.inner } satisfies VlForm };
    },
    write(w, value, form, field) {
      const f = form as VlForm | undefined;
      const inner = new Writer();
      write(inner, value, f?.inner, field);
      const b = inner.finish();
      writeValueLength(w, b.length, f?.long);
      w.bytes(b);
    },
  };
}

/** From (§7.3): Value-length (Address-present-token Encoded-string-value | Insert-address-token). */
export const from = framed<MmsAddress | 'insert'>(
  (v, field) => {
    const at = v.pos;
    const t = v.u8(field);
    if (t === 129) return { value: 'insert' };
    if (t !== 128) v.fail(field, `unrecognised address token 0x${t.toString(16)}`, at);
    const a = address.read(v, field);
    return { value: a.value, inner: a.form };
  },
  (w, value, inner, field) => {
    if (value === 'insert') w.u8(129);
    else address.write(w.u8(128), value, inner, field);
  },
);

/** Expiry, Delivery-Time, Reply-Charging-Deadline (§7.3): Absolute-token Date-value | Relative-token Delta-seconds-value. */
export const time = framed<MmsTime>(
  (v, field) => {
    const at = v.pos;
    const t = v.u8(field);
    if (t === 128) {
      const d = readLongInteger(v, field);
      return { value: { kind: 'absolute', date: toDate(v, d.value, field) }, inner: d.len };
    }
    if (t !== 129) v.fail(field, `unrecognised time token 0x${t.toString(16)}`, at);
    const d = readIntegerValue(v, field);
    return { value: { kind: 'relative', seconds: d.value }, inner: d.len };
  },
  (w, value, inner, field) => {
    const len = inner as number | undefined;
    if (value.kind === 'absolute') writeLongInteger(w.u8(128), dateSeconds(value.date, field), len, field);
    else if (len === 0) writeIntegerValue(w.u8(129), value.seconds, 0, field);
    else writeLongInteger(w.u8(129), value.seconds, len, field);
  },
);

/** Previously-Sent-By (§7.3): Value-length Forwarded-count-value Encoded-string-value. */
export const previouslySentBy = framed<MmsPreviouslySentBy>(
  (v, field) => {
    const n = readIntegerValue(v, field);
    const a = address.read(v, field);
    return { value: { count: n.value, address: a.value }, inner: { n: n.len, a: a.form } };
  },
  (w, value, inner, field) => {
    const f = inner as { n: number; a: unknown } | undefined;
    writeIntegerValue(w, value.count, f?.n, field);
    address.write(w, value.address, f?.a, field);
  },
);

/** Previously-Sent-Date (§7.3): Value-length Forwarded-count-value Date-value. */
export const previouslySentDate = framed<MmsPreviouslySentDate>(
  (v, field) => {
    const n = readIntegerValue(v, field);
    const d = readLongInteger(v, field);
    return { value: { count: n.value, date: toDate(v, d.value, field) }, inner: { n: n.len, d: d.len } };
  },
  (w, value, inner, field) => {
    const f = inner as { n: number; d: number } | undefined;
    writeIntegerValue(w, value.count, f?.n, field);
    writeLongInteger(w, dateSeconds(value.date, field), f?.d, field);
  },
);

const FLAG_OPS = ['add', 'remove', 'filter'] as const;

/** MM-Flags (§7.3): Value-length (Add-token | Remove-token | Filter-token) Encoded-string-value. */
export const mmFlags = framed<MmsFlags>(
  (v, field) => {
    const at = v.pos;
    const op = FLAG_OPS[v.u8(field) - 128];
    if (op === undefined) return v.fail(field, 'unrecognised flag token', at);
    const e = readEncodedString(v, field);
    return { value: { op, keyword: e.text }, inner: e.form };
  },
  (w, value, inner, field) => {
    w.u8(128 + FLAG_OPS.indexOf(value.op));
    writeEncodedString(w, value.keyword, inner as EncodedStringForm | undefined, field);
  },
);

/** Mbox-Totals / Mbox-Quotas (§7.3): Value-length (Message-total-token | Size-total-token) Integer-value. */
export const mboxCount = framed<MmsMboxCount>(
  (v, field) => {
    const at = v.pos;
    const t = v.u8(field);
    if (t !== 128 && t !== 129) v.fail(field, 'unrecognised total token', at);
    const n = readIntegerValue(v, field);
    return { value: { unit: t === 128 ? 'message' : 'size', value: n.value }, inner: n.len };
  },
  (w, value, inner, field) => {
    writeIntegerValue(w.u8(value.unit === 'message' ? 128 : 129), value.value, inner as number | undefined, field);
  },
);

/** Message-Class (§7.3): Class-identifier (128–131) | Token-text. */
export function classCodec(table: Readonly<Record<number, string>>): ValueCodec<string> {
  const e = enumCodec(table);
  const known = new Set(Object.values(table));
  return {
    read(c, field) {
      const b = c.peek(field);
      if (b >= 0x80) return e.read(c, field);
      if (b < 0x20 || b === 0x7f) c.fail(field, `token-text expected, got 0x${b.toString(16)}`);
      const t = readTextString(c, field);
      return { value: t.text, form: { token: t.form } };
    },
    write(w, v, form, field) {
      const token = (form as { token?: TextForm } | undefined)?.token;
      if (token || !known.has(v)) {
        if (!/^[\x20-\x7e]/.test(v)) throw encodeError(field, `not a token: ${JSON.stringify(v)}`);
        writeTextString(w, v, token, field);
      } else e.write(w, v, undefined, field);
    },
  };
}

/** Attributes (§7.3): one field code (Short-integer) per occurrence. */
export function attributeCodec(nameOf: (code: number) => string | undefined, codeOf: (name: string) => number | undefined): ValueCodec<string> {
  return {
    read(c, field) {
      const code = readShortInteger(c, field);
      return { value: nameOf(code) ?? `0x${code.toString(16)}` };
    },
    write(w, v, _form, field) {
      const code = codeOf(v) ?? (/^0x[0-9a-f]+$/.test(v) ? parseInt(v, 16) : undefined);
      if (code === undefined) throw encodeError(field, `unknown attribute ${JSON.stringify(v)}`);
      writeShortInteger(w, code, field);
    },
  };
}
