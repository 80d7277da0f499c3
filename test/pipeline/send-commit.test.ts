import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMms } from '../../src/codec/mms/index.js';
import { asJobFinal } from '../../src/pipeline/last-writes.js';
import { sendMms, sendSms, type MmsSender, type SmsSender } from '../../src/pipeline/send.js';
import { walCommits } from '../store/helpers.js';
import { harness, type Harness } from './harness.js';

/**
 * Before an MMS is posted, one commit once the bearer is up: the message `submitting` with the
 * modem it goes through, its m-send-req kept raw, and the send's submission. An SMS: the same
 * commit holds the message's `submitting` and its first part's; each later part has one of its
 * own before its AT+CMGS, after the commit of the part before's answer. Commits are counted in
 * the WAL's commit frames (SQLite file format §4.1); the MM1 and modem sides are the test's
 * own, looking at the store when the message leaves.
 */

function outbound(h: Harness, kind: 'sms' | 'mms'): number {
  const msg = h.store.messages.insert({ direction: 'out', kind, state: 'queued', from: 'alice@example.test', to: ['+15550310001'], emailMessageId: `<${kind}-commit@example.test>`, at: h.clock.now });
  h.store.content.replaceParts(msg.id, [{ contentType: 'text/plain', charset: 'utf-8', body: Buffer.from(`a ${kind} to send`) }]);
  return msg.id;
}

test('an MMS is posted after one commit: submitting with its modem, raw m-send-req and submission', async () => {
  const h = await harness();
  try {
    const id = outbound(h, 'mms');
    const start = walCommits(h.store.path);
    let seen: { commits: number; modem: string | undefined; raw: number; state: string | undefined; submission: string | undefined; submissionModem: string | undefined } | undefined;
    const mms: MmsSender = {
      use: (fn) => fn(),
      send: async (bytes) => {
        const sub = h.store.submissions.get(id, '', 1);
        seen = { commits: walCommits(h.store.path) - start, modem: h.store.modemLinks.messageModem(id), raw: h.store.content.rawPdusOf(id).filter((r) => r.kind === 'm-send-req').length, state: h.store.messages.get(id)?.state, submission: sub?.state, submissionModem: sub && (h.store.db.prepare('SELECT modem FROM submissions WHERE id = ?').pluck().get(sub.id) as string | undefined) };
        assert.equal(decodeMms(bytes).ok, true);
        return { responseStatus: 'ok', messageId: 'conf-1', attempts: [] };
      },
    };
    const final = await asJobFinal((last) => sendMms(h.ctx, { mms, deliveryReports: true, instanceId: 't', modem: 'modem-a' }, id, last));
    assert.deepEqual(seen, { commits: 1, modem: 'modem-a', raw: 1, state: 'submitting', submission: 'submitting', submissionModem: 'modem-a' });
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

test('an SMS is written to the modem after one commit: submitting with its modem and its first part', async () => {
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
    assert.deepEqual(seen, { commits: 1, modem: 'modem-a', state: 'submitting' });
  } finally {
    await h.close();
  }
});

test('an MMS whose bearer does not come up is not a send: nothing recorded submitting, no commit', async () => {
  const h = await harness();
  try {
    const id = outbound(h, 'mms');
    const start = walCommits(h.store.path);
    const mms: MmsSender = {
      use: async () => {
        throw Object.assign(new Error('no PDP context'), { code: 'BEARER_ACTIVATION' });
      },
      send: async () => assert.fail('nothing is posted without a bearer'),
    };
    await assert.rejects(sendMms(h.ctx, { mms, deliveryReports: true, instanceId: 't', modem: 'modem-a' }, id), /no PDP context/);
    assert.equal(h.store.submissions.get(id, '', 1), undefined);
    assert.equal(h.store.messages.get(id)?.state, 'queued');
    // The failed attempt is recorded (one commit), nothing else.
    assert.equal(walCommits(h.store.path) - start, 1);
    assert.deepEqual(h.store.events.ofMessage(id).map((e) => e.kind).filter((k) => k === 'submit-attempt'), ['submit-attempt']);
  } finally {
    await h.close();
  }
});

test('a two-part SMS: each part is submitting on disk before its AT+CMGS, the first with the message', async () => {
  const h = await harness();
  try {
    const id = outbound(h, 'sms');
    h.store.content.replaceParts(id, [{ contentType: 'text/plain', charset: 'utf-8', body: Buffer.from('x'.repeat(200)) }]);
    const start = walCommits(h.store.path);
    const seen: { commits: number; parts: string[] }[] = [];
    const sms: SmsSender = {
      sendSmsPdu: async () => {
        seen.push({ commits: walCommits(h.store.path) - start, parts: h.store.submissions.ofMessage(id).map((r) => `${r.seq}/${r.total}:${r.state}`) });
        return { messageReference: seen.length };
      },
    };
    await asJobFinal((last) => sendSms(h.ctx, { sms, deliveryReports: false, instanceId: 't', modem: 'modem-a' }, id, last));
    assert.deepEqual(seen, [
      { commits: 1, parts: ['1/2:submitting'] },
      // The first part's answer, then the second part's submitting.
      { commits: 3, parts: ['1/2:sent', '2/2:submitting'] },
    ]);
  } finally {
    await h.close();
  }
});
