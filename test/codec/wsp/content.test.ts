/**
 * Content types with parameters (WAP-230-WSP §8.4.2.24, §8.4.2.4), headers (§8.4.1, §8.4.2.6),
 * multipart (§8.5) and the connectionless push PDU (§8.2.4.1, WAP-251). Hand-built vectors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Cursor,
  decodeMultipart,
  decodePush,
  encodeMultipart,
  encodePush,
  encodeWith,
  formatContentType,
  guard,
  isMmsPush,
  makeHeader,
  readContentType,
  readHeaders,
  writeContentType,
  writeHeaders,
  MAX_ENTRY_HEADERS,
  MAX_PARTS,
  type ContentType,
} from '../../../src/codec/wsp/index.js';

const b = (...x: number[]): Uint8Array => Uint8Array.from(x);
const ascii = (s: string): number[] => [...Buffer.from(s, 'latin1')];

function ct(...bytes: number[]): ContentType {
  const c = new Cursor(b(...bytes));
  const v = readContentType(c);
  assert.equal(c.remaining, 0, 'content type consumed exactly');
  assert.deepEqual(encodeWith((w) => writeContentType(w, v)), b(...bytes), 're-encodes byte for byte');
  return v;
}

test('content type: well-known short form, textual form, general form with charset', () => {
  assert.equal(ct(0x83).mediaType, 'text/plain');
  assert.equal(ct(0xbe).mediaType, 'application/vnd.wap.mms-message');
  assert.equal(ct(...ascii('application/smil'), 0).mediaType, 'application/smil');
  const t = ct(0x03, 0x83, 0x81, 0xea);
  assert.deepEqual([t.mediaType, t.params], ['text/plain', { charset: 'utf-8' }]);
  assert.equal(formatContentType(t), 'text/plain;charset=utf-8');
});

test('content type: multipart/related with type and start (WSP 1.2 codes 0x09, 0x0A)', () => {
  const v = ct(0x1b, 0xb3, 0x89, ...ascii('application/smil'), 0, 0x8a, ...ascii('<SMIL>'), 0);
  assert.equal(v.mediaType, 'application/vnd.wap.multipart.related');
  assert.deepEqual(v.params, { type: 'application/smil', start: '<SMIL>' });
});

test('content type: WSP 1.4 text-value parameters (name 0x17, filename 0x18, start 0x19), untyped parameters', () => {
  const v = ct(0x1d, 0x9e, 0x97, 0x22, ...ascii('a b.jpg'), 0, 0x98, ...ascii('a.jpg'), 0, 0x99, 0x22, ...ascii('<x>'), 0, ...ascii('foo'), 0, 0x85);
  assert.equal(v.mediaType, 'image/jpeg');
  assert.deepEqual(v.params, { name: 'a b.jpg', filename: 'a.jpg', start: '<x>', foo: '5' });
  const any = ct(0x07, 0x83, 0x81, 0x80, ...ascii('n'), 0, 0x01, 0xff);
  assert.deepEqual(any.params, { charset: '*', n: '255' });
});

test('content type: parameters changed after decoding are re-encoded, the others kept', () => {
  const v = readContentType(new Cursor(b(0x1b, 0xb3, 0x89, ...ascii('application/smil'), 0, 0x8a, ...ascii('<SMIL>'), 0)));
  v.params.start = '<s2>';
  const again = readContentType(new Cursor(encodeWith((w) => writeContentType(w, v))));
  assert.deepEqual(again.params, { type: 'application/smil', start: '<s2>' });
  const fresh = encodeWith((w) => writeContentType(w, { mediaType: 'text/plain', params: { charset: 'utf-8', name: 'a.txt' } }));
  assert.deepEqual(fresh, b(0x0a, 0x83, 0x81, 0xea, 0x85, ...ascii('a.txt'), 0));
});

test('content type: errors name the field and offset', () => {
  const r = guard('ct', () => readContentType(new Cursor(b(0x05, 0x83, 0x81)), 'Content-Type'));
  assert.ok(!r.ok);
  assert.equal(r.error.field, 'Content-Type');
  assert.equal(r.error.offset, 0);
  assert.equal(r.error.code, 'CODEC_TRUNCATED');
});

test('headers: Content-ID, Content-Location, application header, unknown well-known field, shift sequence', () => {
  const bytes = b(
    0xc0, 0x22, ...ascii('<img1>'), 0, // Content-ID (0x40) Quoted-string
    0x8e, ...ascii('img1.jpg'), 0, // Content-Location (0x0E)
    ...ascii('X-Custom'), 0, ...ascii('v'), 0, // application header
    0xcf, 0x02, 0x01, 0x02, // field 0x4F (not assigned): Value-length value kept raw
    0x7f, 0x02, // Shift-delimiter + page 2
  );
  const hs = readHeaders(new Cursor(bytes));
  assert.deepEqual(hs.map((h) => [h.name, h.value]), [
    ['Content-ID', '<img1>'],
    ['Content-Location', 'img1.jpg'],
    ['X-Custom', 'v'],
    ['X-Wsp-Header-0x4f', '258'], // Value-length 2 + octets reads as a Long-integer
    ['Shift-Sequence', '7f02'],
  ]);
  assert.deepEqual(encodeWith((w) => writeHeaders(w, hs)), bytes);
  assert.deepEqual(makeHeader('Content-ID', '<a>').raw, b(0x22, ...ascii('<a>'), 0));
  assert.deepEqual(makeHeader('X-Wap-Application-Id', 'x-wap-application:mms.ua').raw, b(0x84));
});

test('multipart (§8.5): entries decode as views and re-encode byte for byte', () => {
  const bytes = b(
    0x02,
    0x01, 0x03, 0x83, ...ascii('abc'),
    0x07, 0x02, 0x9e, 0xc0, 0x22, ...ascii('<i>'), 0, 0xff, 0xd8,
  );
  const r = decodeMultipart(bytes);
  assert.ok(r.ok);
  const [e0, e1] = r.value.entries;
  assert.ok(e0 && e1);
  assert.equal(e0.contentType.mediaType, 'text/plain');
  assert.deepEqual(Buffer.from(e0.body).toString(), 'abc');
  assert.equal(e0.body.buffer, bytes.buffer);
  assert.equal(e0.body.byteOffset, 4);
  assert.equal(e1.headers[0]?.value, '<i>');
  assert.deepEqual(encodeMultipart(r.value.entries), bytes);
});

test('multipart: announced sizes are checked before anything is built', () => {
  const huge = decodeMultipart(b(0x8f, 0xff, 0xff, 0xff, 0x7f, 0x00));
  assert.ok(!huge.ok);
  assert.equal(huge.error.code, 'CODEC_LIMIT');
  const over = decodeMultipart(b(0x01, 0x01, 0x8f, 0xff, 0xff, 0xff, 0x7f, 0x83));
  assert.ok(!over.ok);
  assert.equal(over.error.code, 'CODEC_TRUNCATED');
  assert.equal(over.error.field, 'multipart[0]');
});

/** A push as an MMSC sends it: textual content type, X-Wap-Application-Id 0x04 (WAP-251 §6.2.2.1). */
const MMS_BODY = [0x8c, 0x82, 0x98, ...ascii('T1'), 0, 0x8d, 0x90];
const PUSH = b(0x01, 0x06, 0x22, ...ascii('application/vnd.wap.mms-message'), 0, 0xaf, 0x84, ...MMS_BODY);

test('push (§8.2.4.1): TID, PDU type, headers, application id, body view', () => {
  const r = decodePush(PUSH);
  assert.ok(r.ok);
  const p = r.value;
  assert.equal(p.transactionId, 1);
  assert.equal(p.pduType, 0x06);
  assert.equal(p.contentType.mediaType, 'application/vnd.wap.mms-message');
  assert.equal(p.applicationId, 4);
  assert.deepEqual(p.headers.map((h) => [h.name, h.value]), [['X-Wap-Application-Id', 'x-wap-application:mms.ua']]);
  assert.ok(isMmsPush(p));
  assert.deepEqual(p.body, b(...MMS_BODY));
  assert.equal(p.body.buffer, PUSH.buffer);
  assert.deepEqual(encodePush(p), PUSH);
});

test('push: built from scratch, URN application id, ConfirmedPush', () => {
  const built = encodePush({
    transactionId: 1, pduType: 0x06, headers: [], applicationId: 'x-wap-application:mms.ua',
    contentType: { mediaType: 'application/vnd.wap.mms-message', params: {} }, body: b(...MMS_BODY),
  });
  assert.deepEqual(built, b(0x01, 0x06, 0x03, 0xbe, 0xaf, 0x84, ...MMS_BODY));
  const urn = encodePush({
    transactionId: 9, pduType: 0x07, headers: [], applicationId: 'urn:x-example:app',
    contentType: { mediaType: 'text/plain', params: {} }, body: b(0x41),
  });
  // By hand (WAP-230-WSP §8.2.4.1): TID 09, ConfirmedPush 07, HeadersLen 20, text/plain (0x03 | 0x80),
  // X-Wap-Application-Id (0x2F | 0x80) as Text-string (WAP-251 §6.2.2.1: a URN), data 'A'.
  assert.deepEqual(urn, b(0x09, 0x07, 0x14, 0x83, 0xaf, ...Buffer.from('urn:x-example:app\0', 'latin1'), 0x41));
  const r = decodePush(urn);
  assert.ok(r.ok);
  assert.deepEqual([r.value.pduType, r.value.applicationId, isMmsPush(r.value)], [0x07, 'urn:x-example:app', false]);
});

test('push: wrong PDU type and truncated headers are typed errors', () => {
  const t = decodePush(b(0x01, 0x40, 0x00));
  assert.ok(!t.ok);
  assert.deepEqual([t.error.field, t.error.offset], ['push.PDU-Type', 1]);
  const h = decodePush(b(0x01, 0x06, 0x10, 0xbe));
  assert.ok(!h.ok);
  assert.equal(h.error.code, 'CODEC_TRUNCATED');
  assert.equal(h.error.field, 'push.Headers');
});

test('limits: more multipart entries or entry headers than MAX_PARTS / MAX_ENTRY_HEADERS are refused', () => {
  const entries = new Uint8Array(2 + (MAX_PARTS + 1) * 3);
  entries.set([0x80 | ((MAX_PARTS + 1) >> 7), (MAX_PARTS + 1) & 0x7f]);
  for (let i = 0; i < MAX_PARTS + 1; i++) entries.set([0x01, 0x00, 0x83], 2 + i * 3);
  const r = decodeMultipart(entries);
  assert.ok(!r.ok);
  assert.deepEqual([r.error.code, r.error.field], ['CODEC_LIMIT', 'multipart.nEntries']);
  const ok = decodeMultipart(entries.subarray(0, 2 + MAX_PARTS * 3).map((x, i) => (i === 0 ? 0x80 | (MAX_PARTS >> 7) : i === 1 ? MAX_PARTS & 0x7f : x)));
  assert.ok(ok.ok);
  assert.equal(ok.value.entries.length, MAX_PARTS);
  const headers = Array.from({ length: MAX_ENTRY_HEADERS + 1 }, () => [0x9f, 0x85]).flat();
  const many = readHeadersResult(Uint8Array.from(headers));
  assert.equal(many, 'CODEC_LIMIT');
  assert.equal(readHeadersResult(Uint8Array.from(headers.slice(2))), MAX_ENTRY_HEADERS);
});

function readHeadersResult(bytes: Uint8Array): string | number {
  const r = guard('h', () => readHeaders(new Cursor(bytes)));
  return r.ok ? r.value.length : r.error.code;
}
