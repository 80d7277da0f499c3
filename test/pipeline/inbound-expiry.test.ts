/**
 * A received MMS whose X-Mms-Expiry passes before it could be fetched: the receive pipeline on
 * real parts (SQLite file, job worker, injectable clock) marks it expired and mails its owner —
 * the mailbox it would have been relayed to — once, through the notifier. The notification is
 * the hand-assembled fixture test/fixtures/inbound/v10-latin1-ascii.push.hex (expiry one day).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { encodeWapPushDeliver } from '../../src/codec/sms/index.js';
import { pipelineHandlers } from '../../src/pipeline/handlers.js';
import type { Retriever } from '../../src/pipeline/retrieve.js';
import type { ReplyMail } from '../../src/mail/in/reply.js';
import { acceptSms } from '../../src/pipeline/sms-intake.js';
import { parseHexFixture } from '../../src/sim/mmsc/index.js';
import { harness } from './harness.js';

test('X-Mms-Expiry passed before the fetch: message expired, the owner told once, nothing fetched', async () => {
  const h = await harness();
  try {
    let calls = 0;
    const retriever: Retriever = {
      async retrieve() {
        calls += 1;
        throw Object.assign(new Error('MMSC unreachable'), { code: 'BEARER_NO_ROUTE', transient: true });
      },
      async notifyResp() { return []; },
      use: (fn) => fn(),
    };
    const notices: ReplyMail[] = [];
    const handlers = pipelineHandlers(h.ctx, {
      assemble: { concatTimeoutMs: 60 * 60_000 },
      relay: { mailer: h.mailer, instanceId: 't1', attachRawMms: false },
      retrieve: { mm1: retriever, tmpDir: h.dir, maxSize: 1_000_000, retrieval: 'immediate', reportAllowed: false },
      notify: { notifier: { send: async (m) => { notices.push(m); } }, from: 'mmsgw@box.test', reports: true },
    });
    const push = parseHexFixture(readFileSync(new URL('../fixtures/inbound/v10-latin1-ascii.push.hex', import.meta.url), 'utf8'))('http://mmsc.example/r/1');
    for (const p of encodeWapPushDeliver('+15551230000', push, { reference: 3 })) acceptSms(h.ctx, { pdu: p.hex, receivedAt: new Date(h.clock.now) });
    // The harness's drain rethrows a job's failure after recording it (retry in 60 s).
    await assert.rejects(h.drain(handlers), /MMSC unreachable/);
    assert.equal(calls, 1, 'one fetch attempt, which failed transiently');
    h.clock.now += 2 * 86_400_000; // past the one-day X-Mms-Expiry
    await assert.rejects(h.drain(handlers), /expired/);
    await h.drain(handlers);
    h.clock.now += 120_000;
    await h.drain(handlers);
    const [msg] = h.store.messages.list({ direction: 'in' });
    assert.equal(msg?.state, 'expired');
    assert.equal(calls, 1, 'not fetched after its expiry');
    assert.equal(notices.length, 1, 'the owner told once');
    assert.equal(notices[0]?.to, 'inbox@company.test');
    assert.match(notices[0]?.subject ?? '', /MMS from \+15551230000 "Fixture 1\.0"$/);
    assert.match(notices[0]?.text ?? '', /expired/);
    assert.match(notices[0]?.text ?? '', /before it could be fetched/);
    assert.equal(h.sink.mails.length, 0, 'nothing relayed');
  } finally {
    await h.close();
  }
});
