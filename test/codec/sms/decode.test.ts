import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as nodePduParse } from 'node-pdu';
import { decodeSmsPdu } from '../../../src/codec/sms/index.js';
import type { SmsDeliver, SmsStatusReport, SmsSubmit, SmsTpdu } from '../../../src/codec/sms/index.js';
import { DecodeError } from '../../../src/util/errors.js';

// Vectors assembled by hand from 3GPP 23.040 §9.2.2 field layouts (independently of the encoder).
const SCTS_DATE = new Date('2024-01-27T13:53:12Z'); // 42 10 72 41 35 21 40: 24-01-27 14:53:12 +01:00
const V = {
  alnum: '07911326040000F0040ED049B7F9DD9A36A700004210724135214002C834',
  star: '07911326040000F00405811A00FB00004210724135214002CF25',
  sect: '07911326040000F0040B911346610089F600004210724135214006E1AF78A31803',
  push: '07911326040000F0440B911346610089F6000442107241352140140605040B8423F001060403BEAF848C8298414200',
  ucs2: '07911326040000F0040B911346610089F600084210724135214012041F044004380432043504420020D83DDE00',
  sr: '07911326040000F0062A0B911346610089F6421072413521404210724145214000',
  sr41: '07911326040000F0062B0B911346610089F6421072413521404210724145214041',
  c16: '07911326040000F0440B911346610089F60000421072413521400D06080412340302D7B79C4D06',
  c8: '07911326040000F0440B911346610089F60000421072413521400A050003AA0201C2E231',
  tr: '07911326040000F0440B911346610089F60000421072413521400D0625010124010187CD110806',
};

function decoded(hex: string, smscPresent = true): SmsTpdu {
  const r = decodeSmsPdu(hex, { smscPresent });
  if (!r.ok) throw r.error;
  return r.value;
}
function deliver(hex: string): SmsDeliver {
  const d = decoded(hex);
  assert.equal(d.type, 'deliver');
  return d as SmsDeliver;
}

test('SMS-DELIVER sample "How are you?": SMSC, originator with +, 7-bit text, SCTS', () => {
  const d = deliver('07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07');
  assert.equal(d.smsc?.number, '+31624000000');
  assert.equal(d.originator.number, '+31641600986');
  assert.equal(d.originator.kind, 'international');
  assert.equal(d.text, 'How are you?');
  assert.equal(d.dcs.alphabet, 'gsm7');
  // TZ octet 0x08: sign bit set, zero quarters.
  assert.equal(d.scts.date.toISOString(), '2002-08-26T19:37:41.000Z');
  assert.equal(d.scts.offsetMinutes, 0);
  assert.equal(d.moreMessagesToSend, false);
});

test('SMS-SUBMIT sample "hellohello" without SMSC octets in the hex given to AT+CMGS', () => {
  const s = decoded('0011000B916407281553F80000AA0AE8329BFD4697D9EC37') as SmsSubmit;
  assert.equal(s.type, 'submit');
  assert.equal(s.smsc, undefined);
  assert.equal(s.destination.number, '+46708251358');
  assert.equal(s.text, 'hellohello');
  assert.deepEqual(s.validity, { format: 'relative', seconds: 4 * 86400 });
  const same = decoded('11000B916407281553F80000AA0AE8329BFD4697D9EC37', false) as SmsSubmit;
  assert.equal(same.text, 'hellohello');
});

test('node-pdu defect: the + of international numbers is dropped — ours keeps it', () => {
  const np = nodePduParse(V.sect);
  assert.equal(np.address.phone, '31641600986');
  assert.equal(deliver(V.sect).originator.number, '+31641600986');
});

test("node-pdu defect: '§' and form feed decode as a backtick — ours decodes them", () => {
  const np = nodePduParse(V.sect) as unknown as { data: { getText(): string } };
  assert.match(np.data.getText(), /`/);
  assert.equal(deliver(V.sect).text, 'a§b\fc');
});

test("node-pdu defect: '*' and '#' in addresses break — ours decodes *100#", () => {
  const np = nodePduParse(V.star);
  assert.notEqual(np.address.phone, '*100#');
  const d = deliver(V.star);
  assert.equal(d.originator.number, '*100#');
  assert.equal(d.text, 'OK');
});

test('alphanumeric originator decoded from packed 7-bit', () => {
  const d = deliver(V.alnum);
  assert.equal(d.originator.kind, 'alphanumeric');
  assert.equal(d.originator.number, 'Info-SMS');
  assert.equal(d.text, 'Hi');
  assert.equal(d.scts.date.getTime(), SCTS_DATE.getTime());
  assert.equal(d.scts.offsetMinutes, 60);
});

test('node-pdu defect: the application port IE is private — ours exposes 16-bit ports', () => {
  const d = deliver(V.push);
  assert.deepEqual(d.ports, { dst: 2948, src: 9200 });
  assert.deepEqual(d.udh[0], { kind: 'port', iei: 5, portBits: 16, dst: 2948, src: 9200 });
  assert.equal(d.dcs.alphabet, '8bit');
  assert.equal(d.text, undefined);
  assert.equal(d.userData.unit, 'octets');
  assert.deepEqual([...d.userData.data.subarray(0, 3)], [0x01, 0x06, 0x04]);
});

test('UCS2 text with a surrogate pair', () => {
  assert.equal(deliver(V.ucs2).text, 'Привет 😀');
});

test('concatenation IEs: 16-bit reference (no fill bits) and 8-bit reference (one fill bit)', () => {
  const a = deliver(V.c16);
  assert.deepEqual(a.concat, { ref: 0x1234, refBits: 16, total: 3, seq: 2 });
  assert.equal(a.text, undefined, 'a part of a longer message has no text of its own');
  assert.equal(Buffer.from(a.userData.data).toString('latin1'), 'World');
  const b = deliver(V.c8);
  assert.deepEqual(b.concat, { ref: 0xaa, refBits: 8, total: 2, seq: 1 });
  assert.equal(Buffer.from(b.userData.data).toString('latin1'), 'abc');
});

test('national language locking + single shift (Turkish) from the UDH', () => {
  const d = deliver(V.tr);
  assert.equal(d.text, 'ıĞİç');
  assert.ok(d.udh.some((e) => e.kind === 'language' && e.shift === 'locking' && e.language === 'turkish'));
});

test('SMS-STATUS-REPORT: reference, recipient, times and TP-ST meaning', () => {
  const r = decoded(V.sr) as SmsStatusReport;
  assert.equal(r.type, 'status-report');
  assert.equal(r.messageReference, 0x2a);
  assert.equal(r.recipient.number, '+31641600986');
  assert.equal(r.scts.date.getTime(), SCTS_DATE.getTime());
  assert.equal(r.dischargeTime.date.getTime(), SCTS_DATE.getTime() + 60_000);
  assert.equal(r.status.category, 'delivered');
  const f = decoded(V.sr41) as SmsStatusReport;
  assert.equal(f.status.category, 'permanent-failure');
  assert.equal(f.status.description, 'incompatible destination');
});

test('node-pdu defect: a truncated PDU parses without error — ours gives DecodeError(field, offset)', () => {
  const cut = V.sect.slice(0, -4);
  assert.doesNotThrow(() => nodePduParse(cut));
  const r = decodeSmsPdu(cut);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.ok(r.error instanceof DecodeError);
  assert.equal(r.error.code, 'CODEC_SMS_TRUNCATED');
  assert.equal(r.error.field, 'TP-UD');
  assert.equal(r.error.offset, 27);
});

test('octets beyond TP-UDL are decoded around with a warning, not refused (field quirk, 23.040 §9.2.3.16)', () => {
  const r = decodeSmsPdu('07911326040000F0040B911346610089F600004210724135214001C1FF');
  assert.ok(r.ok);
  const d = r.value as SmsDeliver;
  assert.equal(d.text, 'A');
  assert.deepEqual(d.warnings, ['TP-UD: 1 octet(s) of 0xFF padding after TP-UDL ignored (3GPP 31.102 §4.2.25)']);
});

test('malformed PDUs name the field and the octet offset', () => {
  const cases: Array<[string, string, number]> = [
    ['', 'SMSC length', 0],
    ['07', 'SMSC type', 1],
    ['0791', 'SMSC address', 2],
    ['07911326040000F0', 'TP-MTI', 8],
    ['07911326040000F003', 'TP-MTI', 8],
    ['07911326040000F0040B91134661', 'TP-OA', 11],
    ['07911326040000F0041991', 'TP-OA length', 9],
    ['07911326040000F0040B911346610089F60000421372413521', 'TP-SCTS', 19],
    ['07911326040000F0040B911346610089F6000042137241352140', 'TP-SCTS', 20],
    ['07911326040000F0040B911346610089F600004210724135F140', 'TP-SCTS', 24],
    ['07911326040000F0040B911346610089F6000042107241352140A1', 'TP-UDL', 26],
    ['07911326040000F0440B911346610089F6000442107241352140020605', 'TP-UDHL', 27],
    ['07911326040000F0440B911346610089F600044210724135214003020004', 'UDH IED', 28],
    ['0G', 'PDU hex', 0],
    ['079', 'PDU hex', 1],
  ];
  for (const [hex, field, offset] of cases) {
    const r = decodeSmsPdu(hex);
    assert.equal(r.ok, false, hex);
    if (r.ok) continue;
    assert.ok(r.error instanceof DecodeError, hex);
    assert.equal(r.error.field, field, hex);
    assert.equal(r.error.offset, offset, hex);
  }
});

test('an invalid concatenation IE (sequence 0) is kept raw and not treated as a part', () => {
  const d = deliver('07911326040000F0440B911346610089F60000421072413521400A050003AA0200C2E231');
  assert.equal(d.concat, undefined);
  assert.equal(d.udh[0]?.kind, 'raw');
});

test('DCS groups: class, message waiting (UCS2 store group), data coding/class', () => {
  const mk = (dcs: string, ud: string): SmsDeliver => deliver(`07911326040000F0040B911346610089F600${dcs}42107241352140${ud}`);
  const flash = mk('10', '02C834');
  assert.equal(flash.dcs.messageClass, 0);
  assert.equal(flash.text, 'Hi');
  const mwi = mk('E8', '0400480069');
  assert.equal(mwi.dcs.alphabet, 'ucs2');
  assert.deepEqual(mwi.dcs.waiting, { active: true, type: 'voicemail' });
  assert.equal(mwi.text, 'Hi');
  const f5 = mk('F5', '024869');
  assert.equal(f5.dcs.alphabet, '8bit');
  assert.equal(f5.dcs.messageClass, 1);
});

test('reserved TP-DCS alphabet (node-pdu throws "Unknown alphabet") reads as GSM 7-bit per 23.038 §4', () => {
  const d = deliver('07911326040000F0040B911346610089F6000C4210724135214002C834');
  assert.equal(d.dcs.alphabet, 'gsm7');
  assert.equal(d.text, 'Hi');
  assert.equal(d.scts.date.getTime(), SCTS_DATE.getTime());
});

test('oversize input is refused before any allocation for it', () => {
  const r = decodeSmsPdu('00'.repeat(100_000));
  assert.ok(!r.ok && r.error.field === 'PDU length');
});

test('node-pdu defect: a +00:00 TP-SCTS zone becomes the local zone — ours keeps 0 in any TZ', () => {
  const saved = process.env.TZ;
  process.env.TZ = 'Europe/Berlin';
  try {
    const hex = '07911326040000F0040B911346610089F600004210724135210006E1AF78A31803';
    const np = nodePduParse(hex) as unknown as { serviceCenterTimeStamp: { tzOff: number } };
    assert.equal(np.serviceCenterTimeStamp.tzOff, 60);
    const d = deliver(hex);
    assert.equal(d.scts.offsetMinutes, 0);
    assert.equal(d.scts.date.toISOString(), '2024-01-27T14:53:12.000Z');
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});

test('8-bit application ports (IEI 0x04) and an unknown IE kept raw', () => {
  const d = deliver('07911326040000F0440B911346610089F60004421072413521400B080402F5F0700211224142');
  assert.deepEqual(d.ports, { dst: 0xf5, src: 0xf0 });
  assert.equal(d.udh[1]?.kind, 'raw');
  if (d.udh[1]?.kind === 'raw') assert.deepEqual([d.udh[1].iei, ...d.udh[1].data], [0x70, 0x11, 0x22]);
  assert.deepEqual([...d.userData.data], [0x41, 0x42]);
});

test('without SMSC octets, offsets count from the first octet of the TPDU', () => {
  const r = decodeSmsPdu(V.sect.slice(16, -4), { smscPresent: false });
  assert.ok(!r.ok && r.error.field === 'TP-UD' && r.error.offset === 19);
});

test('well-known public samples: "hellohello" SMS-DELIVER and the alphanumeric "diafaan" sender', () => {
  const a = deliver('07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37');
  assert.equal(a.smsc?.number, '+27381000015');
  assert.equal(a.originator.number, '27838890001');
  assert.equal(a.text, 'hellohello');
  assert.equal(a.scts.date.toISOString(), '1999-03-29T13:16:59.000Z');
  assert.equal(a.scts.offsetMinutes, 120);
  const b = deliver('0791448720003023240DD0E474D81C0EBB010000111011315214000BE474D81C0EBB5DE3771B');
  assert.deepEqual([b.originator.kind, b.originator.number, b.text], ['alphanumeric', 'diafaan', 'diafaan.com']);
  assert.equal(b.statusReportIndication, true);
});
