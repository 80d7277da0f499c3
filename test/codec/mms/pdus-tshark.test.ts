/**
 * The PDUs that pdus.test.ts checks by encode → decode with our own codec (test/codec/mms/samples.ts),
 * dissected by tshark (Wireshark's MMSE dissector, an independent decoder) from an HTTP POST
 * capture: no malformed packet, no expert warning, and every field tshark reports equal to the
 * value assignments of OMA-TS-MMS_ENC §7.3 written out here by hand.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMms, type MmsPdu } from '../../../src/codec/mms/index.js';
import { TSHARK_ABSENT, dissect, expertEntries, fieldValues, httpPostPacket, pcap, tsharkVersion, type TsharkTree } from '../../helpers/pcap.js';
import * as S from './samples.js';

const skip = tsharkVersion() === undefined ? TSHARK_ABSENT : false;
const WARN = 0x00600000; // PI_WARN (epan/proto.h)

const SAMPLES: ReadonlyArray<[string, () => MmsPdu]> = [
  ['send-conf', S.sendConfSample], ['notification', S.notificationSample], ['send-req', S.sendReqSample], ['retrieve-conf', S.retrieveConfSample],
  ['delivery-ind', S.deliveryIndSample], ['read-rec-ind', S.readRecSample], ['read-orig-ind', S.readOrigSample], ['forward-req', S.forwardReqSample],
  ['forward-conf', S.forwardConfSample], ['cancel-req', S.cancelReqSample], ['every-field', S.everyFieldSample],
];

let dir = '';
const dissected = new Map<string, TsharkTree>();

before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'mmsgw-tshark-pdus-'));
  const file = join(dir, 'pdus.pcap');
  writeFileSync(file, pcap(SAMPLES.map(([, make], i) => httpPostPacket(encodeMms(make()), undefined, i + 1))));
  dissect(file).forEach((p, i) => dissected.set((SAMPLES[i] as [string, unknown])[0], p));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The MMSE layer's top-level header fields (not the body, not the raw octets). */
function headers(name: string): Record<string, string | string[]> {
  const p = dissected.get(name);
  assert.ok(p, `${name} dissected`);
  const severities = fieldValues(p, '_ws.expert.severity').map(Number);
  assert.deepEqual(fieldValues(p, '_ws.expert.message').filter((_, i) => (severities[i] ?? 0) >= WARN), [], `${name}: no expert warning`);
  assert.deepEqual(expertEntries(p).filter((e) => e.startsWith('_ws.malformed')), [], `${name}: not malformed`);
  const m = p.mmse;
  assert.ok(m && typeof m === 'object' && !Array.isArray(m), `${name}: dissected as MMS`);
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(m)) {
    if (!k.startsWith('mmse.') || k.endsWith('_raw') || k.endsWith('_tree')) continue;
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v as string[];
  }
  return out;
}

function raw(name: string, field: string): unknown {
  return ((dissected.get(name)?.mmse as TsharkTree | undefined)?.[`${field}_raw`] as unknown[] | undefined)?.[0];
}

const JAN2 = 'Jan  2, 2024 03:04:05.000000000 UTC';

test('m-send-conf, m-notification-ind: tshark reads the values encoded', { skip }, () => {
  assert.deepEqual(headers('send-conf'), {
    'mmse.message_type': '0x81', 'mmse.transaction_id': 't2', 'mmse.mms_version': '1.2',
    'mmse.response_status': '0xe2', // Error-permanent-message-format-corrupt (§7.3.48)
    'mmse.response_text': 'bad',
  });
  assert.deepEqual(headers('notification'), {
    'mmse.message_type': '0x82', 'mmse.transaction_id': 'n1', 'mmse.mms_version': '1.2', 'mmse.from': '+33612345678/TYPE=PLMN',
    'mmse.subject': 'Hi', 'mmse.message_class.id': '0x80', 'mmse.message_size': '23069', 'mmse.expiry.rel': '259200.000000000',
    'mmse.delivery_report': '0x80', 'mmse.content_location': 'http://mmsc/x?1',
    'mmse.header.uint': '129', // X-Mms-Content-Class image-basic (§7.3.9)
  });
});

test('m-send-req with SMIL, text and image parts: tshark reads the headers and every part', { skip }, () => {
  const h = headers('send-req');
  delete h['mmse.subject'];
  assert.deepEqual(h, {
    'mmse.message_type': '0x80', 'mmse.transaction_id': 's1', 'mmse.mms_version': '1.2', 'mmse.from': '<insert address>',
    'mmse.to': ['+33612345678/TYPE=PLMN', 'a@b.example'], 'mmse.cc': '+33600000000/TYPE=PLMN', 'mmse.bcc': 'c@d.example',
    'mmse.message_class.id': '0x80', 'mmse.expiry.rel': '3600.000000000',
    'mmse.priority': '0x82', // High (§7.3.44)
    'mmse.sender_visibility': '0x81', // Show (§7.3.52)
    'mmse.delivery_report': '0x80', 'mmse.read_report': '0x81',
  });
  // Subject: Value-length 12, UTF-8 (0xEA), Quote (0x7F, the text starts with an octet ≥ 128,
  // WSP §8.4.2.1), "Ünïcode" in UTF-8, NUL (§7.2.9); tshark 4.0 prints it byte-wise.
  assert.equal(raw('send-req', 'mmse.subject'), '960cea7fc39c6ec3af636f646500');
  const m = dissected.get('send-req')?.mmse as TsharkTree;
  assert.deepEqual(fieldValues(m, 'wsp.header.content_type'), ['application/vnd.wap.multipart.related', 'application/smil', 'text/plain', 'image/jpeg']);
  assert.equal(fieldValues(m, 'wsp.parameter.start')[0], '<smil>');
  assert.equal(fieldValues(m, 'wsp.parameter.upart.type')[0], 'application/smil');
  assert.deepEqual(fieldValues(m, 'wsp.header.content_id'), ['"<smil>"', '"<p>"']);
  assert.deepEqual(fieldValues(m, 'wsp.header.content_location'), ['smil.smil', 'text.txt']);
  assert.deepEqual(fieldValues(m, 'smil.smil'), ['<smil/>']);
  assert.ok(JSON.stringify(m).includes('"data-text-lines":{"héllo":""}'), 'the text part reads héllo in UTF-8');
  assert.deepEqual(fieldValues(m, 'media.type'), ['ff:d8']);
});

test('m-retrieve-conf, m-delivery-ind, m-read-rec-ind, m-read-orig-ind: tshark reads the values encoded', { skip }, () => {
  const rc = headers('retrieve-conf');
  assert.deepEqual(rc, {
    'mmse.message_type': '0x84', 'mmse.transaction_id': 'r1', 'mmse.mms_version': '1.2', 'mmse.message_id': 'm1', 'mmse.date': JAN2,
    'mmse.from': '+491701234567/TYPE=PLMN', 'mmse.to': '+491709999999/TYPE=PLMN', 'mmse.subject': 'S',
    'mmse.priority': '0x81', // Normal
    'mmse.retrieve_status': '0x80', // Ok (§7.3.50)
    'mmse.retrieve_text': 'fine',
  });
  assert.deepEqual(fieldValues(dissected.get('retrieve-conf')?.mmse as TsharkTree, 'wsp.header.content_type'), ['application/vnd.wap.multipart.mixed', 'text/plain']);
  assert.deepEqual(headers('delivery-ind'), {
    'mmse.message_type': '0x86', 'mmse.mms_version': '1.2', 'mmse.message_id': 'm1', 'mmse.date': JAN2, 'mmse.to': '+491709999999/TYPE=PLMN',
    'mmse.status': '0x81', // Retrieved (§7.3.54)
  });
  assert.deepEqual(headers('read-rec-ind'), {
    'mmse.message_type': '0x87', 'mmse.mms_version': '1.2', 'mmse.message_id': 'm1', 'mmse.from': '<insert address>', 'mmse.to': '+491701234567/TYPE=PLMN',
    'mmse.read_status': '0x80', // Read (§7.3.50 X-Mms-Read-Status)
  });
  assert.deepEqual(headers('read-orig-ind'), {
    'mmse.message_type': '0x88', 'mmse.mms_version': '1.2', 'mmse.message_id': 'm1', 'mmse.date': JAN2, 'mmse.from': '+491709999999/TYPE=PLMN',
    'mmse.to': '+491701234567/TYPE=PLMN', 'mmse.read_status': '0x81', // Deleted without being read
  });
});

test('m-forward-req, m-forward-conf, m-cancel-req (MMS 1.3): tshark reads the values encoded', { skip }, () => {
  assert.deepEqual(headers('forward-req'), {
    'mmse.message_type': '0x89', 'mmse.transaction_id': 'f1', 'mmse.mms_version': '1.3', 'mmse.date': 'Sep  9, 2001 01:46:40.000000000 UTC',
    'mmse.from': '+11/TYPE=PLMN', 'mmse.to': '+22/TYPE=PLMN', 'mmse.delivery_report': '0x80', 'mmse.read_report': '0x80',
    'mmse.report_allowed': '0x81', 'mmse.content_location': 'http://m/1',
    // Fields tshark 4.0 shows generically, in wire order: X-Mms-Store Yes, X-Mms-MM-State New (130),
    // Distribution-Indicator Yes, DRM-Content Yes, Adaptation-Allowed No (§7.3.62, .33, .16, .15, .2).
    'mmse.header.uint': ['128', '130', '128', '128', '129'],
    // X-Mms-MM-Flags (0x24): Value-length 6, Add-token (0x80), "work" NUL (§7.3.32).
    'mmse.header.bytes': 'a4:06:80:77:6f:72:6b:00',
    'mmse.header.string': ['app', 'rapp', 'aux'],
  });
  assert.deepEqual(headers('forward-conf'), {
    'mmse.message_type': '0x8a', 'mmse.transaction_id': 'f1', 'mmse.mms_version': '1.3', 'mmse.message_id': 'm9', 'mmse.response_status': '0x80',
    'mmse.content_location': 'http://m/2', 'mmse.header.uint': ['128', '128'], // Store-Status Success, Stored Yes
    'mmse.header.string': 'stored',
  });
  assert.deepEqual(headers('cancel-req'), {
    'mmse.message_type': '0x96', 'mmse.transaction_id': 'c', 'mmse.mms_version': '1.3', 'mmse.header.string': 'm7', // X-Mms-Cancel-ID
  });
});

test('every 1.3 header field: tshark reads the values encoded', { skip }, () => {
  const h = headers('every-field');
  delete h['mmse.header.uint'];
  assert.deepEqual(h, {
    'mmse.message_type': '0x84', 'mmse.transaction_id': 'x', 'mmse.mms_version': '1.3', 'mmse.message_id': 'id',
    'mmse.date': 'Mar 13, 2011 07:06:40.000000000 UTC', 'mmse.from': '+4412/TYPE=PLMN', 'mmse.to': '+4413/TYPE=PLMN',
    'mmse.cc': '10.0.0.1/TYPE=IPv4', 'mmse.bcc': '::1/TYPE=IPv6', 'mmse.subject': 'subj',
    'mmse.message_class.id': '0x82', // Informational
    'mmse.message_size': '123456', 'mmse.expiry.abs': 'May 13, 2014 16:53:20.000000000 UTC', 'mmse.delivery_time.rel': '60.000000000',
    'mmse.priority': '0x80', 'mmse.sender_visibility': '0x80', 'mmse.delivery_report': '0x81', 'mmse.read_report': '0x80',
    'mmse.status': '0x83', // Deferred
    'mmse.read_status': '0x80', 'mmse.report_allowed': '0x80',
    'mmse.response_status': '0xc3', // Error-transient-network-problem
    'mmse.response_text': 'rt',
    'mmse.retrieve_status': '0xe3', // Error-permanent-content-unsupported
    'mmse.retrieve_text': 'no', 'mmse.content_location': 'http://l',
    'mmse.reply_charging': '0x83', // Accepted text only
    'mmse.reply_charging_deadline.rel': '86400.000000000', 'mmse.reply_charging_id': 'rcid', 'mmse.reply_charging_size': '3000',
    'mmse.previously_sent_by': ['+1/TYPE=PLMN', 'a@b.c'],
    'mmse.previously_sent_date': ['Sep  9, 2001 01:46:40.000000000 UTC', 'Nov  9, 2004 11:33:20.000000000 UTC'],
    // MM-Flags remove "ключ" (Quote 0x7F before 8-bit UTF-8 text, WSP §8.4.2.1), MBox-Totals size 5,
    // MBox-Quotas messages 500, Message-Count 200, Start 5 → Limit 300 (§7.3).
    'mmse.header.bytes': ['a4:0d:81:0b:ea:7f:d0:ba:d0:bb:d1:8e:d1:87:00', 'aa:02:81:85', 'ac:04:80:02:01:f4', 'ad:01:c8', 'b3:02:01:2c'],
    'mmse.header.string': ['full', 'please', 'later', 'a', 'b', 'c', 'r', 'c'],
  });
});
