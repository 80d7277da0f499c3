/**
 * The hand-assembled SMS-DELIVER fixtures (test/fixtures/inbound/*.sms.hex, make_sms.py) read by
 * node-pdu, a decoder nobody here wrote, so that a slip in the hand assembly shows before the
 * fixtures are used as an oracle for the gateway (test/e2e/inbound-sms-fixtures.test.ts): sender,
 * TP-DCS, the concatenation header of each segment, and the joined texts as written by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse as nodePduParse } from 'node-pdu';

interface NodePduDeliver {
  address: { phone: string };
  dataCodingScheme: { getValue(): number };
  data: { getText(): string; _parts: Array<{ header?: { toJSON(): { POINTER: number; SEGMENTS: number; CURRENT: number } } }> };
}

const DIR = new URL('../../fixtures/inbound/', import.meta.url);
const pdus = (name: string): string[] => readFileSync(new URL(name, DIR), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));

const CASES = [
  { file: 'ucs2-2seg.sms.hex', phone: '15551230001', dcs: 0x08, ref: 0xbeef, text: 'Grüße aus Zürich — 你好, this UCS2 text needs two segments 👋 and keeps its emoji whole. Ende.' },
  { file: 'gsm7-2seg.sms.hex', phone: '15551230002', dcs: 0x00, ref: 0x7b, text: 'GSM 7-bit fixture: @ £ $ é è ä ö ü ß Ä Ö Ü, extension € [x] {y} ~ | ^ \\. This text is longer than one segment, so it comes in two parts that the gateway joins again. End.' },
];

for (const c of CASES) {
  test(`node-pdu reads ${c.file} as assembled`, () => {
    const parsed = pdus(c.file).map((p) => nodePduParse(p) as unknown as NodePduDeliver);
    assert.equal(parsed.length, 2);
    parsed.forEach((p, i) => {
      assert.equal(p.address.phone, c.phone);
      assert.equal(p.dataCodingScheme.getValue(), c.dcs);
      assert.deepEqual(p.data._parts[0]?.header?.toJSON(), { POINTER: c.ref, SEGMENTS: 2, CURRENT: i + 1 });
    });
    assert.equal(parsed.map((p) => p.data.getText()).join(''), c.text);
  });
}

test('node-pdu reads the WAP Push segments: 8-bit data, ports 2948/9200, one reference', () => {
  const parsed = pdus('wap-push-2seg.sms.hex').map((p) => nodePduParse(p) as unknown as NodePduDeliver);
  assert.equal(parsed.length, 2);
  parsed.forEach((p, i) => {
    assert.equal(p.address.phone, '15550109999');
    assert.equal(p.dataCodingScheme.getValue(), 0x04);
    assert.deepEqual(p.data._parts[0]?.header?.toJSON(), { POINTER: 0x5a, SEGMENTS: 2, CURRENT: i + 1 });
  });
});
