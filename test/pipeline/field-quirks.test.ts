/**
 * Field quirks downstream: the receive pipeline on real parts (SQLite file, SMTP sink, mail
 * relay) fed with the hand-assembled field-quirk fixtures. A notification with a stray octet
 * after its last header is still fetched; a message whose parts carry a textual
 * Content-Transfer-Encoding is mailed decoded (checked by Python's email package), the store
 * keeps the raw PDU byte for byte, and the warnings are stored with the message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMms, type MmsStatus } from '../../src/codec/mms/index.js';
import { encodeWapPushDeliver } from '../../src/codec/sms/index.js';
import { pipelineHandlers } from '../../src/pipeline/handlers.js';
import type { Retriever } from '../../src/pipeline/retrieve.js';
import { acceptSms } from '../../src/pipeline/sms-intake.js';
import { reprocessMessage } from '../../src/ops/reprocess.js';
import { pythonParse } from '../helpers/e2e.js';
import { harness } from './harness.js';

const dir = new URL('../fixtures/field-quirks/', import.meta.url).pathname;
const fixture = (name: string): Buffer => readFileSync(join(dir, name));
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** An MMSC that serves one m-retrieve-conf for any location, and records what it was told. */
function mmsc(body: Buffer, tmpDir: string) {
  const fetched: string[] = [];
  const responses: Array<[string, MmsStatus]> = [];
  const retriever: Retriever = {
    async retrieve(location, o) {
      fetched.push(location);
      const file = join(o.destDir, `mm1-${fetched.length}.part`);
      writeFileSync(file, body);
      const pdu = decodeMms(body);
      if (!pdu.ok) throw pdu.error;
      return { file, bytes: body.length, body, pdu: pdu.value, attempts: [] };
    },
    async notifyResp(txid, status) {
      responses.push([txid, status]);
      return [];
    },
    use: (fn) => fn(),
  };
  return { retriever, fetched, responses, tmpDir };
}

test('a WAP Push whose notification has a stray 0x0A is fetched; base64/textual Content-ID parts are mailed decoded; warnings stored', async () => {
  const h = await harness();
  try {
    const rc = fixture('retrieve-conf-cte-base64-textual-content-id.mms');
    const m = mmsc(rc, h.dir);
    const handlers = pipelineHandlers(h.ctx, {
      assemble: { concatTimeoutMs: 60 * 60_000 },
      relay: { mailer: h.mailer, instanceId: 't1', attachRawMms: false },
      retrieve: { mm1: m.retriever, tmpDir: h.dir, maxSize: 1_000_000, retrieval: 'immediate', reportAllowed: false },
    });
    const push = fixture('push-notification-trailing-0a.bin');
    for (const p of encodeWapPushDeliver('+15551230000', push, { reference: 9 })) acceptSms(h.ctx, { pdu: p.hex, receivedAt: new Date(h.clock.now) });
    await h.drain(handlers);

    assert.deepEqual(m.fetched, ['http://mmsc.example/fq/0001'], 'the notification was acted on');
    assert.deepEqual(m.responses, [['FQ-0001', 'retrieved']]);
    const [msg] = h.store.messages.list({ direction: 'in' });
    assert.ok(msg);
    assert.equal(msg.state, 'relayed');
    assert.equal(msg.transactionId, 'FQ-0001');
    const warnings = msg.warnings ?? [];
    assert.ok(warnings.some((w) => /after the last complete header/.test(w)), `notification warning stored: ${JSON.stringify(warnings)}`);
    assert.ok(warnings.some((w) => /Content-Transfer-Encoding "base64" decoded/.test(w)), 'part warning stored');

    const raw = h.store.content.rawPdusOf(msg.id).find((r) => r.kind === 'mms-retrieve-conf');
    assert.ok(raw);
    assert.equal(sha(await h.store.content.rawPduBody(raw)), sha(rc), 'the store keeps the raw PDU untouched');

    assert.equal(h.sink.mails.length, 1);
    const py = pythonParse(h.sink.mails[0]!.raw);
    assert.deepEqual(py.defects, []);
    const text = py.parts.find((p) => p.contentType === 'text/plain');
    assert.ok(text?.text?.includes('Grüße aus dem Feld — base64 part'), `decoded text in the mail: ${JSON.stringify(text?.text)}`);
    const gif = py.parts.find((p) => p.contentType === 'image/gif');
    assert.equal(gif?.sha256, sha(Buffer.from('474946383961010001008000000000ffffff21f90401000000002c00000000010001000002024401003b', 'hex')), 'the image is mailed decoded');

    // `mmsgw reprocess` (a message stored before this decoder knew the quirk) gets the same reading.
    const again = await reprocessMessage(h.store, msg.id, { relay: false, now: h.clock.now });
    assert.deepEqual(again.partsAfter.map((p) => p.size), [89, 38, 42], 'decoded part sizes');
    assert.deepEqual(h.store.messages.get(msg.id)?.warnings, warnings, 'the warnings are not doubled');
  } finally {
    await h.close();
  }
});

test('an SMS with octets beyond TP-UDL is relayed (not quarantined) and its warning stored', async () => {
  const h = await harness();
  try {
    const handlers = pipelineHandlers(h.ctx, { assemble: { concatTimeoutMs: 60_000 }, relay: { mailer: h.mailer, instanceId: 't1', attachRawMms: false } });
    const r = acceptSms(h.ctx, { pdu: fixture('sms-deliver-octets-beyond-udl.hex').toString('latin1').trim(), receivedAt: new Date(h.clock.now) });
    assert.equal(r.kind, 'recorded');
    await h.drain(handlers);
    const [msg] = h.store.messages.list({ direction: 'in' });
    assert.equal(msg?.state, 'relayed');
    assert.deepEqual(msg?.warnings, ['TP-UD: 3 octet(s) beyond TP-UDL ignored (3GPP 23.040 §9.2.3.16)']);
    assert.equal(h.sink.mails.length, 1);
    assert.match(pythonParse(h.sink.mails[0]!.raw).parts[0]?.text ?? '', /hellohello/);
  } finally {
    await h.close();
  }
});
