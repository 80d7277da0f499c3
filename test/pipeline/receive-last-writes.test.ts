import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeDeliver, encodeWapPushDeliver } from '../../src/codec/sms/index.js';
import { JOB } from '../../src/pipeline/context.js';
import { pipelineHandlers } from '../../src/pipeline/handlers.js';
import { acceptSms } from '../../src/pipeline/sms-intake.js';
import { mmsAddress, mmsPdu, wapPushFor } from '../../src/sim/mmsc/index.js';
import { walCommits } from '../store/helpers.js';
import { harness, OWN_NUMBER, type Harness } from './harness.js';

/**
 * The receive jobs that talk to no one — an SMS assembled into its message, a WAP Push and
 * what it becomes, an SMS status report matched to its sent part — make every write as the
 * job's last writes (JobFinal), committed with its move to `done` in the worker's round: their
 * run commits nothing (counted in the WAL's commit frames, SQLite file format §4.1), and what
 * they return writes it all.
 */

function handlersOf(h: Harness) {
  return pipelineHandlers(h.ctx, { assemble: { concatTimeoutMs: 60 * 60_000 }, relay: { mailer: h.mailer, instanceId: 't1', attachRawMms: false } });
}

/**
 * Hand-assembled SMS-STATUS-REPORT (23.040 §9.2.2.3): no SMSC address; first octet 0x06 (status
 * report); TP-MR 7; TP-RA 11 digits, international (0x91), +15550310001 in swapped semi-octets
 * with F fill (§9.1.2.3); TP-SCTS and TP-DT 2026-12-07 12:34:00 +00; TP-ST 0x00 received.
 */
const STATUS_REPORT = '00' + '06' + '07' + '0B' + '91' + '5155300100F1' + '62217021430000' + '62217021430000' + '00';

/** Runs every due job of `kinds` as the worker does, checking that its run wrote nothing before its last writes. */
async function runChecked(h: Harness, kinds: readonly string[]): Promise<string[]> {
  const handlers = handlersOf(h);
  const ran: string[] = [];
  for (;;) {
    const job = h.store.jobs.claim(h.clock.now, kinds);
    if (!job) return ran;
    const messages = h.store.messages.list({}).length;
    const before = walCommits(h.store.path);
    const final = await handlers[job.kind]!.run(job, new AbortController().signal);
    assert.equal(walCommits(h.store.path), before, `${job.key}: its run committed nothing`);
    assert.equal(h.store.messages.list({}).length, messages, `${job.key}: no message row before its last writes`);
    assert.equal(typeof final, 'function', `${job.key}: it returned its last writes`);
    h.store.tx(() => {
      (final as () => void)();
      h.store.jobs.complete(job.id, h.clock.now);
    });
    ran.push(job.kind);
  }
}

test('an SMS, an MMS notification, a delivery report by WAP Push and an SMS status report are written by the jobs\' last writes alone', async () => {
  const h = await harness();
  try {
    // An MMS and an SMS the box sent, for the two reports to find.
    const sentMms = h.store.messages.insert({ direction: 'out', kind: 'mms', state: 'sent', to: ['+15550310002'], messageId: 'sent-1@mmsc', at: h.clock.now });
    const sentSms = h.store.messages.insert({ direction: 'out', kind: 'sms', state: 'sent', to: ['+15550310001'], at: h.clock.now });
    const sub = h.store.submissions.begin({ msgId: sentSms.id, recipient: '+15550310001', seq: 1, total: 1 }, h.clock.now);
    h.store.submissions.sent(sub.id, '7', h.clock.now);

    const [text] = encodeDeliver({ from: '+4915112345678', text: 'last writes' });
    acceptSms(h.ctx, { pdu: text!.hex, receivedAt: new Date(h.clock.now) });
    const notification = mmsPdu({ messageType: 'm-notification-ind', mmsVersion: '1.2', transactionId: 'tx-last-1', from: mmsAddress('+15550300001'), messageClass: 'personal', messageSize: 1200, expiry: { kind: 'relative', seconds: 3600 }, contentLocation: 'http://mmsc.test/m/1' });
    for (const p of encodeWapPushDeliver('+15550109999', wapPushFor(notification, 1), { reference: 11 })) acceptSms(h.ctx, { pdu: p.hex, receivedAt: new Date(h.clock.now) });
    const delivery = mmsPdu({ messageType: 'm-delivery-ind', mmsVersion: '1.2', messageId: 'sent-1@mmsc', to: [mmsAddress('+15550310002')], date: new Date(), status: 'retrieved' });
    for (const p of encodeWapPushDeliver('+15550109999', wapPushFor(delivery, 2), { reference: 12 })) acceptSms(h.ctx, { pdu: p.hex, receivedAt: new Date(h.clock.now) });
    acceptSms(h.ctx, { pdu: STATUS_REPORT, receivedAt: new Date(h.clock.now) });

    const ran = await runChecked(h, [JOB.smsAssemble, JOB.smsReport]);
    assert.deepEqual(ran.sort(), [JOB.smsAssemble, JOB.smsAssemble, JOB.smsAssemble, JOB.smsReport].sort());

    const inbound = h.store.messages.list({ direction: 'in' });
    const sms = inbound.find((m) => m.kind === 'sms');
    assert.equal(sms?.state, 'received');
    assert.equal(sms?.box, OWN_NUMBER);
    const mms = inbound.find((m) => m.kind === 'mms');
    assert.equal(mms?.transactionId, 'tx-last-1');
    assert.equal(mms?.contentLocation, 'http://mmsc.test/m/1');
    assert.ok(h.store.content.rawPdusOf(mms!.id).some((r) => r.kind === 'wap-push'), 'the push bytes are kept with it');
    assert.equal(h.store.messages.get(sentMms.id)?.state, 'delivered', 'the MMS delivery report applied');
    assert.equal(h.store.messages.get(sentSms.id)?.state, 'delivered', 'the SMS status report applied');
    const next = h.store.jobs.list().map((j) => j.kind).sort();
    assert.deepEqual(next.filter((k) => k === JOB.relay), [JOB.relay], 'the SMS is queued for relay');
    assert.ok(next.includes(JOB.mmsRetrieve), 'the MMS is queued for retrieval');
    assert.equal(next.filter((k) => k === JOB.notifySender).length, 2, 'both senders are told');
  } finally {
    await h.close();
  }
});

test('the jobs of two segments of one SMS, both run before either commits, make one message; so do those of a push in two segments', async () => {
  const h = await harness();
  try {
    const text = `${'two segments of one text, '.repeat(8)}end`;
    const parts = encodeDeliver({ from: '+4915112345678', text, reference: 21 });
    assert.equal(parts.length, 2);
    for (const p of parts) acceptSms(h.ctx, { pdu: p.hex, receivedAt: new Date(h.clock.now) });
    const notification = mmsPdu({ messageType: 'm-notification-ind', mmsVersion: '1.2', transactionId: 'tx-two-segments', from: mmsAddress('+15550300001'), messageClass: 'personal', messageSize: 1200, expiry: { kind: 'relative', seconds: 3600 }, contentLocation: `http://mmsc.test/m/${'x'.repeat(160)}` });
    const push = encodeWapPushDeliver('+15550109999', wapPushFor(notification, 3), { reference: 22 });
    assert.equal(push.length, 2);
    for (const p of push) acceptSms(h.ctx, { pdu: p.hex, receivedAt: new Date(h.clock.now) });

    // Sixteen slots: all four jobs run at once, and each reads the group complete before any commits.
    const handlers = handlersOf(h);
    const jobs = [1, 2, 3, 4].map(() => h.store.jobs.claim(h.clock.now, [JOB.smsAssemble])!);
    const finals = await Promise.all(jobs.map((job) => handlers[job.kind]!.run(job, new AbortController().signal)));
    h.store.tx(() => {
      finals.forEach((final, i) => {
        if (typeof final === 'function') final();
        h.store.jobs.complete(jobs[i]!.id, h.clock.now);
      });
    });

    const inbound = h.store.messages.list({ direction: 'in' });
    assert.deepEqual(inbound.map((m) => m.kind).sort(), ['mms', 'sms'], `one message each: ${inbound.map((m) => `${m.kind}#${m.id}`).join(', ')}`);
    assert.equal(h.store.content.parts(inbound.find((m) => m.kind === 'sms')!.id)[0]?.size, Buffer.byteLength(text));
    assert.equal(h.store.jobs.list().filter((j) => j.kind === JOB.relay).length, 1, 'one relay');
    assert.equal(h.store.jobs.list().filter((j) => j.kind === JOB.mmsRetrieve).length, 1, 'one retrieval');
    assert.equal(h.store.content.rawPdusOf(inbound.find((m) => m.kind === 'mms')!.id).filter((r) => r.kind === 'wap-push').length, 1, 'the push bytes kept once');
  } finally {
    await h.close();
  }
});
