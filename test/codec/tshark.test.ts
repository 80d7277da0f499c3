/**
 * tshark (Wireshark's WSP and MMSE dissectors) as an independent oracle for every PDU type the
 * gateway encodes: m-send-req with parts, m-notifyresp-ind, m-acknowledge-ind and
 * m-read-rec-ind as HTTP POSTs (OMA-TS-MMS_CTR §7.1, Content-Type application/vnd.wap.mms-message),
 * and WAP Pushes (WAP-230-WSP §8.2.4.1) carrying m-notification-ind and m-delivery-ind as
 * connectionless WSP on UDP port 2948. The capture is written byte by byte
 * (test/helpers/pcap.ts); tshark must report no malformed packet and no expert warning, and the
 * fields it reports must equal the values encoded — written here from the specifications
 * (OMA-TS-MMS_ENC §7.3 value assignments), not read back with our own decoder.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildAcknowledgeInd, buildDeliveryInd, buildNotificationInd, buildNotifyRespInd, buildReadRecInd, buildSendReq, encodeMms,
} from '../../src/codec/mms/index.js';
import { encodePush } from '../../src/codec/wsp/index.js';
import { TSHARK_ABSENT, dissect, expertEntries, fieldValues, httpPostPacket, pcap, tsharkVersion, udpPacket, type TsharkTree } from '../helpers/pcap.js';

const version = tsharkVersion();
const skip = version === undefined ? TSHARK_ABSENT : false;
const DATE = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
const TSHARK_DATE = 'Jan  2, 2026 03:04:05.000000000 UTC';
/** A connectionless push to the MMS user agent (X-Wap-Application-Id 4, WAP-251 §6.2.2.1). */
function mmsPush(transactionId: number, body: Uint8Array): Uint8Array {
  return encodePush({ transactionId, pduType: 0x06, headers: [], applicationId: 4, contentType: { mediaType: 'application/vnd.wap.mms-message', params: {} }, body });
}
const TEXT = 'hello ünïcode';
const SMIL = '<smil><body><par><img src="p.jpg"/><text src="a.txt"/></par></body></smil>';
const JPEG = new Uint8Array(300).fill(0x07);

/** The PDUs in capture order, as the gateway builds them. */
const PDUS = {
  sendReq: encodeMms(buildSendReq({
    transactionId: 'S-1', to: ['+15551239999', 'bob@example.com'], subject: 'Grüße', date: DATE, deliveryReport: true, readReport: false, expiry: 3600,
    parts: [{ contentType: 'text/plain', body: TEXT, name: 'a.txt', contentId: '<t1>' }, { contentType: 'image/jpeg', body: JPEG, name: 'p.jpg', contentLocation: 'p.jpg' }],
    smil: SMIL,
  })),
  notifyResp: encodeMms(buildNotifyRespInd('N-1', 'retrieved', true)),
  acknowledge: encodeMms(buildAcknowledgeInd('A-1', false)),
  notificationPush: mmsPush(0x2a, encodeMms(buildNotificationInd({
    transactionId: 'T-1', contentLocation: 'http://mmsc.example/x?id=1', messageSize: 1234, expiry: 86400, from: '+15551230000', subject: 'hi',
  }))),
  deliveryPush: mmsPush(0x2b, encodeMms(buildDeliveryInd({ messageId: 'M-9', to: '+15551239999', date: DATE, status: 'retrieved' }))),
  readRec: encodeMms(buildReadRecInd({ messageId: 'M-9', to: '+15551239999', from: '+15550100001', date: DATE, readStatus: 'read' })),
};

let dir = '';
let packets: TsharkTree[] = [];

before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'mmsgw-tshark-'));
  const file = join(dir, 'pdus.pcap');
  writeFileSync(file, pcap([
    httpPostPacket(PDUS.sendReq, undefined, 1),
    httpPostPacket(PDUS.notifyResp, undefined, 2),
    httpPostPacket(PDUS.acknowledge, undefined, 3),
    udpPacket(PDUS.notificationPush, 2948, 4),
    udpPacket(PDUS.deliveryPush, 2948, 5),
    httpPostPacket(PDUS.readRec, undefined, 6),
  ]));
  packets = dissect(file);
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** PI_WARN and PI_ERROR (epan/proto.h); chat and note entries (e.g. HTTP's request line) are fine. */
const WARN = 0x00600000;

/** Malformed-packet entries, and expert entries at warning level or above. */
function problems(p: TsharkTree): string[] {
  const malformed = expertEntries(p).filter((e) => e.startsWith('_ws.malformed'));
  const warnings = fieldValues(p, '_ws.expert.message').filter((_, i) => Number(fieldValues(p, '_ws.expert.severity')[i]) >= WARN);
  return [...malformed, ...warnings];
}

function mmse(i: number): TsharkTree {
  const p = packets[i];
  assert.ok(p, `packet ${i + 1} dissected`);
  assert.deepEqual(problems(p), [], `packet ${i + 1}: no malformed packet, no expert warning`);
  const m = p.mmse;
  assert.ok(m && typeof m === 'object' && !Array.isArray(m), `packet ${i + 1}: dissected as MMS (mmse)`);
  return m;
}

function one(t: TsharkTree, field: string): string | undefined {
  const v = fieldValues(t, field);
  assert.ok(v.length <= 1, `${field} once, got ${JSON.stringify(v)}`);
  return v[0];
}

/** The octets of a raw field (`-x` gives [hex, offset, length, …]). */
function rawHex(t: TsharkTree, field: string): string[] {
  const out: string[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x) || x === null || typeof x !== 'object') return;
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
      if (k === `${field}_raw` && Array.isArray(v)) {
        if (typeof v[0] === 'string') out.push(v[0]);
        else for (const r of v) if (Array.isArray(r) && typeof r[0] === 'string') out.push(r[0]);
      }
      walk(v);
    }
  };
  walk(t);
  return out;
}

/** Data of a multipart entry from tshark's entry extent: HeadersLen, DataLen (uintvars, WSP §8.5.3), headers, data. */
function entryData(hex: string): Buffer {
  const b = Buffer.from(hex, 'hex');
  let at = 0;
  const uintvar = (): number => {
    let v = 0;
    for (;;) {
      const x = b[at++] as number;
      v = v * 128 + (x & 0x7f);
      if ((x & 0x80) === 0) return v;
    }
  };
  const headersLen = uintvar();
  const dataLen = uintvar();
  return b.subarray(at + headersLen, at + headersLen + dataLen);
}

test(`tshark dissects m-send-req with parts: every field as encoded (${version ?? 'absent'})`, { skip }, () => {
  const m = mmse(0);
  assert.equal(one(m, 'mmse.message_type'), '0x80'); // m-send-req, MMS_ENC §7.3.30
  assert.equal(one(m, 'mmse.transaction_id'), 'S-1');
  assert.equal(one(m, 'mmse.mms_version'), '1.2');
  assert.equal(one(m, 'mmse.date'), TSHARK_DATE);
  assert.equal(one(m, 'mmse.from'), '<insert address>'); // Insert-address-token, §7.3.21
  assert.deepEqual(fieldValues(m, 'mmse.to'), ['+15551239999/TYPE=PLMN', 'bob@example.com']);
  // tshark 4.0 prints charset-tagged text byte by byte; its field extent must hold exactly
  // Value-length 9, UTF-8 (MIBenum 106 → 0xEA), "Grüße" in UTF-8, NUL (§7.2.9 Encoded-string-value).
  assert.deepEqual(rawHex(m, 'mmse.subject'), ['9609ea4772c3bcc39f6500']);
  assert.equal(one(m, 'mmse.expiry.rel'), '3600.000000000');
  assert.equal(one(m, 'mmse.delivery_report'), '0x80'); // Yes
  assert.equal(one(m, 'mmse.read_report'), '0x81'); // No
  assert.equal(fieldValues(m, 'wsp.header.content_type')[0], 'application/vnd.wap.multipart.related');
  assert.equal(one(m, 'wsp.parameter.start'), '<smil>');
  assert.equal(one(m, 'wsp.parameter.upart.type'), 'application/smil');
  assert.deepEqual(fieldValues(m, 'wsp.multipart'), ['1', '2', '3']);
  assert.deepEqual(fieldValues(m, 'wsp.header.content_type').slice(1), ['application/smil', 'text/plain', 'image/jpeg']);
  assert.deepEqual(fieldValues(m, 'wsp.parameter.charset'), ['UTF-8', 'UTF-8']);
  assert.deepEqual(fieldValues(m, 'wsp.parameter.name'), ['a.txt', 'p.jpg']);
  assert.deepEqual(fieldValues(m, 'wsp.header.content_id'), ['"<smil>"', '"<t1>"']);
  assert.deepEqual(fieldValues(m, 'wsp.header.content_location'), ['smil.smil', 'p.jpg']);
  const data = rawHex(m, 'wsp.multipart').map(entryData);
  assert.deepEqual(data.map((d) => d.length), [Buffer.byteLength(SMIL), Buffer.byteLength(TEXT), JPEG.length]);
  assert.equal(data[0]?.toString('utf8'), SMIL);
  assert.equal(data[1]?.toString('utf8'), TEXT);
  assert.ok(data[2]?.equals(Buffer.from(JPEG)));
});

test('tshark dissects m-notifyresp-ind and m-acknowledge-ind', { skip }, () => {
  const n = mmse(1);
  assert.equal(one(n, 'mmse.message_type'), '0x83');
  assert.equal(one(n, 'mmse.transaction_id'), 'N-1');
  assert.equal(one(n, 'mmse.status'), '0x81'); // Retrieved, §7.3.54
  assert.equal(one(n, 'mmse.report_allowed'), '0x80'); // Yes
  const a = mmse(2);
  assert.equal(one(a, 'mmse.message_type'), '0x85');
  assert.equal(one(a, 'mmse.transaction_id'), 'A-1');
  assert.equal(one(a, 'mmse.report_allowed'), '0x81'); // No
});

test('tshark dissects the WAP Push carrying m-notification-ind (UDP 2948)', { skip }, () => {
  const p = packets[3] as TsharkTree;
  const m = mmse(3);
  assert.equal(one(p, 'wsp.TID'), '0x2a');
  assert.equal(one(p, 'wsp.pdu_type'), '0x06');
  assert.equal(one(p, 'wsp.headers_length'), '3');
  assert.equal(one(p.wsp as TsharkTree, 'wsp.header.content_type'), 'application/vnd.wap.mms-message');
  assert.equal(one(p, 'wsp.header.x_wap_application_id'), 'x-wap-application:mms.ua');
  assert.equal(one(m, 'mmse.message_type'), '0x82');
  assert.equal(one(m, 'mmse.transaction_id'), 'T-1');
  assert.equal(one(m, 'mmse.from'), '+15551230000/TYPE=PLMN');
  assert.equal(one(m, 'mmse.subject'), 'hi');
  assert.equal(one(m, 'mmse.message_class.id'), '0x80'); // Personal
  assert.equal(one(m, 'mmse.message_size'), '1234');
  assert.equal(one(m, 'mmse.expiry.rel'), '86400.000000000');
  assert.equal(one(m, 'mmse.content_location'), 'http://mmsc.example/x?id=1');
});

test('tshark dissects the WAP Push carrying m-delivery-ind and the m-read-rec-ind', { skip }, () => {
  const d = mmse(4);
  assert.equal(one(d, 'mmse.message_type'), '0x86');
  assert.equal(one(d, 'mmse.message_id'), 'M-9');
  assert.equal(one(d, 'mmse.date'), TSHARK_DATE);
  assert.equal(one(d, 'mmse.to'), '+15551239999/TYPE=PLMN');
  assert.equal(one(d, 'mmse.status'), '0x81'); // Retrieved
  const r = mmse(5);
  assert.equal(one(r, 'mmse.message_type'), '0x87');
  assert.equal(one(r, 'mmse.message_id'), 'M-9');
  assert.equal(one(r, 'mmse.date'), TSHARK_DATE);
  assert.equal(one(r, 'mmse.from'), '+15550100001/TYPE=PLMN');
  assert.equal(one(r, 'mmse.to'), '+15551239999/TYPE=PLMN');
  assert.equal(one(r, 'mmse.read_status'), '0x80'); // Read, §7.3.50
});

test('the oracle can fail: a PDU broken on purpose is reported malformed by tshark', { skip }, () => {
  const file = join(dir, 'broken.pcap');
  const broken = PDUS.sendReq.slice(0, PDUS.sendReq.length - 200);
  writeFileSync(file, pcap([httpPostPacket(broken, undefined, 9)]));
  const [p] = dissect(file);
  assert.ok(p);
  assert.notDeepEqual(problems(p), [], 'tshark flags the truncated multipart');
});
