/**
 * MMS PDUs of every type (OMA-TS-MMS_ENC §6) and every header field of 1.3 (§7.3): hand-built
 * byte vectors, builders, and encode → decode of fully populated PDUs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildAcknowledgeInd,
  buildNotificationInd,
  buildNotifyRespInd,
  buildSendReq,
  decodeMms,
  encodeMms,
  partText,
  smilPart,
  type MmsPdu,
} from '../../../src/codec/mms/index.js';
import { MAX_HEADERS } from '../../../src/codec/wsp/index.js';
import * as S from './samples.js';

const b = (...x: number[]): Uint8Array => Uint8Array.from(x);
const ascii = (s: string): number[] => [...Buffer.from(s, 'latin1')];

function decode(bytes: Uint8Array): MmsPdu {
  const r = decodeMms(bytes);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

/** Encode, decode, and compare every field except the encoding record. */
function roundTrip(pdu: MmsPdu): MmsPdu {
  const bytes = encodeMms(pdu);
  const back = decode(bytes);
  const { wire: _w, ...rest } = back;
  const strip = (p: MmsPdu): unknown => JSON.parse(JSON.stringify({ ...p, wire: undefined, parts: p.parts.map((x) => ({ ...x, headers: undefined, contentTypeForm: undefined, body: Buffer.from(x.body).toString('hex') })), unknownHeaders: p.unknownHeaders.map((h) => ({ ...h, raw: Buffer.from(h.raw).toString('hex') })), contentType: p.contentType ? { ...p.contentType, form: undefined } : undefined }));
  assert.deepEqual(strip(rest as MmsPdu), strip(pdu));
  assert.deepEqual(encodeMms(back), bytes, 'decoded PDU re-encodes identically');
  return back;
}

test('m-notifyresp-ind (§6.2, Table 3): hand-built bytes', () => {
  const bytes = b(0x8c, 0x83, 0x98, ...ascii('abc'), 0, 0x8d, 0x92, 0x95, 0x81, 0x91, 0x80);
  const p = decode(bytes);
  assert.deepEqual([p.messageType, p.transactionId, p.mmsVersion, p.status, p.reportAllowed], ['m-notifyresp-ind', 'abc', '1.2', 'retrieved', true]);
  assert.deepEqual(encodeMms(buildNotifyRespInd('abc', 'retrieved', true)), bytes);
});

test('m-acknowledge-ind (§6.4) and m-send-conf (§6.1.2): builders give canonical bytes', () => {
  assert.deepEqual(encodeMms(buildAcknowledgeInd('t1')), b(0x8c, 0x85, 0x98, ...ascii('t1'), 0, 0x8d, 0x92));
  const conf = S.sendConfSample(); // also dissected by tshark: pdus-tshark.test.ts
  const back = roundTrip(conf);
  assert.equal(back.responseStatus, 'error-permanent-message-format-corrupt');
  assert.deepEqual(encodeMms(conf).subarray(-7), b(0x92, 0xe2, 0x93, ...ascii('bad'), 0));
});

test('m-notification-ind (§6.2): builder, relative and absolute expiry (§7.3)', () => {
  const n = S.notificationSample(); // also dissected by tshark: pdus-tshark.test.ts
  const back = roundTrip(n);
  assert.equal(back.from?.raw, '+33612345678/TYPE=PLMN');
  assert.deepEqual(back.expiry, { kind: 'relative', seconds: 259200 });
  const bytes = encodeMms(n);
  assert.ok(Buffer.from(bytes).includes(Buffer.from([0x88, 0x05, 0x81, 0x03, 0x03, 0xf4, 0x80])), 'Expiry: Value-length Relative-token Long-integer');
  const abs = buildNotificationInd({ transactionId: 'n2', contentLocation: 'u', messageSize: 1, expiry: new Date(Date.UTC(2011, 4, 27, 8, 39, 58)) });
  assert.deepEqual(roundTrip(abs).expiry, { kind: 'absolute', date: new Date(Date.UTC(2011, 4, 27, 8, 39, 58)) });
});

test('m-send-req (§6.1.1): SMIL makes multipart/related with start and type; text parts decode by charset', () => {
  const req = S.sendReqSample(); // also dissected by tshark: pdus-tshark.test.ts
  assert.equal(req.fromInsertAddress, true);
  const back = roundTrip(req);
  assert.equal(back.contentType?.mediaType, 'application/vnd.wap.multipart.related');
  assert.deepEqual(back.contentType?.params, { start: '<smil>', type: 'application/smil' });
  assert.equal(smilPart(back)?.contentId, '<smil>');
  assert.equal(partText(back.parts[1] as never), 'héllo');
  assert.deepEqual(back.to.map((a) => a.type), ['PLMN', 'email']);
  assert.equal(back.subject, 'Ünïcode');
  const mixed = buildSendReq({ transactionId: 's2', to: ['+1'], parts: [{ contentType: 'text/plain', body: 'x' }] });
  assert.equal(roundTrip(mixed).contentType?.mediaType, 'application/vnd.wap.multipart.mixed');
});

test('m-retrieve-conf (§6.3), m-delivery-ind (§6.6), m-read-rec-ind / m-read-orig-ind (§6.7)', () => {
  // The same PDUs are dissected by tshark in pdus-tshark.test.ts.
  const date = S.SAMPLE_DATE;
  const rc = roundTrip(S.retrieveConfSample());
  assert.deepEqual([rc.messageType, rc.retrieveStatus, rc.date?.getTime()], ['m-retrieve-conf', 'ok', date.getTime()]);
  const di = roundTrip(S.deliveryIndSample());
  assert.deepEqual([di.messageType, di.status], ['m-delivery-ind', 'retrieved']);
  const rr = roundTrip(S.readRecSample());
  assert.deepEqual([rr.messageType, rr.fromInsertAddress, rr.readStatus], ['m-read-rec-ind', true, 'read']);
  const ro = roundTrip(S.readOrigSample());
  assert.deepEqual([ro.messageType, ro.readStatus], ['m-read-orig-ind', 'deleted-without-being-read']);
});

const base = S.base;

test('m-forward-req / m-forward-conf and the MMS 1.3 mbox and cancel PDUs round-trip', () => {
  // forward-req, forward-conf and cancel-req are also dissected by tshark (pdus-tshark.test.ts).
  roundTrip(S.forwardReqSample());
  roundTrip(S.forwardConfSample());
  const view = base('m-mbox-view-req');
  Object.assign(view, { transactionId: 'v', attributes: ['Subject', 'Date'], totals: true, quotas: true, start: 0, limit: 20, mmState: 'draft' });
  assert.deepEqual(roundTrip(view).attributes, ['Subject', 'Date']);
  const vc = base('m-mbox-view-conf');
  Object.assign(vc, { transactionId: 'v', responseStatus: 'ok', mboxTotals: { unit: 'message', value: 3 }, mboxQuotas: { unit: 'size', value: 100000 }, messageCount: 3 });
  roundTrip(vc);
  roundTrip(S.cancelReqSample());
  const cc = base('m-cancel-conf');
  Object.assign(cc, { transactionId: 'c', cancelStatus: 'cancel-request-corrupted' });
  roundTrip(cc);
  for (const t of ['m-mbox-store-req', 'm-mbox-store-conf', 'm-mbox-upload-req', 'm-mbox-upload-conf', 'm-mbox-delete-req', 'm-mbox-delete-conf', 'm-mbox-descr', 'm-delete-req', 'm-delete-conf'] as const) {
    const p = base(t);
    p.transactionId = t;
    assert.equal(roundTrip(p).messageType, t);
  }
});

test('every 1.3 header field survives encode → decode', () => {
  // The same PDU is dissected by tshark in pdus-tshark.test.ts.
  const p = S.everyFieldSample();
  const back = roundTrip(p);
  assert.equal(back.mmFlags?.keyword, 'ключ');
  assert.equal(back.previouslySentBy[1]?.address.type, 'email');
});

test('unknown fields, application headers and unrecognised values are kept in order (§7.1)', () => {
  const bytes = b(
    0x8c, 0x84, 0x98, ...ascii('t'), 0, 0x8d, 0x93,
    0x8f, 0x85, // X-Mms-Priority with an unassigned value
    0xc0, 0x01, 0x07, // field 0x40: not in the 1.3 table
    ...ascii('X-Extra'), 0, ...ascii('1'), 0, // application header
    0x96, ...ascii('s'), 0,
    0x96, ...ascii('again'), 0, // a second Subject
    0x92, 0xc5, // Response-Status in the transient range, unassigned
  );
  const p = decode(bytes);
  assert.equal(p.priority, undefined);
  assert.equal(p.subject, 's');
  assert.equal(p.responseStatus, 'error-transient-0xc5');
  assert.deepEqual(p.unknownHeaders.map((h) => [h.name, h.reason]), [
    ['X-Mms-Priority', 'unrecognised-value'],
    ['X-Mms-Field-0x40', 'unknown-field'],
    ['X-Extra', 'application-header'],
    ['Subject', 'unrecognised-value'],
  ]);
  assert.deepEqual(encodeMms(p), bytes);
});

test('From with Insert-address-token, 1.0 PDU without a body, single-part body', () => {
  const bytes = b(0x8c, 0x80, 0x98, ...ascii('q'), 0, 0x8d, 0x90, 0x89, 0x01, 0x81, 0x97, ...ascii('+1/TYPE=PLMN'), 0, 0x84, 0x83, ...ascii('hello'));
  const p = decode(bytes);
  assert.equal(p.fromInsertAddress, true);
  assert.equal(p.from, undefined);
  assert.equal(p.parts.length, 1);
  assert.equal(partText(p.parts[0] as never), 'hello');
  assert.equal(p.parts[0]?.body.buffer, bytes.buffer);
  assert.deepEqual(encodeMms(p), bytes);
});

test('malformed PDUs are DecodeErrors naming field and offset', () => {
  const cases: Array<[Uint8Array, string, number]> = [
    [b(), 'X-Mms-Message-Type', 0],
    [b(0x98, ...ascii('t'), 0), 'X-Mms-Message-Type', 0],
    [b(0x8c, 0xa0), 'X-Mms-Message-Type', 1],
    [b(0x8c, 0x84, 0x98, 0x61), 'X-Mms-Transaction-Id', 3],
    [b(0x8c, 0x84, 0x05), 'header', 2],
    [b(0x8c, 0x84, 0x84, 0xa3, 0x8f, 0xff, 0xff, 0xff, 0x7f), 'body.nEntries', 4],
  ];
  for (const [bytes, field, offset] of cases) {
    const r = decodeMms(bytes);
    assert.ok(!r.ok, `expected an error for ${Buffer.from(bytes).toString('hex')}`);
    assert.deepEqual([r.error.field, r.error.offset], [field, offset], r.error.message);
  }
});

test('a PDU of more than MAX_HEADERS header fields is refused with CODEC_LIMIT', () => {
  const fields = (n: number): Uint8Array => Uint8Array.from([0x8c, 0x84, ...Array.from({ length: n }, () => [0x8f, 0x81]).flat()]);
  const ok = decodeMms(fields(MAX_HEADERS - 1));
  assert.ok(ok.ok);
  assert.equal(ok.value.priority, 'normal');
  const r = decodeMms(fields(MAX_HEADERS));
  assert.ok(!r.ok);
  assert.deepEqual([r.error.code, r.error.field, r.error.offset], ['CODEC_LIMIT', 'header', 2 * MAX_HEADERS]);
});

test('encoding rejects values that cannot be encoded', () => {
  const p = buildNotifyRespInd('a\u0000b');
  assert.throws(() => encodeMms(p), { code: 'CODEC_ENCODE_INVALID' });
  const q = buildNotifyRespInd('t');
  q.mmsVersion = '9.1';
  assert.throws(() => encodeMms(q), /bad version/);
});

test('encoded-string header values in other charsets: Shift_JIS subject, UTF-16 sender (§7.2.9)', () => {
  const vl = (n: number): number[] => (n <= 30 ? [n] : [0x1f, n]); // Value-length, n < 128
  const text = [0xfe, 0xff, ...[...'+81/TYPE=PLMN'].flatMap((c) => [0x00, c.charCodeAt(0)])];
  const enc = [0x02, 0x03, 0xf7, ...text, 0x00]; // MIBenum 1015 (Long-integer), text, NUL
  const addr = [0x80, ...vl(enc.length), ...enc]; // Address-present-token Encoded-string-value
  const bytes = b(
    0x8c, 0x84, 0x98, ...ascii('j'), 0, 0x8d, 0x92,
    0x89, ...vl(addr.length), ...addr,
    0x96, 0x09, 0x91, 0x7f, 0x83, 0x65, 0x83, 0x58, 0x83, 0x67, 0x00,
  );
  const p = decode(bytes);
  assert.equal(p.subject, 'テスト');
  assert.equal(p.from?.raw, '+81/TYPE=PLMN');
  assert.equal(p.from?.number, '+81');
  assert.deepEqual(encodeMms(p), bytes);
});

/** Hand-built PDUs, one per type, with the values the PDU tables of §6 define. */
const DATE = [0x04, 0x5f, 0x5e, 0x10, 0x00]; // Long-integer 1600000000 = 2020-09-13T12:26:40Z
const VECTORS: ReadonlyArray<{ name: string; bytes: number[]; expect: Record<string, unknown> }> = [
  { name: 'm-send-conf (§6.1.2)', bytes: [0x8c, 0x81, 0x98, ...ascii('t'), 0, 0x8d, 0x92, 0x92, 0x80, 0x8b, ...ascii('mid'), 0], expect: { responseStatus: 'ok', messageId: 'mid' } },
  {
    name: 'm-notification-ind (§6.2)',
    bytes: [0x8c, 0x82, 0x98, ...ascii('t'), 0, 0x8d, 0x92, 0x89, 0x04, 0x80, ...ascii('+1'), 0, 0x8a, 0x80, 0x8e, 0x02, 0x10, 0x00, 0x88, 0x05, 0x81, 0x03, 0x01, 0x51, 0x80, 0x83, ...ascii('http://a'), 0],
    expect: { messageClass: 'personal', messageSize: 4096, expiry: { kind: 'relative', seconds: 86400 }, contentLocation: 'http://a' },
  },
  { name: 'm-delivery-ind (§6.6)', bytes: [0x8c, 0x86, 0x8d, 0x92, 0x8b, ...ascii('m'), 0, 0x97, ...ascii('+1/TYPE=PLMN'), 0, 0x85, ...DATE, 0x95, 0x81], expect: { messageId: 'm', status: 'retrieved', date: new Date(1600000000000) } },
  { name: 'm-read-rec-ind (§6.7.2)', bytes: [0x8c, 0x87, 0x8d, 0x92, 0x8b, ...ascii('m'), 0, 0x97, ...ascii('+2/TYPE=PLMN'), 0, 0x89, 0x01, 0x81, 0x85, ...DATE, 0x9b, 0x80], expect: { fromInsertAddress: true, readStatus: 'read' } },
  {
    name: 'm-read-orig-ind (§6.7.2)',
    bytes: [0x8c, 0x88, 0x8d, 0x92, 0x8b, ...ascii('m'), 0, 0x97, ...ascii('+2/TYPE=PLMN'), 0, 0x89, 0x0e, 0x80, ...ascii('+1/TYPE=PLMN'), 0, 0x85, ...DATE, 0x9b, 0x81],
    expect: { readStatus: 'deleted-without-being-read', date: new Date(1600000000000) },
  },
  { name: 'm-forward-req (§6.5.1)', bytes: [0x8c, 0x89, 0x98, ...ascii('f'), 0, 0x8d, 0x92, 0x89, 0x01, 0x81, 0x97, ...ascii('a@b.c'), 0, 0x83, ...ascii('http://x'), 0], expect: { contentLocation: 'http://x' } },
  { name: 'm-forward-conf (§6.5.2)', bytes: [0x8c, 0x8a, 0x98, ...ascii('f'), 0, 0x8d, 0x92, 0x92, 0x80, 0x8b, ...ascii('m2'), 0], expect: { responseStatus: 'ok', messageId: 'm2' } },
  { name: 'm-cancel-req (MMS 1.3)', bytes: [0x8c, 0x96, 0x98, ...ascii('c'), 0, 0x8d, 0x93, 0xbe, ...ascii('m'), 0], expect: { cancelId: 'm' } },
  { name: 'm-cancel-conf (MMS 1.3)', bytes: [0x8c, 0x97, 0x98, ...ascii('c'), 0, 0x8d, 0x93, 0xbf, 0x80], expect: { cancelStatus: 'cancel-request-successfully-received' } },
  // m-mbox-delete-conf carries Content-Location as Value-length Status-count-value Content-location-value
  // (§7.3): kept raw, in order, and re-encoded.
  { name: 'm-mbox-delete-conf (MMS 1.3)', bytes: [0x8c, 0x92, 0x98, ...ascii('d'), 0, 0x8d, 0x93, 0x83, 0x03, 0x81, ...ascii('x'), 0, 0x92, 0x80], expect: { responseStatus: 'ok', contentLocation: undefined } },
];

for (const v of VECTORS) {
  test(`hand-built ${v.name}: decodes and re-encodes byte for byte`, () => {
    const bytes = b(...v.bytes);
    const p = decode(bytes);
    for (const [k, want] of Object.entries(v.expect)) assert.deepEqual((p as unknown as Record<string, unknown>)[k], want, k);
    assert.deepEqual(encodeMms(p), bytes);
  });
}
