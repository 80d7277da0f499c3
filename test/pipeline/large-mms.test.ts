/**
 * A large MMS relayed through a real SMTP server (the mail sink): its picture and its raw PDU go
 * from their blob files into the SMTP stream (src/pipeline/body-files.ts, src/mail/out
 * `renderMailStream`), never loaded whole by the relay. Checked with Python's email package:
 * the decoded attachments are byte for byte the originals (sha256). A blob the disk damaged
 * fails the relay with STORE_BLOB_CORRUPT and nothing is mailed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { encodeMms, type MmsPart } from '../../src/codec/mms/index.js';
import { isBodyFile } from '../../src/mail/out/body-file.js';
import { MailRelay } from '../../src/mail/out/relay.js';
import { silentLogger } from '../../src/util/log.js';
import { relayMessage, relayMessageOf, type RelayDeps } from '../../src/pipeline/relay.js';
import { mmsAddress, mmsPdu } from '../../src/sim/mmsc/pdus.js';
import { pythonParse } from '../helpers/e2e.js';
import { harness, type Harness } from './harness.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const IMAGE_BYTES = 3 * 1024 * 1024;

async function storeLargeMms(h: Harness, image: Buffer): Promise<{ msgId: number; raw: Uint8Array }> {
  const parts: MmsPart[] = [
    { contentType: 'application/smil', params: {}, name: 'smil.smil', contentId: '<smil>', body: Buffer.from('<smil><body><par><img src="big.jpg"/><text src="t.txt"/></par></body></smil>') },
    { contentType: 'image/jpeg', params: {}, name: 'big.jpg', contentLocation: 'big.jpg', body: image },
    { contentType: 'text/plain', params: { charset: 'utf-8' }, charset: 'utf-8', contentLocation: 't.txt', name: 't.txt', body: Buffer.from('Grüße vom großen Bild') },
  ];
  const raw = encodeMms(mmsPdu({
    messageType: 'm-retrieve-conf',
    transactionId: 'big-1',
    mmsVersion: '1.2',
    date: new Date(h.clock.now),
    from: mmsAddress('+4915112345678'),
    to: [mmsAddress('+15550100001')],
    subject: 'large',
    contentType: { mediaType: 'application/vnd.wap.multipart.related', params: {} },
    parts,
  }));
  const m = h.store.messages.insert({ direction: 'in', kind: 'mms', state: 'retrieved', from: '+4915112345678/TYPE=PLMN', to: ['+15550100001'], subject: 'large', transactionId: 'big-1', at: h.clock.now });
  await h.store.saveRawPdu({ kind: 'mms-retrieve-conf', body: raw, msgId: m.id, receivedAt: h.clock.now, source: 'mmsc' });
  await h.store.saveParts(m.id, parts.map((p) => ({ contentType: p.contentType, params: p.params, name: p.name ?? null, filename: p.name ?? null, contentId: p.contentId ?? null, contentLocation: p.contentLocation ?? null, charset: p.charset ?? null, body: p.body })));
  return { msgId: m.id, raw };
}

test('a 3 MB MMS is relayed from its blob files; Python decodes the picture and the raw PDU byte for byte', async (t) => {
  const h = await harness();
  try {
    const image = randomBytes(IMAGE_BYTES);
    const { msgId, raw } = await storeLargeMms(h, image);
    // The harness's relay, rendering with the raw PDU attached (mail.out.attachRawMms).
    const render = { addressDomain: 'sms.test', attachRawMms: true };
    const relayer = new MailRelay({ smtp: { host: '127.0.0.1', port: h.sink.port, requireTLS: false }, render, log: silentLogger });
    t.after(() => relayer.close());
    const mailer = { ...h.mailer, relay: relayer.relay.bind(relayer) };
    const deps: RelayDeps = { mailer, instanceId: 't1', attachRawMms: true };

    // The media and the raw PDU are handed to the mail side as files; the text and SMIL as bytes.
    const row = h.store.messages.get(msgId);
    assert.ok(row);
    const msg = await relayMessageOf(h.ctx, deps, row);
    const picture = msg.parts.find((p) => p.contentType === 'image/jpeg');
    assert.ok(picture && isBodyFile(picture.body), 'the picture is streamed from its blob file, not loaded');
    assert.equal(picture.body.size, IMAGE_BYTES);
    assert.ok(msg.rawMms !== undefined && isBodyFile(msg.rawMms), 'the raw PDU is streamed from its blob file');
    for (const p of msg.parts.filter((q) => q.contentType !== 'image/jpeg')) assert.ok(!isBodyFile(p.body), `${p.contentType} is bytes`);

    await relayMessage(h.ctx, deps, msgId);
    assert.equal(h.store.messages.get(msgId)?.state, 'relayed');
    assert.equal(h.sink.mails.length, 1);
    const py = pythonParse(h.sink.mails[0]!.raw);
    assert.deepEqual(py.defects, []);
    const jpeg = py.parts.find((p) => p.contentType === 'image/jpeg');
    assert.equal(jpeg?.sha256, sha(image), 'the attachment decodes to the original picture');
    const mms = py.parts.find((p) => p.contentType === 'application/vnd.wap.mms-message');
    assert.equal(mms?.sha256, sha(raw), 'the raw PDU attachment decodes to the stored PDU');
    assert.ok(py.parts.some((p) => p.contentType === 'text/plain' && (p.text ?? '').includes('Grüße vom großen Bild')));
  } finally {
    await h.close();
  }
});

test('a damaged blob fails the relay with STORE_BLOB_CORRUPT and nothing is mailed', async () => {
  const h = await harness();
  try {
    const { msgId } = await storeLargeMms(h, randomBytes(64 * 1024));
    const part = h.store.content.parts(msgId).find((p) => p.contentType === 'image/jpeg');
    const path = part && h.store.content.partFile(part);
    assert.ok(path);
    writeFileSync(path, randomBytes(64 * 1024));
    await assert.rejects(relayMessage(h.ctx, { mailer: h.mailer, instanceId: 't1', attachRawMms: false }, msgId), (e: { code?: string }) => e.code === 'STORE_BLOB_CORRUPT');
    assert.equal(h.sink.mails.length, 0);
    assert.notEqual(h.store.messages.get(msgId)?.state, 'relayed');
  } finally {
    await h.close();
  }
});
