import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeDeliver, encodeStatusReport, encodeSubmit, decodeSmsPdu, planText } from '../../../src/codec/sms/index.js';
import type { SmsDeliver, SmsStatusReport, SmsSubmit } from '../../../src/codec/sms/index.js';
import { MmsgwError } from '../../../src/util/errors.js';
import { decodeEncoded, joinedText } from './helpers.js';

const TO = '+4917612345678';

function submitParts(text: string, extra: Partial<Parameters<typeof encodeSubmit>[0]> = {}): SmsSubmit[] {
  return encodeSubmit({ to: TO, text, reference: 42, ...extra }).map((p) => decodeEncoded<SmsSubmit>(p, 'submit'));
}

test('hellohello: byte-exact SMS-SUBMIT against the well-known sample', () => {
  const [p] = encodeSubmit({ to: '+46708251358', text: 'hellohello', reference: 0, validity: 4 * 86400 });
  assert.equal(p?.hex, '0011000B916407281553F80000AA0AE8329BFD4697D9EC37');
  assert.equal(p?.tpduLength, 23);
});

test('160 GSM characters fit one part; 161 take two with 153 septets in the first', () => {
  assert.equal(submitParts('a'.repeat(160)).length, 1);
  const two = submitParts('a'.repeat(161));
  assert.equal(two.length, 2);
  assert.equal(two[0]?.userData.data.length, 153);
  assert.equal(two[1]?.userData.data.length, 8);
  assert.deepEqual(two.map((p) => p.concat?.seq), [1, 2]);
  assert.equal(joinedText(two), 'a'.repeat(161));
});

test('node-pdu defect: 7-bit text split too early — ours fills 153 septets per part', () => {
  const parts = submitParts('x'.repeat(153 * 3));
  assert.equal(parts.length, 3);
  for (const p of parts) assert.equal(p.userData.data.length, 153);
});

test('escape sequences take two septets and are never split across parts', () => {
  assert.equal(submitParts('€'.repeat(80)).length, 1);
  const parts = submitParts('€'.repeat(81));
  assert.equal(parts.length, 2);
  assert.equal(parts[0]?.userData.data.length, 152, 'the 153rd septet would split an escape');
  for (const p of parts) assert.notEqual(p.userData.data[p.userData.data.length - 1], 0x1b);
  assert.equal(joinedText(parts), '€'.repeat(81));
});

test("node-pdu defect: 130 × '[' gives odd-length hex and overflows TP-UDL — ours is exact", () => {
  const encoded = encodeSubmit({ to: TO, text: '['.repeat(130), reference: 1 });
  assert.equal(encoded.length, 2);
  const parts = encoded.map((p) => decodeEncoded<SmsSubmit>(p, 'submit'));
  assert.deepEqual(parts.map((p) => p.userData.data.length), [152, 108]);
  assert.equal(joinedText(parts), '['.repeat(130));
});

test('node-pdu defect: U+0080–U+00C0 become spaces — ours carries each exactly', () => {
  for (let cp = 0x80; cp <= 0xc0; cp++) {
    const ch = String.fromCodePoint(cp);
    const parts = submitParts(`a${ch}b`);
    assert.equal(parts.length, 1);
    assert.equal(parts[0]?.text, `a${ch}b`, `U+${cp.toString(16)}`);
  }
  assert.equal(submitParts('§¡¿£¥¤')[0]?.dcs.alphabet, 'gsm7');
  assert.equal(submitParts('©')[0]?.dcs.alphabet, 'ucs2');
});

test('node-pdu defect: emoji split across parts — ours never splits a surrogate pair, at any position', () => {
  for (let pos = 60; pos <= 140; pos++) {
    const text = `${'ж'.repeat(pos)}😀${'ю'.repeat(10)}`;
    const parts = submitParts(text);
    for (const p of parts) {
      const last = ((p.userData.data[p.userData.data.length - 2] ?? 0) << 8) | (p.userData.data[p.userData.data.length - 1] ?? 0);
      assert.ok(last < 0xd800 || last > 0xdbff, `part ends with a high surrogate at position ${pos}`);
      assert.ok(p.userData.data.length <= 134);
    }
    assert.equal(joinedText(parts), text);
  }
});

test('UCS2: 70 code units in one part, 67 per concatenated part (66 with a 16-bit reference)', () => {
  assert.equal(submitParts('ж'.repeat(70)).length, 1);
  const parts = submitParts('ж'.repeat(71));
  assert.deepEqual(parts.map((p) => p.userData.data.length / 2), [67, 4]);
  const wide = submitParts('ж'.repeat(71), { referenceBits: 16 });
  assert.deepEqual(wide.map((p) => p.userData.data.length / 2), [66, 5]);
  assert.equal(wide[0]?.concat?.refBits, 16);
  assert.equal(wide[0]?.concat?.ref, 42);
});

test('7-bit with a 16-bit reference carries 152 septets per part', () => {
  const parts = submitParts('b'.repeat(200), { referenceBits: 16 });
  assert.deepEqual(parts.map((p) => p.userData.data.length), [152, 48]);
});

test("node-pdu defect: TP-VPF wrong in the first octet on the first call — ours sets it in every part", () => {
  const parts = encodeSubmit({ to: TO, text: 'v'.repeat(170), reference: 5, validity: 3600, statusReport: true, messageReference: 255 });
  for (const [i, p] of parts.entries()) {
    const fo = parseInt(p.hex.slice(2, 4), 16);
    assert.equal((fo >> 3) & 3, 2, 'relative TP-VPF');
    assert.equal(fo & 0x20, 0x20, 'TP-SRR');
    const s = decodeEncoded<SmsSubmit>(p, 'submit');
    assert.deepEqual(s.validity, { format: 'relative', seconds: 3600 });
    assert.equal(s.statusReportRequest, true);
    assert.equal(s.messageReference, (255 + i) & 0xff);
  }
});

test('validity: relative rounding never shortens; absolute round-trips with its zone', () => {
  for (const secs of [60, 300, 301, 43200, 43201, 86400, 90000, 30 * 86400, 31 * 86400, 500 * 86400]) {
    const [s] = submitParts('v', { validity: secs });
    assert.equal(s?.validity?.format, 'relative');
    if (s?.validity?.format === 'relative') assert.ok(s.validity.seconds >= Math.min(secs, 63 * 7 * 86400), String(secs));
  }
  const until = new Date('2030-05-06T07:08:09Z');
  const [a] = submitParts('v', { validity: { until, offsetMinutes: -330 } });
  assert.deepEqual(a?.validity, { format: 'absolute', date: until, offsetMinutes: -330 });
});

test('national language tables: Turkish locking+single, Spanish single shift, Portuguese', () => {
  const tr = 'Işık ğüneş Çiçek İstanbul';
  assert.equal(submitParts(tr)[0]?.dcs.alphabet, 'ucs2', 'without a language, UCS2');
  const [t] = submitParts(tr, { nationalLanguage: 'turkish' });
  assert.equal(t?.dcs.alphabet, 'gsm7');
  assert.equal(t?.text, tr);
  assert.ok(t?.udh.some((e) => e.kind === 'language' && e.language === 'turkish'));
  const es = 'Canción de acción: ÁÍÓÚ áíóú ç';
  const [s] = submitParts(es, { nationalLanguage: 'spanish' });
  assert.equal(s?.dcs.alphabet, 'gsm7');
  assert.deepEqual(s?.udh.map((e) => (e.kind === 'language' ? e.shift : e.kind)), ['single']);
  assert.equal(s?.text, es);
  const pt = 'Informação: você está à procura de ações? ÔÕÃ ê ª º ∞';
  const [p] = submitParts(pt, { nationalLanguage: 'portuguese' });
  assert.equal(p?.dcs.alphabet, 'gsm7');
  assert.equal(p?.text, pt);
});

test('language shift IEs reduce the concatenated part to 149 septets (single shift)', () => {
  const plan = planText('á'.repeat(100), { nationalLanguage: 'spanish' });
  assert.equal(plan.alphabet, 'gsm7');
  assert.deepEqual(plan.parts.map((p) => p.length), [148, 52], '149 septets less one so the escape pair is not split');
  const plain = planText('á'.repeat(70), { nationalLanguage: 'spanish' });
  assert.deepEqual(plain.parts.map((p) => p.length), [140], 'single part with a 4-octet header: 160 - 5 = 155 septets');
});

test("explicit alphabets: 'ucs2' forces UCS2; 'gsm7' refuses what it cannot carry", () => {
  assert.equal(submitParts('plain', { alphabet: 'ucs2' })[0]?.dcs.alphabet, 'ucs2');
  assert.throws(() => encodeSubmit({ to: TO, text: 'ж', alphabet: 'gsm7', reference: 0 }), MmsgwError);
});

test('SMSC in front of the TPDU, and "00" for the stored SMSC', () => {
  const [a] = encodeSubmit({ to: TO, text: 'x', reference: 0, smsc: '+31624000000' });
  assert.ok(a?.hex.startsWith('07911326040000F0'));
  assert.equal(decodeEncoded<SmsSubmit>(a!, 'submit').smsc?.number, '+31624000000');
  const [b] = encodeSubmit({ to: TO, text: 'x', reference: 0 });
  assert.ok(b?.hex.startsWith('00'));
});

test('addresses: * and # in destinations; bad input is refused with a typed error', () => {
  const [s] = submitParts('x', { to: '*100#' });
  assert.equal(s?.destination.number, '*100#');
  assert.throws(() => encodeSubmit({ to: 'not a number', text: 'x', reference: 0 }), MmsgwError);
  assert.throws(() => encodeSubmit({ to: TO, reference: 0 }), MmsgwError);
  assert.throws(() => encodeSubmit({ to: TO, text: 'x', reference: 256 }), MmsgwError);
  assert.throws(() => encodeSubmit({ to: TO, text: 'x'.repeat(153 * 256), reference: 0 }), MmsgwError);
});

test('binary data with ports: 16-bit port IE, 8-bit DCS, 128 octets per concatenated part', () => {
  const data = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  const parts = encodeSubmit({ to: TO, data, port: { dst: 2948, src: 9200 }, reference: 9 }).map((p) => decodeEncoded<SmsSubmit>(p, 'submit'));
  assert.deepEqual(parts.map((p) => p.userData.data.length), [128, 128, 44]);
  for (const p of parts) {
    assert.deepEqual(p.ports, { dst: 2948, src: 9200 });
    assert.equal(p.dcs.alphabet, '8bit');
  }
  assert.deepEqual(Buffer.concat(parts.map((p) => p.userData.data)), Buffer.from(data));
});

test('SMS-DELIVER encoder: alphanumeric sender, zone, status-report indication', () => {
  const scts = new Date('2025-03-04T05:06:07Z');
  const [p] = encodeDeliver({ from: 'MyBank', text: 'Code 1234', scts, sctsOffsetMinutes: 120, statusReportIndication: true, smsc: '+4917000' });
  // Expected octets assembled by hand (not by our decoder), 3GPP 23.040 §9.2.2.1:
  //   05 91 94 71 00 F0        SMSC +4917000 (24.011 §8.2.5.1)
  //   24                       TP-MTI 00, TP-MMS 1 (0x04), TP-SRI 1 (0x20)
  //   0B D0 CD BC 30 EC 5E 03  TP-OA: 11 semi-octets, alphanumeric (TON 101), "MyBank" in 7-bit (§9.1.2.5)
  //   00 00                    TP-PID, TP-DCS (GSM 7-bit)
  //   52 30 40 70 60 70 80     TP-SCTS 25-03-04 07:06:07, +8 quarters = +02:00 (§9.2.3.11)
  //   09 C3 37 B9 0C 8A C9 66 34  TP-UDL 9 septets, "Code 1234" packed (23.038 §6.1.2.1.1)
  assert.equal(p!.hex, '0591947100F0240BD0CDBC30EC5E0300005230407060708009C337B90C8AC96634');
  const d = decodeEncoded<SmsDeliver>(p!, 'deliver');
  assert.equal(d.originator.number, 'MyBank');
  assert.equal(d.originator.kind, 'alphanumeric');
  assert.equal(d.text, 'Code 1234');
  assert.equal(d.scts.date.getTime(), scts.getTime());
  assert.equal(d.scts.offsetMinutes, 120);
  assert.equal(d.statusReportIndication, true);
});

test('SMS-STATUS-REPORT encoder round-trips every category', () => {
  const base = { messageReference: 77, recipient: TO, scts: new Date('2025-01-01T00:00:00Z'), dischargeTime: new Date('2025-01-01T00:00:30Z'), offsetMinutes: -180 };
  // Hand-assembled (23.040 §9.2.2.3): SMSC 00 (stored one), first octet 06 (TP-MTI 10, TP-MMS 1),
  // TP-MR 4D, TP-RA 0D 91 94 71 16 32 54 76 F8, TP-SCTS 24-12-31 21:00:00 −03:00 (12 quarters with
  // the sign bit: 29), TP-DT 21:00:30, TP-ST 46.
  assert.equal(encodeStatusReport({ ...base, status: 0x46 }).hex, '00064D0D91947116325476F8422113120000294221131200032946');
  const expected: Array<[number, string]> = [[0x00, 'delivered'], [0x21, 'still-trying'], [0x46, 'permanent-failure'], [0x62, 'temporary-failure']];
  for (const [st, category] of expected) {
    const r = decodeSmsPdu(encodeStatusReport({ ...base, status: st }).hex);
    assert.ok(r.ok);
    const sr = r.value as SmsStatusReport;
    assert.equal(sr.messageReference, 77);
    assert.equal(sr.status.category, category);
    assert.equal(sr.dischargeTime.date.getTime(), base.dischargeTime.getTime());
    assert.equal(sr.dischargeTime.offsetMinutes, -180);
  }
});

test('addresses: separators are ignored; letter-only senders stay alphanumeric', () => {
  const [s] = submitParts('x', { to: '+49 (176) 123-45.678' });
  assert.equal(s?.destination.number, '+4917612345678');
  const [p] = encodeDeliver({ from: 'CAB', text: 'x' });
  const d = decodeEncoded<SmsDeliver>(p!, 'deliver');
  assert.equal(d.originator.kind, 'alphanumeric');
  assert.equal(d.originator.number, 'CAB');
  assert.throws(() => encodeDeliver({ from: 'x', text: 'x', sctsOffsetMinutes: 10 }), MmsgwError);
  assert.throws(() => encodeDeliver({ from: 'Sender€', text: 'x' }), MmsgwError);
});
