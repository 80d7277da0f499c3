/**
 * The field-quirk corpus (test/fixtures/field-quirks, hand-assembled by make.py from the
 * specifications, see its README): what real carriers and handsets send that the
 * specifications do not foresee. Each decodes, with a warning naming the quirk; the values are
 * the ones written into the fixture by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMms, encodeMms, partText, smilPart, startPart } from '../../src/codec/mms/index.js';
import { decodePush } from '../../src/codec/wsp/index.js';
import { decodeSmsPdu, type SmsDeliver } from '../../src/codec/sms/index.js';

const dir = new URL('../fixtures/field-quirks/', import.meta.url).pathname;
const bin = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, name)));
const text = (name: string): string => readFileSync(join(dir, name), 'latin1').trim();

function deliver(name: string): SmsDeliver {
  const r = decodeSmsPdu(text(name));
  if (!r.ok) assert.fail(`${name}: ${r.error.field}@${r.error.offset}: ${r.error.message}`);
  assert.equal(r.value.type, 'deliver');
  return r.value as SmsDeliver;
}

test('SMS-DELIVER with more user-data octets than TP-UDL: TP-UDL worth decoded, warned (23.040 §9.2.3.16)', () => {
  const d = deliver('sms-deliver-octets-beyond-udl.hex');
  assert.equal(d.text, 'hellohello');
  assert.equal(d.originator.number, '+31641600986');
  assert.deepEqual(d.warnings, ['TP-UD: 3 octet(s) beyond TP-UDL ignored (3GPP 23.040 §9.2.3.16)']);
});

test('SMS-DELIVER padded with 0xFF to a whole SIM record: padding ignored, warned', () => {
  const d = deliver('sms-deliver-ff-padding.hex');
  assert.equal(d.text, 'hellohello');
  assert.equal(d.warnings?.length, 1);
  assert.match(d.warnings?.[0] ?? '', /0xFF padding after TP-UDL/);
  // The instant still comes out right (node-pdu only sees TP-UDL's worth): 14:53:12 +01:00.
  assert.equal(d.scts.date.toISOString(), '2024-01-27T13:53:12.000Z');
});

test('a well-formed SMS-DELIVER carries no warnings', () => {
  const r = decodeSmsPdu(text('sms-deliver-octets-beyond-udl.hex').slice(0, -6));
  assert.ok(r.ok);
  assert.equal((r.value as SmsDeliver).warnings, undefined);
});

function notificationOf(name: string) {
  const p = decodePush(bin(name));
  if (!p.ok) assert.fail(`${name}: push ${p.error.field}@${p.error.offset}: ${p.error.message}`);
  const m = decodeMms(p.value.body);
  if (!m.ok) assert.fail(`${name}: mms ${m.error.field}@${m.error.offset}: ${m.error.message}`);
  assert.equal(m.value.messageType, 'm-notification-ind');
  assert.equal(m.value.transactionId, 'FQ-0001');
  assert.equal(m.value.contentLocation, 'http://mmsc.example/fq/0001');
  assert.equal(m.value.messageSize, 4321);
  assert.deepEqual(m.value.expiry, { kind: 'relative', seconds: 86400 });
  assert.equal(m.value.from?.value, '+15551230000');
  return { push: p.value, mms: m.value };
}

test('WAP Push whose m-notification-ind has a stray 0x0A after the last header: every header decoded, warned, kept on re-encode', () => {
  const { push, mms } = notificationOf('push-notification-trailing-0a.bin');
  assert.equal(push.warnings, undefined);
  assert.equal(mms.warnings?.length, 1);
  assert.match(mms.warnings?.[0] ?? '', /^1 octet\(s\) after the last complete header at offset 81 ignored/);
  assert.deepEqual([...encodeMms(mms)], [...push.body], 'the stray octet goes back out as it came');
});

test('a damaged tail is not tolerated where the body is mandatory (m-retrieve-conf without its Content-Type)', () => {
  const rc = bin('retrieve-conf-cte-base64-textual-content-id.mms');
  const ct = rc.indexOf(0x84, 20);
  const cut = Uint8Array.from([...rc.subarray(0, ct), 0x0a]);
  const r = decodeMms(cut);
  assert.equal(r.ok, false);
});

for (const [name, says] of [['push-headers-len-short.bin', 1], ['push-headers-len-long.bin', 6]] as const) {
  test(`push whose HeadersLen says ${says} for a 3-octet header block (${name}): the real block is found, warned`, () => {
    const { push } = notificationOf(name);
    assert.equal(push.applicationId, 4);
    assert.equal(push.contentType.mediaType, 'application/vnd.wap.mms-message');
    assert.deepEqual(push.warnings, [`push.HeadersLen at offset 2 says ${says} octets, the header block has 3 (WAP-230-WSP §8.2.4.1)`]);
  });
}

test('a HeadersLen off by more than the tolerated skew is still an error', () => {
  const b = bin('push-headers-len-long.bin');
  const far = Uint8Array.from(b);
  far[2] = 3 + 20;
  assert.equal(decodePush(far).ok, false);
});

test('textual Content-Transfer-Encoding base64 and textual Content-ID/Content-Location: decoded bodies, SMIL start= and cid: resolve', () => {
  const raw = bin('retrieve-conf-cte-base64-textual-content-id.mms');
  const r = decodeMms(raw);
  if (!r.ok) assert.fail(`${r.error.field}@${r.error.offset}: ${r.error.message}`);
  const pdu = r.value;
  assert.equal(pdu.parts.length, 3);
  const [smil, txt, gif] = pdu.parts;
  assert.equal(startPart(pdu), smil, 'start=<smil> names the textual Content-ID of the SMIL part');
  assert.equal(smilPart(pdu), smil);
  assert.equal(txt?.contentId, '<txt1>');
  assert.equal(txt?.transferEncoding, 'base64');
  assert.equal(partText(txt!), 'Grüße aus dem Feld — base64 part\r\n');
  assert.equal(gif?.contentLocation, 'img1.gif');
  assert.equal(Buffer.from(gif!.body).toString('hex'), '474946383961010001008000000000ffffff21f90401000000002c00000000010001000002024401003b');
  // Every cid: of the SMIL resolves to a part by its textual Content-ID.
  for (const m of partText(smil!).matchAll(/src="cid:([^"]+)"/g)) {
    assert.ok(pdu.parts.some((p) => p.contentId === `<${m[1]}>`), `cid:${m[1]} resolves`);
  }
  assert.equal(pdu.warnings?.length, 2);
  assert.deepEqual([...encodeMms(pdu)], [...raw], 'unchanged, the PDU re-encodes byte for byte (base64 octets as sent)');
});

test('a replaced body of a transfer-encoded part is written binary, without the stale Content-Transfer-Encoding', () => {
  const r = decodeMms(bin('retrieve-conf-cte-base64-textual-content-id.mms'));
  assert.ok(r.ok);
  const pdu = r.value;
  pdu.parts[1]!.body = new TextEncoder().encode('replaced');
  const again = decodeMms(encodeMms(pdu));
  assert.ok(again.ok);
  assert.equal(partText(again.value.parts[1]!), 'replaced');
  assert.equal(again.value.parts[1]!.transferEncoding, undefined);
  assert.equal(again.value.parts[2]!.transferEncoding, 'base64');
});

test('quoted-printable, 7bit, 8bit and binary parts', () => {
  const r = decodeMms(bin('retrieve-conf-cte-qp-7bit-8bit-binary.mms'));
  if (!r.ok) assert.fail(`${r.error.field}@${r.error.offset}: ${r.error.message}`);
  const [qp, seven, eight, binary] = r.value.parts;
  assert.equal(partText(qp!), 'Übergrößen: 5 € pro Stück, eine lange Zeile die umbrochen werden muss, weil sie länger als 76 Zeichen ist.');
  assert.equal(partText(seven!), 'seven bit text');
  assert.equal(partText(eight!), 'acht Bit: äöü');
  assert.equal(binary!.body.length, 42);
  assert.deepEqual(r.value.parts.map((p) => p.transferEncoding), ['quoted-printable', '7bit', '8bit', 'binary']);
});
