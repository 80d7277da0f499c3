import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSendReq, decodeMms, encodeMms } from '../../src/codec/mms/index.js';
import { encodeSubmit } from '../../src/codec/sms/index.js';
import { composeOutbound } from '../../src/compose/plan.js';
import { measureSms } from '../../src/compose/sms-length.js';
import { testImage } from './images.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dissect, fieldValues, httpPostPacket, pcap, tsharkVersion } from '../helpers/pcap.js';

test('the SMS count of a plan is what codec/sms encodeSubmit produces', () => {
  const texts = ['hi', 'a'.repeat(160), 'a'.repeat(161), 'a'.repeat(152) + '€' + 'b'.repeat(152), '€'.repeat(81), 'ж'.repeat(70), 'ж'.repeat(71), 'ж'.repeat(66) + '😀' + 'ж'.repeat(66), 'x'.repeat(459), 'x'.repeat(460)];
  for (const text of texts) {
    const pdus = encodeSubmit({ to: '+491701234567', text, reference: 7 });
    assert.equal(measureSms(text).segments, pdus.length, `${text.slice(0, 12)}… (${text.length} chars)`);
  }
});

test('an MMS plan encodes to an m-send-req within the carrier limit and decodes back', async () => {
  const limit = 80 * 1024;
  const photo = await testImage(1200, 900, 'jpeg');
  assert.ok(photo.byteLength > limit, 'the photo has to be shrunk');
  const r = await composeOutbound(
    { to: ['+491701234567', '+491709999999'], subject: 'Holiday', text: 'Greetings from the sea <3 & more', attachments: [{ filename: 'beach "1".jpg', contentType: 'image/jpeg', content: photo }] },
    { mmsMaxBytes: limit },
  );
  assert.ok(r.ok && r.plan.kind === 'mms', r.ok ? '' : r.refusal.reason);
  const plan = r.plan;
  const pdu = buildSendReq({
    transactionId: 'T1',
    to: plan.to.map((n) => `${n}/TYPE=PLMN`),
    ...(plan.subject ? { subject: plan.subject } : {}),
    parts: plan.parts.map((p) => ({ contentType: p.contentType, body: p.body, contentId: `<${p.contentId}>`, contentLocation: p.contentLocation, name: p.contentLocation, ...(p.charset ? { charset: p.charset } : {}) })),
    smil: plan.smil,
  });
  const bytes = encodeMms(pdu);
  assert.ok(bytes.byteLength <= limit, `m-send-req is ${bytes.byteLength} bytes`);
  assert.ok(bytes.byteLength <= plan.estimatedSize, `estimate ${plan.estimatedSize} must not undercount ${bytes.byteLength}`);
  const back = decodeMms(bytes);
  assert.ok(back.ok, back.ok ? '' : back.error.message);
  const locations = back.value.parts.map((p) => p.contentLocation);
  for (const p of plan.parts) {
    assert.ok(locations.includes(p.contentLocation), `${p.contentLocation} in ${locations.join(', ')}`);
    assert.ok(plan.smil.includes(`src="${p.contentLocation}"`), `SMIL refers to ${p.contentLocation}`);
  }
  assert.equal(back.value.subject, 'Holiday');
  // The same octets read by Wireshark's MMSE/WSP dissectors, which nobody here wrote.
  if (tsharkVersion() !== undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'mmsgw-fit-'));
    try {
      const file = join(dir, 'send-req.pcap');
      writeFileSync(file, pcap([httpPostPacket(bytes)]));
      const [packet] = dissect(file);
      assert.ok(packet);
      assert.deepEqual(fieldValues(packet, 'mmse.subject'), ['Holiday']);
      assert.deepEqual(fieldValues(packet, 'mmse.to').sort(), ['+491701234567/TYPE=PLMN', '+491709999999/TYPE=PLMN']);
      const types = fieldValues(packet, 'wsp.header.content_type');
      assert.equal(types[0], 'application/vnd.wap.multipart.related');
      assert.deepEqual(types.slice(1).sort(), ['application/smil', ...plan.parts.map((p) => p.contentType)].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
