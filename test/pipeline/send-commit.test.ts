import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMms } from '../../src/codec/mms/index.js';
import { asJobFinal } from '../../src/pipeline/last-writes.js';
import { sendMms, sendSms, type MmsSender, type SmsSender } from '../../src/pipeline/send.js';
import { walCommits } from '../store/helpers.js';
import { harness, type Harness } from './harness.js';

/**
 * Before an MMS is posted, two commits: the one that marks it `submitting` — with the modem it
 * goes through and its m-send-req kept raw — and the submission's, once the bearer is up. An
 * SMS the same: submitting with its modem, then each part before its AT+CMGS. Commits are
 * counted in the WAL's commit frames (SQLite file format §4.1); the MM1 and modem sides are the
 * test's own, looking at the store when the message leaves.
 */

function outbound(h: Harness, kind: 'sms' | 'mms'): number {
  const msg = h.store.messages.insert({ direction: 'out', kind, state: 'queued', from: 'alice@example.test', to: ['+15550310001'], emailMessageId: `<${kind}-commit@example.test>`, at: h.clock.now });
  h.store.content.replaceParts(msg.id, [{ contentType: 'text/plain', charset: 'utf-8', body: Buffer.from(`a ${kind} to send`) }]);
  return msg.id;
}

test('an MMS is posted after two commits: submitting with its modem and raw m-send-req, then its submission', async () => {
  const h = await harness();
  try {
    const id = outbound(h, 'mms');
    const start = walCommits(h.store.path);
    let seen: { commits: number; modem: string | undefined; raw: number; state: string | undefined } | undefined;
    const mms: MmsSender = {
      use: (fn) => fn(),
      send: async (bytes) => {
        seen = { commits: walCommits(h.store.path) - start, modem: h.store.modemLinks.messageModem(id), raw: h.store.content.rawPdusOf(id).filter((r) => r.kind === 'm-send-req').length, state: h.store.messages.get(id)?.state };
        assert.equal(decodeMms(bytes).ok, true);
        return { responseStatus: 'ok', messageId: 'conf-1', attempts: [] };
      },
    };
    const final = await asJobFinal((last) => sendMms(h.ctx, { mms, deliveryReports: true, instanceId: 't', modem: 'modem-a' }, id, last));
    assert.deepEqual(seen, { commits: 2, modem: 'modem-a', raw: 1, state: 'submitting' });
    h.store.tx(() => final?.());
    assert.equal(h.store.messages.get(id)?.messageId, 'conf-1');
    // Sent again (a retry): the raw m-send-req is not kept twice.
    h.store.messages.setState(id, 'queued', h.clock.now);
    await sendMms(h.ctx, { mms, deliveryReports: true, instanceId: 't', modem: 'modem-a' }, id);
    assert.equal(h.store.content.rawPdusOf(id).filter((r) => r.kind === 'm-send-req').length, 1);
  } finally {
    await h.close();
  }
});

test('an SMS is written to the modem after two commits: submitting with its modem, then its part', async () => {
  const h = await harness();
  try {
    const id = outbound(h, 'sms');
    const start = walCommits(h.store.path);
    let seen: { commits: number; modem: string | undefined; state: string | undefined } | undefined;
    const sms: SmsSender = {
      sendSmsPdu: async () => {
        seen = { commits: walCommits(h.store.path) - start, modem: h.store.modemLinks.messageModem(id), state: h.store.messages.get(id)?.state };
        return { messageReference: 9 };
      },
    };
    await asJobFinal((last) => sendSms(h.ctx, { sms, deliveryReports: false, instanceId: 't', modem: 'modem-a' }, id, last));
    assert.deepEqual(seen, { commits: 2, modem: 'modem-a', state: 'submitting' });
  } finally {
    await h.close();
  }
});
