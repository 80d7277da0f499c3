import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { startMmscSim, randomHandsetParts } from '../../src/sim/mmsc/index.js';
import { Mm1Client, resolveCarrier } from '../../src/mmsc/index.js';
import { partText } from '../../src/codec/mms/index.js';
import { pushedPdus, loopbackBearer, tempDir } from '../mmsc/helpers/gateway.js';

test('handset MMS → WAP Push SMS → codecs → MM1 retrieve through the proxy (absolute URI) → notifyresp recorded', async (t) => {
  const delivered: string[][] = [];
  const sim = await startMmscSim({ deliver: (pdus) => { delivered.push(pdus); }, demandAbsoluteUri: true, requireUserAgent: true });
  t.after(() => sim.stop());
  const dir = tempDir(t);
  const txid = await sim.submitFromHandset({
    from: '+15551230001', to: '+15551239999', subject: 'Grüße',
    parts: [
      { contentType: 'application/smil', text: '<smil><body><par><text src="t.txt"/></par></body></smil>', contentId: '<smil>', name: 'smil.xml' },
      { contentType: 'text/plain', text: 'Привет 📷', charset: 'utf-8', name: 't.txt' },
      { contentType: 'image/jpeg', body: Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), name: 'a.jpg' },
    ],
  });
  assert.equal(delivered.length, 1);
  const [ind] = pushedPdus(delivered[0] ?? []);
  assert.equal(ind?.messageType, 'm-notification-ind');
  assert.equal(ind?.transactionId, txid);

  const client = new Mm1Client(loopbackBearer(sim.proxyUrl), resolveCarrier(undefined), { mmscUrl: sim.url });
  const got = await client.use(async () => {
    const r = await client.retrieve(ind?.contentLocation ?? '', { destDir: dir, transactionId: txid, messageSize: ind?.messageSize });
    await client.notifyResp(txid, 'retrieved');
    return r;
  });
  assert.equal(got.pdu.messageType, 'm-retrieve-conf');
  assert.equal(got.pdu.subject, 'Grüße');
  assert.equal(got.pdu.parts.length, 3);
  assert.equal(partText(got.pdu.parts[1] as never), 'Привет 📷');
  assert.ok(statSync(got.file).size === got.bytes && got.bytes === sim.message(txid)?.retrieveConf.byteLength);
  assert.deepEqual(sim.notifyResps().map((n) => [n.transactionId, n.status]), [[txid, 'retrieved']]);
  assert.equal(sim.fetches(txid), 1);
  const reqs = sim.requests();
  assert.ok(reqs.every((r) => r.absolute), 'every request went through the proxy in absolute form');
  assert.match(reqs[0]?.headers.accept ?? '', /application\/vnd\.wap\.mms-message/);
  assert.ok(reqs[0]?.headers['x-wap-profile']);
  assert.equal(got.attempts.length, 1);
  assert.equal(got.attempts[0]?.status, 200);
  assert.equal(got.attempts[0]?.bytes, got.bytes);
});

test('a proxy demanding absolute URIs refuses origin-form with 400 (permanent)', async (t) => {
  const sim = await startMmscSim({ demandAbsoluteUri: true });
  t.after(() => sim.stop());
  const dir = tempDir(t);
  const txid = await sim.submitFromHandset({ from: '+15551230001', to: '+15551239999', parts: [{ contentType: 'text/plain', text: 'hi' }] });
  // Without the proxy configured, the client talks origin-form straight to the host.
  const client = new Mm1Client(loopbackBearer(undefined), resolveCarrier(undefined), { mmscUrl: sim.url });
  await assert.rejects(client.retrieve(sim.message(txid)?.contentLocation ?? '', { destDir: dir }), (e: unknown) => {
    assert.equal((e as { code: string }).code, 'MM1_HTTP_STATUS');
    assert.equal((e as { specCode: number }).specCode, 400);
    assert.equal((e as { transient: boolean }).transient, false);
    return true;
  });
  assert.equal(sim.fetches(txid), 0);
});

test('1 to 50 parts in assorted charsets survive the round trip, each fetched exactly once', async (t) => {
  const sim = await startMmscSim({});
  t.after(() => sim.stop());
  const dir = tempDir(t);
  const client = new Mm1Client(loopbackBearer(sim.proxyUrl), resolveCarrier(undefined), { mmscUrl: sim.url });
  for (const n of [1, 2, 7, 23, 50]) {
    const parts = randomHandsetParts({ parts: n, totalBytes: 20_000 * n, seed: n });
    const txid = await sim.submitFromHandset({ from: '+15551230002', to: '+15551239999', subject: `n=${n}`, parts });
    const ind = sim.message(txid)?.notification;
    const r = await client.retrieve(ind?.contentLocation ?? '', { destDir: dir, messageSize: ind?.messageSize });
    assert.equal(r.pdu.parts.length, n);
    for (const [i, p] of parts.entries()) {
      const got = r.pdu.parts[i];
      assert.equal(got?.contentType, p.contentType);
      if (p.text !== undefined) assert.equal(partText(got as never), p.text, `part ${i} of ${n} (${p.charset})`);
      else assert.deepEqual(Buffer.from(got?.body ?? []), Buffer.from(p.body ?? []));
    }
    await client.notifyResp(txid, 'retrieved');
    assert.equal(sim.fetches(txid), 1);
  }
  assert.equal(sim.notifyResps().length, 5);
});

test('a 5 MB message is streamed to a file with bounded memory', async (t) => {
  const sim = await startMmscSim({});
  t.after(() => sim.stop());
  const dir = tempDir(t);
  const size = 5 * 1024 * 1024;
  const parts = randomHandsetParts({ parts: 4, totalBytes: size - 2048, seed: 5 });
  const txid = await sim.submitFromHandset({ from: '+15551230003', to: '+15551239999', parts });
  parts.length = 0;
  const ind = sim.message(txid)?.notification;
  const client = new Mm1Client(loopbackBearer(sim.proxyUrl), resolveCarrier(undefined, { maxMessageSize: 6 * 1024 * 1024 }), { mmscUrl: sim.url });
  global.gc?.();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed + before.arrayBuffers;
  let peakRss = before.rss;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed + m.arrayBuffers);
    peakRss = Math.max(peakRss, m.rss);
  }, 5);
  const r = await client.retrieve(ind?.contentLocation ?? '', { destDir: dir, messageSize: ind?.messageSize });
  clearInterval(timer);
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed + m.arrayBuffers);
  assert.ok(r.bytes > size - 4096);
  assert.ok(r.file.startsWith(dir));
  assert.ok(readFileSync(r.file).equals(Buffer.from(sim.message(txid)?.retrieveConf ?? [])));
  const heapGrowth = peakHeap - (before.heapUsed + before.arrayBuffers);
  const rssGrowth = peakRss - before.rss;
  // One copy read back for decoding plus socket buffers; several copies would exceed 3×.
  assert.ok(heapGrowth < 3 * size, `heap+buffers grew ${heapGrowth} bytes for a ${size}-byte message`);
  assert.ok(rssGrowth < 4 * size, `RSS grew ${rssGrowth} bytes for a ${size}-byte message`);
});
