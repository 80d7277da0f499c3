import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { startMmscSim, type MmscSim, type SimFault } from '../../src/sim/mmsc/index.js';
import { Mm1Client, resolveCarrier, reportOf, matchReport, type AttemptRecord, type CarrierProfile } from '../../src/mmsc/index.js';
import { buildSendReq } from '../../src/codec/mms/index.js';
import { pushedPdus, loopbackBearer, tempDir } from './helpers/gateway.js';

async function setup(t: { after(fn: () => unknown): void }, profile: Partial<CarrierProfile> = {}, deliver?: (p: string[]) => void): Promise<{ sim: MmscSim; client: Mm1Client; dir: string; attempts: AttemptRecord[]; txid: string; location: string; size: number }> {
  const sim = await startMmscSim({ deliver, reportDelayMs: deliver ? 10 : undefined });
  t.after(() => sim.stop());
  const attempts: AttemptRecord[] = [];
  const client = new Mm1Client(loopbackBearer(sim.proxyUrl), resolveCarrier(undefined, { timeoutMs: 1_500, ...profile }), { mmscUrl: sim.url, idleTimeoutMs: 800, onAttempt: (a) => attempts.push(a) });
  const txid = await sim.submitFromHandset({ from: '+15551230001', to: '+15551239999', parts: [{ contentType: 'text/plain', text: 'x'.repeat(4000) }] });
  const m = sim.message(txid);
  return { sim, client, dir: tempDir(t), attempts, txid, location: m?.contentLocation ?? '', size: m?.retrieveConf.byteLength ?? 0 };
}

const cases: { name: string; fault: SimFault; code: string; transient: boolean }[] = [
  { name: '503', fault: { kind: 'status', status: 503 }, code: 'MM1_HTTP_STATUS', transient: true },
  { name: '404', fault: { kind: 'status', status: 404 }, code: 'MM1_GONE', transient: false },
  { name: '410', fault: { kind: 'status', status: 410 }, code: 'MM1_GONE', transient: false },
  { name: '403', fault: { kind: 'status', status: 403 }, code: 'MM1_HTTP_STATUS', transient: false },
  { name: '408', fault: { kind: 'status', status: 408 }, code: 'MM1_HTTP_STATUS', transient: true },
  { name: '429', fault: { kind: 'status', status: 429 }, code: 'MM1_HTTP_STATUS', transient: true },
  { name: 'never answers', fault: { kind: 'hang' }, code: 'BEARER_TIMEOUT', transient: true },
  { name: 'connection reset', fault: { kind: 'reset' }, code: 'BEARER_IO', transient: true },
  { name: 'truncated body', fault: { kind: 'truncate', fraction: 0.4 }, code: 'BEARER_TRUNCATED', transient: true },
  { name: 'wrong content type', fault: { kind: 'content-type', contentType: 'text/html' }, code: 'MM1_CONTENT_TYPE', transient: true },
  { name: 'retrieve-status transient', fault: { kind: 'retrieve-status', status: 'error-transient-network-problem', text: 'later' }, code: 'MM1_RETRIEVE_STATUS', transient: true },
  { name: 'retrieve-status message-not-found', fault: { kind: 'retrieve-status', status: 'error-permanent-message-not-found' }, code: 'MM1_GONE', transient: false },
  { name: 'retrieve-status permanent', fault: { kind: 'retrieve-status', status: 'error-permanent-service-denied' }, code: 'MM1_RETRIEVE_STATUS', transient: false },
  { name: 'redirect loop', fault: { kind: 'redirect', hops: 9 }, code: 'MM1_REDIRECTS', transient: false },
];

for (const c of cases) {
  test(`retrieve fault "${c.name}" → ${c.code} (${c.transient ? 'transient' : 'permanent'}), recorded, no file left, then success`, async (t) => {
    const s = await setup(t);
    s.sim.fault({ ...c.fault, on: 'retrieve', times: 1 });
    await assert.rejects(s.client.retrieve(s.location, { destDir: s.dir }), (e: unknown) => {
      assert.equal((e as { code: string }).code, c.code);
      assert.equal((e as { transient: boolean }).transient, c.transient);
      return true;
    });
    const failed = s.attempts[s.attempts.length - 1];
    assert.equal(failed?.error?.code, c.code);
    assert.equal(failed?.url, s.location);
    assert.ok(typeof failed?.durationMs === 'number' && typeof failed.at === 'string');
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(readdirSync(s.dir), []);
    assert.equal(s.sim.fetches(s.txid), 0);
    // The fault was used up: the retry succeeds and the message is fetched exactly once.
    const ok = await s.client.retrieve(s.location, { destDir: s.dir });
    assert.equal(ok.bytes, s.size);
    assert.equal(s.sim.fetches(s.txid), 1);
  });
}

test('redirects are followed up to the bound; slow links and chunked bodies arrive whole', async (t) => {
  const s = await setup(t);
  s.sim.fault({ kind: 'redirect', hops: 2, on: 'retrieve', times: 1 });
  const r = await s.client.retrieve(s.location, { destDir: s.dir });
  assert.equal(r.attempts.length, 3);
  assert.deepEqual(r.attempts.map((a) => a.status), [302, 302, 200]);
  s.sim.fault({ kind: 'slow', bytesPerSecond: 20_000, on: 'retrieve', times: 1 });
  const slow = await s.client.retrieve(s.location, { destDir: s.dir });
  assert.ok(slow.attempts[0] && slow.attempts[0].durationMs >= 150);
  s.sim.fault({ kind: 'chunked', on: 'retrieve', times: 1 });
  const chunked = await s.client.retrieve(s.location, { destDir: s.dir });
  assert.equal(chunked.bytes, s.size);
});

test('size limits: announced size over the limit is refused unfetched; a body far over the announced size is cut off', async (t) => {
  const s = await setup(t, { maxMessageSize: 300_000 });
  await assert.rejects(s.client.retrieve(s.location, { destDir: s.dir, messageSize: 400_000 }), { code: 'MM1_TOO_LARGE', transient: false });
  assert.equal(s.sim.requests().length, 0);
  const big = await s.sim.submitFromHandset({ from: '+1555', to: '+1556', parts: [{ contentType: 'image/png', body: new Uint8Array(200_000) }], announcedSize: 1000 });
  await assert.rejects(s.client.retrieve(s.sim.message(big)?.contentLocation ?? '', { destDir: s.dir, messageSize: 1000 }), { code: 'BEARER_TOO_LARGE' });
  // Announced sizes are estimates: a modest overshoot is accepted.
  const close = await s.sim.submitFromHandset({ from: '+1555', to: '+1556', parts: [{ contentType: 'image/png', body: new Uint8Array(100_000) }], announcedSize: 90_000 });
  const r = await s.client.retrieve(s.sim.message(close)?.contentLocation ?? '', { destDir: s.dir, messageSize: 90_000 });
  assert.ok(r.bytes > 100_000);
});

test('a carrier refusing an empty User-Agent answers 412; the profile\'s User-Agent gets through', async (t) => {
  const s = await setup(t, { userAgent: '' });
  s.sim.configure({ requireUserAgent: true });
  await assert.rejects(s.client.retrieve(s.location, { destDir: s.dir }), { code: 'MM1_HTTP_STATUS', specCode: 412, transient: false });
  const ok = new Mm1Client(loopbackBearer(s.sim.proxyUrl), resolveCarrier('310410123456789'), { mmscUrl: s.sim.url });
  const r = await ok.retrieve(s.location, { destDir: s.dir });
  assert.equal(r.bytes, s.size);
  const last = s.sim.requests()[s.sim.requests().length - 1];
  assert.equal(last?.headers['user-agent'], 'Android-Mms/2.0');
});

test('carrier headers with the own number, transaction id on the URL, Connection: close', async (t) => {
  const s = await setup(t, { headers: { 'X-MDN': '{msisdnDigits}' }, transactionIdParam: 'tid', closeConnection: true });
  s.sim.configure({ requireHeaders: { 'X-MDN': '15551239999' } });
  const client = new Mm1Client(loopbackBearer(s.sim.proxyUrl), resolveCarrier(undefined, { headers: { 'X-MDN': '{msisdnDigits}' }, transactionIdParam: 'tid', closeConnection: true }), { mmscUrl: s.sim.url, identity: { msisdn: '+15551239999' } });
  await client.retrieve(s.location, { destDir: s.dir, transactionId: s.txid });
  const req = s.sim.requests()[0];
  assert.equal(req?.target, `${s.location}?tid=${s.txid}`);
  assert.equal(req?.headers.connection, 'close');
  assert.equal(req?.headers['x-mdn'], '15551239999');
});

test('deferred notifyresp and acknowledge are recorded per transaction id', async (t) => {
  const s = await setup(t);
  await s.client.notifyResp(s.txid, 'deferred', false);
  await s.client.acknowledge(s.txid, true);
  assert.deepEqual(s.sim.notifyResps().map((n) => [n.transactionId, n.status, n.reportAllowed]), [[s.txid, 'deferred', false]]);
  assert.deepEqual(s.sim.acks().map((a) => [a.transactionId, a.reportAllowed]), [[s.txid, true]]);
  s.sim.fault({ kind: 'status', status: 500, on: 'post', times: 1 });
  await assert.rejects(s.client.notifyResp(s.txid, 'retrieved'), { code: 'MM1_HTTP_STATUS', transient: true });
});

test('send: m-send-req → m-send-conf with Message-ID; the delivery report pushed later matches it', async (t) => {
  const pushed: string[][] = [];
  const s = await setup(t, {}, (p) => { pushed.push(p); });
  pushed.length = 0;
  const req = buildSendReq({ transactionId: 'gw-1', to: ['+15551230042'], subject: 'out', deliveryReport: true, parts: [{ contentType: 'text/plain', body: 'hello' }] });
  const conf = await s.client.send(req);
  assert.equal(conf.responseStatus, 'ok');
  assert.ok(conf.messageId);
  assert.equal(s.sim.sent().length, 1);
  assert.equal(s.sim.sent()[0]?.pdu.subject, 'out');
  for (let i = 0; i < 50 && pushed.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  const [ind] = pushedPdus(pushed[0] ?? []);
  assert.equal(ind?.messageType, 'm-delivery-ind');
  const report = ind ? reportOf(ind) : undefined;
  assert.equal(report?.status, 'retrieved');
  assert.equal(report?.recipient, '+15551230042');
  const sent = [{ id: 'other', messageId: '<zzz>' }, { id: 'ours', messageId: `<${conf.messageId}>` }];
  assert.equal(report && matchReport(report, sent)?.id, 'ours');

  s.sim.fault({ kind: 'response-status', status: 'error-permanent-sending-address-unresolved', text: 'no such number', on: 'post', times: 1 });
  await assert.rejects(s.client.send(req), { code: 'MM1_SEND_STATUS', transient: false });
  s.sim.fault({ kind: 'response-status', status: 'error-transient-failure', on: 'post', times: 1 });
  await assert.rejects(s.client.send(req), { code: 'MM1_SEND_STATUS', transient: true });
  const tooBig = new Mm1Client(loopbackBearer(s.sim.proxyUrl), resolveCarrier(undefined, { maxMessageSize: 20 }), { mmscUrl: s.sim.url });
  await assert.rejects(tooBig.send(req), { code: 'MM1_TOO_LARGE', transient: false });
});

test('overlapping transactions share one bearer session, closed after the last', async (t) => {
  const s = await setup(t);
  const inner = loopbackBearer(s.sim.proxyUrl);
  const events: string[] = [];
  const counting = {
    kind: inner.kind,
    open: async () => {
      events.push('open');
      const sess = await inner.open();
      return { kind: sess.kind, request: sess.request.bind(sess), close: async () => { events.push('close'); await sess.close(); } };
    },
  };
  const client = new Mm1Client(counting, resolveCarrier(undefined), { mmscUrl: s.sim.url });
  s.sim.fault({ kind: 'slow', bytesPerSecond: 40_000, on: 'retrieve', times: 1 });
  await Promise.all([
    client.use(() => client.retrieve(s.location, { destDir: s.dir })),
    client.use(async () => { await new Promise((r) => setTimeout(r, 20)); await client.notifyResp(s.txid, 'retrieved'); }),
  ]);
  assert.deepEqual(events, ['open', 'close']);
  await client.acknowledge(s.txid);
  assert.deepEqual(events, ['open', 'close', 'open', 'close']);
});
