import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sendSms, type SendDeps, type SmsSender } from '../../src/pipeline/send.js';
import { MmsgwError } from '../../src/util/errors.js';
import { retryJob } from '../../src/ops/jobs.js';
import { harness, type Harness } from './harness.js';

/**
 * The uncertain-send state machine of `send-sms` (the targeted-kill suite covers the same with
 * real processes; this pins the transitions): a part found `submitting` was left by a crash;
 * a refusal the process saw is not uncertain; a timeout is; `hold` keeps the part back until
 * an operator re-queues the job.
 */

/** The modem seam: records the PDUs written; `fail` makes the next write fail with that error. */
function modem(): SmsSender & { written: string[]; fail?: Error } {
  const m: SmsSender & { written: string[]; fail?: Error } = {
    written: [],
    sendSmsPdu(hex) {
      const f = m.fail;
      m.fail = undefined;
      if (f) return Promise.reject(f);
      m.written.push(hex);
      return Promise.resolve({ messageReference: m.written.length });
    },
  };
  return m;
}

function outboundSms(h: Harness, text: string): number {
  const msg = h.store.messages.insert({ direction: 'out', kind: 'sms', state: 'queued', from: 'alice@example.test', to: ['+15550310001'], emailMessageId: `<${text}@example.test>`, at: h.clock.now });
  h.store.content.replaceParts(msg.id, [{ contentType: 'text/plain', charset: 'utf-8', body: Buffer.from(text) }]);
  return msg.id;
}

function deps(sms: SmsSender, policy: 'resend' | 'hold'): SendDeps {
  return { sms, deliveryReports: false, instanceId: 'test', uncertain: { sms: policy, mms: policy } };
}

test('a part left submitting by a crash is resent and flagged (resend)', async () => {
  const h = await harness();
  try {
    const id = outboundSms(h, 'hello one');
    h.store.submissions.begin({ msgId: id, recipient: '+15550310001', seq: 1, total: 1 }); // the crash: begun, never recorded
    const m = modem();
    await sendSms(h.ctx, deps(m, 'resend'), id);
    assert.equal(m.written.length, 1, 'sent again');
    const [sub] = h.store.submissions.ofMessage(id);
    assert.equal(sub?.state, 'sent');
    assert.equal(sub?.uncertain, 1);
    assert.equal(sub?.resolution, 'resent');
    assert.equal(h.store.messages.get(id)?.state, 'sent');
    assert.ok(h.store.jobs.getByKey(`notify-resent:${id}`), 'the sender is told it may have arrived twice');
    assert.equal(h.store.submissions.uncertain().length, 1);
  } finally {
    await h.close();
  }
});

test('hold: not sent, message held, sender told; `mmsgw retry` releases and sends it', async () => {
  const h = await harness();
  try {
    const id = outboundSms(h, 'hello two');
    h.store.jobs.enqueue({ kind: 'send-sms', key: `send-sms:${id}`, payload: { msgId: id } });
    h.store.submissions.begin({ msgId: id, recipient: '+15550310001', seq: 1, total: 1 });
    const m = modem();
    await assert.rejects(sendSms(h.ctx, deps(m, 'hold'), id), (e: MmsgwError) => e.code === 'OUTBOUND_UNCERTAIN_HELD');
    assert.equal(m.written.length, 0, 'nothing sent');
    assert.equal(h.store.messages.get(id)?.state, 'held');
    assert.equal(h.store.submissions.ofMessage(id)[0]?.state, 'held');
    assert.ok(h.store.jobs.list().some((j) => j.key.startsWith(`notify-held:${id}:`)), 'the sender is asked');
    // Restarted again without an operator: still held, still not sent.
    await assert.rejects(sendSms(h.ctx, deps(m, 'hold'), id));
    assert.equal(m.written.length, 0);
    // The operator: the job is dead, `mmsgw retry` re-queues it.
    const job = h.store.jobs.getByKey(`send-sms:${id}`)!;
    h.store.jobs.claim(h.clock.now);
    h.store.jobs.dead(job.id, 'held');
    retryJob(h.store, job.id);
    await sendSms(h.ctx, deps(m, 'hold'), id);
    assert.equal(m.written.length, 1, 'released and sent');
    const [sub] = h.store.submissions.ofMessage(id);
    assert.equal(sub?.state, 'sent');
    assert.equal(sub?.resolution, 'released');
    assert.equal(h.store.messages.get(id)?.state, 'sent');
  } finally {
    await h.close();
  }
});

test('a refusal proves the part was not sent; a timeout does not', async () => {
  const h = await harness();
  try {
    const id = outboundSms(h, 'hello three');
    const m = modem();
    m.fail = new MmsgwError('AT_CMS_ERROR', '+CMS ERROR 500');
    await assert.rejects(sendSms(h.ctx, deps(m, 'hold'), id));
    assert.equal(h.store.submissions.ofMessage(id)[0]?.state, 'failed');
    await sendSms(h.ctx, deps(m, 'hold'), id);
    assert.equal(m.written.length, 1);
    assert.equal(h.store.submissions.ofMessage(id)[0]?.uncertain, 0, 'a refused part is not uncertain');

    const id2 = outboundSms(h, 'hello four');
    m.fail = new MmsgwError('AT_TIMEOUT', 'AT+CMGS: no answer');
    await assert.rejects(sendSms(h.ctx, deps(m, 'hold'), id2));
    assert.equal(h.store.submissions.ofMessage(id2)[0]?.state, 'submitting', 'no answer: may have gone out');
    await assert.rejects(sendSms(h.ctx, deps(m, 'hold'), id2), (e: MmsgwError) => e.code === 'OUTBOUND_UNCERTAIN_HELD');
    assert.equal(m.written.length, 1, 'the timed-out part is held, not resent');
  } finally {
    await h.close();
  }
});
