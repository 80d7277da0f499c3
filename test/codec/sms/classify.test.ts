import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyDeliver, decodeSmsPdu, encodeDeliver, encodeStatusReport } from '../../../src/codec/sms/index.js';
import type { SmsDeliver } from '../../../src/codec/sms/index.js';
import { decodeEncoded } from './helpers.js';

const FROM = '+4917000';
const MMS_NOTIFICATION = [0x8c, 0x82, 0x98, 0x41, 0x00, 0x8d, 0x92];

function binary(data: number[], port?: { dst: number; src?: number }): SmsDeliver {
  const [p] = encodeDeliver({ from: FROM, data: Uint8Array.from(data), ...(port ? { port } : {}) });
  return decodeEncoded<SmsDeliver>(p!, 'deliver');
}

test('plain text', () => {
  const [p] = encodeDeliver({ from: FROM, text: 'hi there' });
  assert.deepEqual(classifyDeliver(decodeEncoded<SmsDeliver>(p!, 'deliver')), { kind: 'text', text: 'hi there' });
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
  const hex = encodeStatusReport({ messageReference: 1, recipient: '+4912', scts: new Date(0), dischargeTime: new Date(0), status: 0 }).hex;
  const r = decodeSmsPdu(hex);
  assert.ok(r.ok);
  assert.deepEqual(classifyDeliver(r.value), { kind: 'status-report' });
});
