/**
 * WSP basic rules and encoded strings (WAP-230-WSP §8.1.2, §8.4.2.1–§8.4.2.3;
 * OMA-TS-MMS_ENC §7.2.9), hand-built vectors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DecodeError } from '../../../src/util/errors.js';
import {
  Cursor,
  Writer,
  encodeWith,
  guard,
  readEncodedString,
  readIntegerValue,
  readLongInteger,
  readQuotedString,
  readShortInteger,
  readTextString,
  readValueLength,
  writeEncodedString,
  writeIntegerValue,
  writeLongInteger,
  writeTextString,
  writeValueLength,
  decodeText,
  encodeText,
  charsetMib,
  charsetName,
} from '../../../src/codec/wsp/index.js';

const b = (...x: number[]): Uint8Array => Uint8Array.from(x);
const ascii = (s: string): number[] => [...Buffer.from(s, 'latin1')];
const cur = (...x: number[]): Cursor => new Cursor(b(...x));

function decodeErr<T>(fn: () => T): DecodeError {
  const r = guard('test', fn);
  assert.equal(r.ok, false, 'expected a DecodeError');
  return (r as { error: DecodeError }).error;
}

test('uintvar (§8.1.2): 7 bits per octet, at most 5 octets and 32 bits', () => {
  assert.equal(cur(0x00).uintvar('u'), 0);
  assert.equal(cur(0x7f).uintvar('u'), 127);
  assert.equal(cur(0x81, 0x00).uintvar('u'), 128);
  assert.equal(cur(0x8f, 0xff, 0xff, 0xff, 0x7f).uintvar('u'), 0xffffffff);
  assert.equal(decodeErr(() => cur(0x90, 0x80, 0x80, 0x80, 0x00).uintvar('u')).code, 'CODEC_INVALID');
  const long = decodeErr(() => cur(0x80, 0x80, 0x80, 0x80, 0x80, 0x01).uintvar('u'));
  assert.match(long.message, /longer than 5 octets/);
  const t = decodeErr(() => cur(0x81).uintvar('X-Len'));
  assert.equal(t.code, 'CODEC_TRUNCATED');
  assert.equal(t.field, 'X-Len');
  assert.equal(t.offset, 1);
  for (const v of [0, 1, 127, 128, 16383, 16384, 2 ** 21, 0xffffffff]) {
    const bytes = new Writer().uintvar(v).finish();
    assert.equal(new Cursor(bytes).uintvar('u'), v);
  }
  assert.deepEqual(new Writer().uintvar(300).finish(), b(0x82, 0x2c));
});

test('short-integer, long-integer, integer-value (§8.4.2.1, §8.4.2.3)', () => {
  assert.equal(readShortInteger(cur(0x85), 'f'), 5);
  assert.equal(decodeErr(() => readShortInteger(cur(0x05), 'f')).code, 'CODEC_INVALID');
  assert.deepEqual(readLongInteger(cur(0x02, 0x01, 0x00), 'f'), { value: 256, len: 2 });
  assert.deepEqual(readLongInteger(cur(0x04, 0x4d, 0xe8, 0xee, 0xc3), 'f'), { value: 0x4de8eec3, len: 4 });
  assert.match(decodeErr(() => readLongInteger(cur(0x00), 'f')).message, /length 0/);
  assert.equal(decodeErr(() => readLongInteger(cur(0x03, 0x01), 'f')).code, 'CODEC_TRUNCATED');
  assert.match(decodeErr(() => readLongInteger(cur(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 'f')).message, /2\^53/);
  assert.deepEqual(readIntegerValue(cur(0x8a), 'f'), { value: 10, len: 0 });
  assert.deepEqual(readIntegerValue(cur(0x01, 0x0a), 'f'), { value: 10, len: 1 });
  assert.deepEqual(encodeWith((w) => writeIntegerValue(w, 10)), b(0x8a));
  assert.deepEqual(encodeWith((w) => writeIntegerValue(w, 10, 1)), b(0x01, 0x0a), 'recorded long form kept');
  assert.deepEqual(encodeWith((w) => writeIntegerValue(w, 200)), b(0x01, 0xc8));
  assert.deepEqual(encodeWith((w) => writeLongInteger(w, 0x4de8eec3)), b(0x04, 0x4d, 0xe8, 0xee, 0xc3));
  assert.deepEqual(encodeWith((w) => writeLongInteger(w, 5, 3)), b(0x03, 0x00, 0x00, 0x05), 'recorded padding kept');
});

test('text-string, quoted-string (§8.4.2.1): Quote before 8-bit text, NUL terminator', () => {
  assert.deepEqual(readTextString(cur(...ascii('abc'), 0), 'f'), { text: 'abc', form: {} });
  const q = readTextString(cur(0x7f, 0xc3, 0xa9, 0), 'f');
  assert.deepEqual(q, { text: 'é', form: { quoted: true } });
  assert.deepEqual(encodeWith((w) => writeTextString(w, 'é')), b(0x7f, 0xc3, 0xa9, 0));
  const l1 = readTextString(cur(0xe9, 0x74, 0xe9, 0), 'f');
  assert.equal(l1.text, 'été');
  assert.deepEqual(l1.form, { latin1: true, bare: true });
  assert.deepEqual(encodeWith((w) => writeTextString(w, l1.text, l1.form)), b(0xe9, 0x74, 0xe9, 0), 'ISO-8859-1 octets come back');
  assert.equal(decodeErr(() => readTextString(cur(0x61, 0x62), 'Subject')).code, 'CODEC_TRUNCATED');
  assert.deepEqual(readQuotedString(cur(0x22, ...ascii('<a>'), 0), 'f'), { text: '<a>', latin1: false });
  assert.throws(() => encodeWith((w) => writeTextString(w, 'a\0b')), /NUL/);
});

test('value-length (§8.4.2.2): short-length, length-quote + uintvar, checked against the input', () => {
  assert.deepEqual(readValueLength(cur(0x02, 1, 2), 'f'), { len: 2, long: false });
  const big = new Uint8Array(3 + 200);
  big.set([0x1f, 0x81, 0x48]);
  assert.deepEqual(readValueLength(new Cursor(big), 'f'), { len: 200, long: true });
  const e = decodeErr(() => readValueLength(cur(0x1f, 0x8f, 0xff, 0xff, 0xff, 0x7f, 0), 'Subject'));
  assert.equal(e.code, 'CODEC_TRUNCATED');
  assert.equal(e.offset, 0);
  assert.deepEqual(encodeWith((w) => writeValueLength(w, 30)), b(30));
  assert.deepEqual(encodeWith((w) => writeValueLength(w, 31)), b(0x1f, 31));
  assert.deepEqual(encodeWith((w) => writeValueLength(w, 3, true)), b(0x1f, 3));
});

/** Encoded-string-value vectors: Value-length Char-set Text-string, MIBenum charsets. */
const CHARSET_VECTORS: ReadonlyArray<{ name: string; charset: string; bytes: number[]; text: string }> = [
  { name: 'utf-8 (106)', charset: 'utf-8', bytes: [0x05, 0xea, 0x68, 0xc3, 0xa9, 0x00], text: 'hé' },
  { name: 'us-ascii (3)', charset: 'us-ascii', bytes: [0x04, 0x83, 0x61, 0x62, 0x00], text: 'ab' },
  { name: 'iso-8859-1 (4), quoted', charset: 'iso-8859-1', bytes: [0x06, 0x84, 0x7f, 0xe9, 0x74, 0xe9, 0x00], text: 'été' },
  { name: 'iso-8859-7 (10)', charset: 'iso-8859-7', bytes: [0x05, 0x8a, 0x7f, 0xd9, 0xec, 0x00], text: 'Ωμ' },
  { name: 'utf-16 (1015) with BE BOM', charset: 'utf-16', bytes: [0x0a, 0x02, 0x03, 0xf7, 0xfe, 0xff, 0x00, 0x48, 0x00, 0x69, 0x00], text: 'Hi' },
  { name: 'utf-16 (1015) with LE BOM', charset: 'utf-16', bytes: [0x0b, 0x02, 0x03, 0xf7, 0x7f, 0xff, 0xfe, 0x48, 0x00, 0x69, 0x00, 0x00], text: 'Hi' },
  { name: 'shift_jis (17)', charset: 'shift_jis', bytes: [0x09, 0x91, 0x7f, 0x83, 0x65, 0x83, 0x58, 0x83, 0x67, 0x00], text: 'テスト' },
  { name: 'gbk (113)', charset: 'gbk', bytes: [0x07, 0xf1, 0x7f, 0xd6, 0xd0, 0xce, 0xc4, 0x00], text: '中文' },
  { name: 'gb2312 (2025)', charset: 'gb2312', bytes: [0x08, 0x02, 0x07, 0xe9, 0xd6, 0xd0, 0xce, 0xc4, 0x00], text: '中文' },
  { name: 'big5 (2026)', charset: 'big5', bytes: [0x08, 0x02, 0x07, 0xea, 0xa4, 0xa4, 0xa4, 0xe5, 0x00], text: '中文' },
];

for (const v of CHARSET_VECTORS) {
  test(`encoded-string-value ${v.name}: decodes and re-encodes byte for byte`, () => {
    const e = readEncodedString(new Cursor(b(...v.bytes)), 'Subject');
    assert.equal(e.text, v.text);
    assert.equal(e.charset, v.charset);
    assert.deepEqual(encodeWith((w) => writeEncodedString(w, e.text, e.form)), b(...v.bytes));
  });
}

test('encoded-string-value: plain text-string, any-charset, unknown MIBenum, changed text', () => {
  const plain = readEncodedString(cur(...ascii('Hello'), 0), 'Subject');
  assert.equal(plain.text, 'Hello');
  assert.equal(plain.charset, undefined);
  const any = readEncodedString(cur(0x03, 0x80, 0x61, 0x00), 'Subject');
  assert.equal(any.charset, '*');
  assert.deepEqual(encodeWith((w) => writeEncodedString(w, any.text, any.form)), b(0x03, 0x80, 0x61, 0x00));
  const unknown = readEncodedString(cur(0x05, 0x02, 0x27, 0x0f, 0x61, 0x00), 'Subject');
  assert.equal(unknown.charset, 'mib:9999');
  assert.equal(unknown.text, 'a');
  // Text changed after decoding shift_jis: Node cannot encode shift_jis, so it becomes UTF-8.
  const sj = readEncodedString(new Cursor(b(0x09, 0x91, 0x7f, 0x83, 0x65, 0x83, 0x58, 0x83, 0x67, 0x00)), 'Subject');
  const again = readEncodedString(new Cursor(encodeWith((w) => writeEncodedString(w, 'テスト2', sj.form))), 'Subject');
  assert.deepEqual([again.text, again.charset], ['テスト2', 'utf-8']);
  // From scratch: ASCII as a Text-string, anything else as UTF-8 with its charset.
  assert.deepEqual(encodeWith((w) => writeEncodedString(w, 'Hi')), b(0x48, 0x69, 0x00));
  assert.deepEqual(encodeWith((w) => writeEncodedString(w, 'é')), b(0x05, 0xea, 0x7f, 0xc3, 0xa9, 0x00));
  assert.match(decodeErr(() => readEncodedString(cur(0x04, 0xea, 0x61, 0x00, 0x62), 'Subject')).message, /NUL inside/);
  // UTF-16 terminated by a two-octet NUL: both octets are the terminator, not text.
  const u16 = readEncodedString(cur(0x09, 0x02, 0x03, 0xf7, 0xfe, 0xff, 0x00, 0x48, 0x00, 0x00), 'Subject');
  assert.equal(u16.text, 'H');
  assert.deepEqual(encodeWith((w) => writeEncodedString(w, u16.text, u16.form)), b(0x09, 0x02, 0x03, 0xf7, 0xfe, 0xff, 0x00, 0x48, 0x00, 0x00));
});

test('charset table and text codecs (IANA MIBenum)', () => {
  assert.equal(charsetName(106), 'utf-8');
  assert.equal(charsetName(2026), 'big5');
  assert.equal(charsetMib('UTF8'), 106);
  assert.equal(charsetMib('Shift-JIS'), 17);
  assert.equal(decodeText(b(0xef, 0xbb, 0xbf, 0x41), 'utf-8'), 'A', 'UTF-8 BOM dropped');
  assert.equal(decodeText(b(0x00, 0x41), 'utf-16'), 'A', 'UTF-16 without BOM is big-endian (RFC 2781)');
  assert.equal(decodeText(b(0xe9), 'no-such-charset'), 'é', 'unknown charset: UTF-8 if valid, else Latin-1');
  assert.deepEqual(encodeText('é', 'us-ascii'), undefined);
  assert.deepEqual(encodeText('A', 'utf-16be'), b(0x00, 0x41));
  assert.equal(encodeText('中', 'big5'), undefined);
});
