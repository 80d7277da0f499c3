import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyDeliver, decodeSmsPdu } from '../../../src/codec/sms/index.js';
import type { SmsDeliver } from '../../../src/codec/sms/index.js';

/**
 * The classifier on SMS-DELIVERs assembled here by hand (3GPP 23.040 §9.2.2.1), not by our
 * encoder, so that an encoder and decoder sharing a bug (the port IE, TP-UDHI) cannot hide it.
 */
const MMS_NOTIFICATION = [0x8c, 0x82, 0x98, 0x41, 0x00, 0x8d, 0x92];

function hex(octets: readonly number[]): string {
  return octets.map((o) => o.toString(16).padStart(2, '0')).join('').toUpperCase();
}

/** 8-bit SMS-DELIVER from +4917000 carrying `data`, with the application port IE when `port` is given. */
function binary(data: number[], port?: { dst: number; src?: number }): SmsDeliver {
  // UDHL 6, IEI 0x05 (16-bit application ports), length 4, destination, originator (§9.2.3.24.4)
  const udh = port ? [0x06, 0x05, 0x04, port.dst >> 8, port.dst & 0xff, (port.src ?? 0) >> 8, (port.src ?? 0) & 0xff] : [];
  const ud = [...udh, ...data];
  const pdu = [
    0x00, // no SMSC address (27.005 PDU mode, length 0)
    port ? 0x44 : 0x04, // TP-MTI 00 SMS-DELIVER, TP-MMS, TP-UDHI when there is a header (§9.2.3.1, §9.2.3.23)
    0x07, 0x91, 0x94, 0x71, 0x00, 0xf0, // TP-OA: 7 digits, international, +4917000 in swapped semi-octets (§9.1.2.5)
    0x00, // TP-PID (§9.2.3.9)
    0x04, // TP-DCS: 8-bit data (23.038 §4)
    0x62, 0x21, 0x70, 0x01, 0x51, 0x03, 0x40, // TP-SCTS 26-12-07 10:15:30 +01:00 (§9.2.3.11)
    ud.length, // TP-UDL in octets (§9.2.3.16)
    ...ud,
  ];
  const r = decodeSmsPdu(hex(pdu));
  assert.ok(r.ok && r.value.type === 'deliver', r.ok ? r.value.type : r.error.message);
  return r.value as SmsDeliver;
}

test('plain text', () => {
  // 3GPP 23.040 example: SMSC +31624000000, from +31641600986, GSM 7-bit "How are you?"
  const r = decodeSmsPdu('07911326040000F0040B911346610089F60000208062917314800CC8F71D14969741F977FD07');
  assert.ok(r.ok);
  assert.deepEqual(classifyDeliver(r.value), { kind: 'text', text: 'How are you?' });
});

test('WAP Push with an MMS notification on port 2948 (and 2949 secure)', () => {
  const push = [0x01, 0x06, 0x03, 0xbe, 0xaf, 0x84, ...MMS_NOTIFICATION];
  const c = classifyDeliver(binary(push, { dst: 2948, src: 9200 }));
  assert.equal(c.kind, 'wap-push');
  if (c.kind === 'wap-push') {
    assert.equal(c.contentType, 'application/vnd.wap.mms-message');
    assert.equal(c.viaPort, true);
    assert.equal(c.port, 2948);
    assert.equal(c.secure, false);
  }
  const s = classifyDeliver(binary(push, { dst: 2949, src: 9200 }));
  assert.ok(s.kind === 'wap-push' && s.secure && s.port === 2949);
});

test('WAP Push without a port header: TID + PDU type 0x06, or no TID, or a textual content type', () => {
  const withTid = classifyDeliver(binary([0x5a, 0x06, 0x01, 0xbe, ...MMS_NOTIFICATION]));
  assert.ok(withTid.kind === 'wap-push' && !withTid.viaPort && withTid.port === undefined);
  const noTid = classifyDeliver(binary([0x06, 0x01, 0xbe, ...MMS_NOTIFICATION]));
  assert.equal(noTid.kind, 'wap-push');
  const name = [...Buffer.from('application/vnd.wap.mms-message\0', 'latin1')];
  const textual = classifyDeliver(binary([0x00, 0x06, name.length, ...name, ...MMS_NOTIFICATION]));
  assert.ok(textual.kind === 'wap-push' && textual.contentType === 'application/vnd.wap.mms-message');
});

test('SI, SL and provisioning pushes are reported as unsupported-push with their type', () => {
  const si = classifyDeliver(binary([0x01, 0x06, 0x01, 0xae, 0x02, 0x05], { dst: 2948, src: 9200 }));
  assert.deepEqual(si.kind === 'unsupported-push' && si.contentType, 'application/vnd.wap.sic');
  const sl = classifyDeliver(binary([0x01, 0x06, 0x01, 0xb0, 0x02, 0x06], { dst: 2948, src: 9200 }));
  assert.deepEqual(sl.kind === 'unsupported-push' && sl.contentType, 'application/vnd.wap.slc');
  // Content type in the general form with parameters (SEC=USERPIN, MAC=…), as OMA CP sends it.
  const cp = classifyDeliver(binary([0x01, 0x06, 0x08, 0x1f, 0x06, 0xb6, 0x91, 0x81, 0x92, 0x41, 0x00, 0x03, 0x0b], { dst: 2948, src: 9200 }));
  assert.deepEqual(cp.kind === 'unsupported-push' && cp.contentType, 'application/vnd.wap.connectivity-wbxml');
  const portless = classifyDeliver(binary([0x01, 0x06, 0x02, 0x02, 0xae, 0x02]));
  assert.deepEqual(portless.kind === 'unsupported-push' && portless.contentType, 'application/vnd.wap.sic');
});

test('port 2948 decides even when the content type cannot be read; the WSP decoder has the last word', () => {
  const c = classifyDeliver(binary([0xff, 0xfe, 0xfd], { dst: 2948, src: 9200 }));
  assert.equal(c.kind, 'wap-push');
  assert.equal(c.kind === 'wap-push' && c.contentType, undefined);
  const shaped = classifyDeliver(binary([0x01, 0x06, 0x02, 0x00, 0x00, 0x8c]));
  assert.ok(shaped.kind === 'wap-push' && !shaped.viaPort, 'TID + 0x06 + plausible length, type unreadable');
});

test('other binary: other ports, implausible header length, wrong PDU type, 0x06 without TID and type', () => {
  const vcard = classifyDeliver(binary([0x42, 0x45, 0x47], { dst: 9204, src: 9204 }));
  assert.deepEqual(vcard.kind === 'binary' && vcard.ports, { dst: 9204, src: 9204 });
  assert.equal(classifyDeliver(binary([0x01, 0x06, 0x40, 0xbe, 0x00])).kind, 'binary');
  assert.equal(classifyDeliver(binary([0x01, 0x07, 0x01, 0xbe, 0x00])).kind, 'binary');
  assert.equal(classifyDeliver(binary([0x06, 0x01, 0x00, 0x00])).kind, 'binary');
});

test('status reports', () => {
  // SMS-STATUS-REPORT by hand (§9.2.2.3): no SMSC, first octet 0x06 (TP-MTI 10, TP-SRQ), TP-MR 3,
  // TP-RA +123456789 (09 91 21436587F9), TP-SCTS, TP-DT, TP-ST 0x00 (received by the SME).
  const r = decodeSmsPdu('000603099121436587F9208062917314802080629173248000');
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual(classifyDeliver(r.value), { kind: 'status-report' });
});
