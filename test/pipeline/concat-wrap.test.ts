/**
 * Concatenation references wrap (3GPP 23.040 §9.2.3.24.1: an 8-bit reference, so every 256th
 * message from one originator reuses it). A burst of 1,000 MMS notifications by WAP Push from
 * one MMSC, each over several SMS, all recorded before the assembler catches up (the worst
 * case: segments of messages 256 apart are open at the same time) and arriving interleaved.
 * On the receive pipeline with a real SQLite store: every notification becomes exactly one
 * message with its own transaction id and location — nothing lost, nothing merged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildNotificationInd, encodeMms } from '../../src/codec/mms/index.js';
import { encodeWapPushDeliver } from '../../src/codec/sms/index.js';
import { encodePush } from '../../src/codec/wsp/index.js';
import { pipelineHandlers } from '../../src/pipeline/handlers.js';
import type { Retriever } from '../../src/pipeline/retrieve.js';
import { acceptSms } from '../../src/pipeline/sms-intake.js';
import { mulberry32 } from '../../src/util/prng.js';
import { harness } from './harness.js';

const COUNT = 1000;
const MMSC = '+15550009999';

function pushFor(i: number): Uint8Array {
  const txid = `wrap-${String(i).padStart(4, '0')}`;
  const mms = encodeMms(buildNotificationInd({
    transactionId: txid, contentLocation: `http://mmsc.example/wrap/${txid}/${'p'.repeat(120)}`, messageSize: 1000 + i, expiry: 86400, from: '+15551230000',
  }));
  return encodePush({ transactionId: i & 0xff, pduType: 0x06, headers: [], applicationId: 4, contentType: { mediaType: 'application/vnd.wap.mms-message', params: {} }, body: mms });
}

test(`a burst of ${COUNT} WAP Pushes from one originator with wrapping 8-bit references: nothing lost, nothing merged`, { timeout: 600_000 }, async () => {
  const h = await harness();
  try {
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
    const segs: string[][] = [];
    for (let i = 0; i < COUNT; i++) {
      // One push a second from the MMSC's SMSC: the SC time stamps of messages 256 apart differ.
      const parts = encodeWapPushDeliver(MMSC, pushFor(i), { reference: i % 256, scts: new Date(t0 + i * 1000) }).map((p) => p.hex);
      assert.ok(parts.length >= 2, 'each push needs more than one SMS');
      segs.push(parts);
    }
    // Arrival: within blocks of 300 messages the segments come in random order, so the
    // segments of message i and i + 256 are open together; no message is complete early.
    const rnd = mulberry32(2948);
    const arrival: string[] = [];
    for (let b = 0; b < COUNT; b += 300) {
      const block = segs.slice(b, b + 300).flat();
      for (let i = block.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [block[i], block[j]] = [block[j] as string, block[i] as string];
      }
      arrival.push(...block);
    }
    for (const [n, pdu] of arrival.entries()) {
      const r = acceptSms(h.ctx, { pdu, receivedAt: new Date(h.clock.now + n) });
      assert.equal(r.kind, 'recorded');
      assert.equal(r.kind === 'recorded' && r.duplicate, false, `segment ${n} is not a duplicate`);
    }
    h.clock.now += arrival.length + 1;
    const deferred: string[] = [];
    const mm1: Retriever = {
      retrieve: () => Promise.reject(new Error('not fetched in this test')),
      notifyResp: (txid) => {
        deferred.push(txid);
        return Promise.resolve([]);
      },
      use: (fn) => fn(),
    };
    const handlers = pipelineHandlers(h.ctx, {
      assemble: { concatTimeoutMs: 60 * 60_000 },
      relay: { mailer: h.mailer, instanceId: 't1', attachRawMms: false },
      retrieve: { mm1, tmpDir: h.dir, maxSize: 1_000_000, retrieval: 'deferred', reportAllowed: false },
    });
    await h.drain(handlers, 20 * COUNT);

    const msgs = h.store.messages.list({ direction: 'in', limit: 10 * COUNT });
    const others = msgs.filter((m) => m.kind !== 'mms');
    const txids = msgs.filter((m) => m.kind === 'mms').map((m) => m.transactionId).sort();
    const expected = Array.from({ length: COUNT }, (_, i) => `wrap-${String(i).padStart(4, '0')}`);
    const lost = expected.filter((t) => !txids.includes(t)).length;
    assert.deepEqual(others.map((m) => m.subject), [], `no push was rejected or undecodable (${lost} of ${COUNT} notifications lost)`);
    assert.deepEqual(txids, expected, `one message per notification (${lost} of ${COUNT} lost)`);
    for (const m of msgs) {
      assert.equal(m.incomplete, false);
      assert.ok(m.contentLocation?.startsWith(`http://mmsc.example/wrap/${m.transactionId}/`), `${m.transactionId}: its own location`);
      assert.equal(m.size, 1000 + Number(m.transactionId?.slice(5)));
    }
    assert.equal(h.store.intake.allOpenSegments().length, 0, 'every segment consumed');
    assert.equal(new Set(deferred).size, COUNT);
  } finally {
    await h.close();
  }
});
