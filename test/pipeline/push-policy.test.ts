import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { buildNotificationInd, encodeMms } from '../../src/codec/mms/index.js';
import { encodeWapPushDeliver } from '../../src/codec/sms/index.js';
import { APP_ID_MMS, PDU_PUSH, encodePush } from '../../src/codec/wsp/index.js';
import { parseConfig } from '../../src/config/index.js';
import { pushPolicyOf } from '../../src/app/push-policy.js';
import { createNotifier } from '../../src/app/notifier.js';
import { resolveCarrier } from '../../src/mmsc/index.js';
import { acceptSms } from '../../src/pipeline/sms-intake.js';
import { pipelineHandlers } from '../../src/pipeline/handlers.js';
import { JOB, type PipelineContext } from '../../src/pipeline/context.js';
import { harness } from './harness.js';

function notificationPush(location: string, txid: string): Uint8Array {
  const ind = buildNotificationInd({ transactionId: txid, from: '+4915112345678', subject: 'holiday', contentLocation: location, messageSize: 2000, expiry: 3600 });
  return encodePush({
    transactionId: 1,
    pduType: PDU_PUSH,
    contentType: { mediaType: 'application/vnd.wap.mms-message', params: {} },
    headers: [],
    applicationId: APP_ID_MMS,
    body: encodeMms(ind),
  });
}

async function setup(configExtra: { pushSources?: string[] } = {}) {
  const h = await harness();
  const config = parseConfig({
    stateDir: h.dir,
    mmsc: { url: 'http://mmsc.carrier.test/mms', proxy: null, ...configExtra },
    mail: { out: { smtp: { host: '127.0.0.1', port: h.sink.port, secure: false, starttls: false }, fromDomain: 'box.test', defaultMailbox: 'owner@company.test' } },
  });
  const ctx: PipelineContext = { ...h.ctx, pushPolicy: pushPolicyOf(config, resolveCarrier(undefined)) };
  const notifier = createNotifier(config);
  const handlers = pipelineHandlers(ctx, {
    assemble: { concatTimeoutMs: 60 * 60_000 },
    relay: { mailer: h.mailer, instanceId: 't1', attachRawMms: false },
    notify: { notifier, from: 'mmsgw@box.test', reports: true },
  });
  return { h, ctx, handlers, close: async () => { notifier.close(); await h.close(); } };
}

test('a notification whose Content-Location is not fetchable is kept with its reason, quarantined, reported to the owner, never fetched', async () => {
  const s = await setup();
  try {
    for (const p of encodeWapPushDeliver('+4917000000', notificationPush('http://127.0.0.1:8080/admin', 'tx-evil'), { reference: 7 })) {
      acceptSms(s.ctx, { pdu: p.hex, receivedAt: new Date(s.h.clock.now) });
    }
    await s.h.drain(s.handlers);
    const [msg] = s.h.store.messages.list({ direction: 'in' });
    assert.equal(msg?.state, 'rejected');
    assert.match(msg?.subject ?? '', /127\.0\.0\.1:8080\/admin.*(loopback|this box)/);
    const ev = s.h.store.events.ofMessage(msg!.id).find((e) => e.kind === 'location-refused');
    assert.ok(ev, 'the refusal is an event of the message');
    assert.equal(s.h.store.jobs.list().some((j) => j.kind === JOB.mmsRetrieve), false, 'nothing is fetched');
    const q = s.h.store.intake.listQuarantine();
    assert.ok(q.some((r) => r.errorCode === 'LOCATION_ADDRESS'), 'the push bytes are quarantined with the reason');
    assert.equal(s.h.sink.mails.length, 1, 'the owner is told');
    assert.deepEqual(s.h.sink.mails[0]!.envelopeTo, ['owner@company.test']);
    const mail = await simpleParser(s.h.sink.mails[0]!.raw);
    assert.equal(mail.subject, 'MMS notification refused');
    assert.match(mail.text ?? '', /from:\s+\+4917000000/);
    assert.match(mail.text ?? '', /holiday/);
    assert.match(mail.text ?? '', /reason:.*(loopback|this box)/);
  } finally {
    await s.close();
  }
});

test('an allowed Content-Location is queued for retrieval as before', async () => {
  const s = await setup();
  try {
    for (const p of encodeWapPushDeliver('+4917000000', notificationPush('http://mmsc.carrier.test/mms/r/1', 'tx-ok'), { reference: 8 })) {
      acceptSms(s.ctx, { pdu: p.hex, receivedAt: new Date(s.h.clock.now) });
    }
    // No retrieve handler in this pipeline: the job stays queued, which is what we look at.
    await s.h.drain(s.handlers).catch(() => undefined);
    const [msg] = s.h.store.messages.list({ direction: 'in' });
    assert.equal(msg?.state, 'notified');
    assert.ok(s.h.store.jobs.list().some((j) => j.kind === JOB.mmsRetrieve), 'the retrieval is queued');
    assert.equal(s.h.sink.mails.length, 0);
  } finally {
    await s.close();
  }
});

test('with push sources configured, a push from anyone else is kept and never acted on', async () => {
  const s = await setup({ pushSources: ['+4917000000', 'Carrier'] });
  try {
    for (const p of encodeWapPushDeliver('+4915199999999', notificationPush('http://mmsc.carrier.test/mms/r/2', 'tx-stranger'), { reference: 9 })) {
      acceptSms(s.ctx, { pdu: p.hex, receivedAt: new Date(s.h.clock.now) });
    }
    await s.h.drain(s.handlers);
    const [msg] = s.h.store.messages.list({ direction: 'in' });
    assert.equal(msg?.state, 'rejected');
    assert.match(msg?.subject ?? '', /not a push source/);
    assert.equal(msg?.transactionId ?? null, null, 'no MMS was created for it');
    assert.ok(s.h.store.content.rawPdusOf(msg!.id).some((r) => r.kind === 'wap-push'), 'the push bytes are kept');
  } finally {
    await s.close();
  }
});

test('a location that passes when notified but resolves to loopback is refused at fetch time, kept, and reported', async (t) => {
  const http = await import('node:http');
  const { SystemBearer } = await import('../../src/bearer/index.js');
  const { Mm1Client } = await import('../../src/mmsc/index.js');
  const { urlPolicyOf } = await import('../../src/app/push-policy.js');
  const hits: string[] = [];
  const server = http.createServer((req, res) => { hits.push(req.url ?? ''); res.end('secret'); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as { port: number }).port;

  const h = await harness();
  try {
    const config = parseConfig({
      stateDir: h.dir,
      mmsc: { url: 'http://mmsc.carrier.test/mms', proxy: null, allowedHosts: ['localhost'] },
      mail: { out: { smtp: { host: '127.0.0.1', port: h.sink.port, secure: false, starttls: false }, fromDomain: 'box.test', defaultMailbox: 'owner@company.test' } },
    });
    const carrier = resolveCarrier(undefined, { timeoutMs: 2_000 });
    const ctx: PipelineContext = { ...h.ctx, pushPolicy: pushPolicyOf(config, carrier) };
    const notifier = createNotifier(config);
    t.after(() => notifier.close());
    const mm1 = new Mm1Client(new SystemBearer(), carrier, { mmscUrl: 'http://mmsc.carrier.test/mms', urlPolicy: urlPolicyOf(config, carrier) });
    const handlers = pipelineHandlers(ctx, {
      assemble: { concatTimeoutMs: 60 * 60_000 },
      relay: { mailer: h.mailer, instanceId: 't1', attachRawMms: false },
      retrieve: { mm1, tmpDir: h.dir, maxSize: 300_000, retrieval: 'immediate', reportAllowed: true },
      notify: { notifier, from: 'mmsgw@box.test', reports: true },
    });
    for (const p of encodeWapPushDeliver('+4917000000', notificationPush(`http://localhost:${port}/secret`, 'tx-rebind'), { reference: 11 })) {
      acceptSms(ctx, { pdu: p.hex, receivedAt: new Date(h.clock.now) });
    }
    await assert.rejects(h.drain(handlers), /refused to fetch/);
    await h.drain(handlers);
    const [msg] = h.store.messages.list({ direction: 'in' });
    assert.equal(msg?.state, 'rejected');
    assert.ok(h.store.events.ofMessage(msg!.id).some((e) => e.kind === 'location-refused'));
    assert.deepEqual(hits, [], 'nothing was requested from loopback');
    assert.equal(h.sink.mails.length, 1);
    const mail = await simpleParser(h.sink.mails[0]!.raw);
    assert.match(mail.text ?? '', /reason:.*localhost resolves to 127\.0\.0\.1, (a loopback address|an address of this box)/);
  } finally {
    await h.close();
  }
});
