import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMmscSim } from '../../src/sim/mmsc/index.js';
import { decodeSmsPdu } from '../../src/codec/sms/index.js';
import { unwrap } from '../../src/util/result.js';
import { pushedPdus } from '../mmsc/helpers/gateway.js';

async function call(url: string, method: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

test('the WAP Push is split like a carrier does: 8-bit SMS-DELIVER segments to port 2948, one reference', async (t) => {
  const batches: string[][] = [];
  const sim = await startMmscSim({ deliver: (p) => { batches.push(p); }, pushFrom: '+447700900999' });
  t.after(() => sim.stop());
  await sim.submitFromHandset({ from: '+15551230001', to: '+15551239999', subject: 'A fairly long subject line so that the notification needs more than one SMS segment to carry it', parts: [{ contentType: 'text/plain', text: 'x' }] });
  const pdus = batches[0] ?? [];
  assert.ok(pdus.length >= 2, `expected several segments, got ${pdus.length}`);
  const segs = pdus.map((h) => unwrap(decodeSmsPdu(h)));
  const refs = new Set<number>();
  segs.forEach((s, i) => {
    assert.equal(s.type, 'deliver');
    if (s.type !== 'deliver') return;
    assert.equal(s.dcs.alphabet, '8bit');
    assert.equal(s.ports?.dst, 2948);
    assert.equal(s.concat?.seq, i + 1);
    assert.equal(s.concat?.total, pdus.length);
    assert.equal(s.originator.number, '+447700900999');
    refs.add(s.concat?.ref ?? -1);
  });
  assert.equal(refs.size, 1);
  const [ind] = pushedPdus(pdus);
  assert.match(ind?.subject ?? '', /fairly long subject/);
});

test('control endpoint: submit with base64 parts, faults, delivery reports, state', async (t) => {
  const batches: string[][] = [];
  const sim = await startMmscSim({ deliver: (p) => { batches.push(p); } });
  t.after(() => sim.stop());
  const base = sim.proxyUrl;
  const sub = await call(`${base}/_sim/submit`, 'POST', { from: '+15551230001', to: '+15551239999', subject: 'ctl', parts: [{ contentType: 'image/png', base64: Buffer.from([1, 2, 3]).toString('base64') }] });
  assert.equal(sub.status, 200);
  const txid = String(sub.json.transactionId);
  assert.equal(sim.message(txid)?.subject, 'ctl');
  assert.equal((await call(`${base}/_sim/fault`, 'POST', { kind: 'status', status: 500, on: 'retrieve' })).status, 200);
  const location = sim.message(txid)?.contentLocation ?? '';
  assert.equal((await fetch(location)).status, 500);
  await call(`${base}/_sim/fault`, 'DELETE');
  const ok = await fetch(location);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('content-type'), 'application/vnd.wap.mms-message');
  await ok.arrayBuffer();
  assert.equal(sim.fetches(txid), 1);
  const rep = await call(`${base}/_sim/report`, 'POST', { messageId: 'abc@mmsc', recipient: '+15551230042', status: 'rejected' });
  const [ind] = pushedPdus(rep.json.pdus as string[]);
  assert.equal(ind?.messageType, 'm-delivery-ind');
  assert.equal(ind?.status, 'rejected');
  const state = await call(`${base}/_sim/state`, 'GET');
  assert.deepEqual(state.json.sent, []);
  assert.equal((await call(`${base}/_sim/nothing`, 'GET')).status, 404);
  assert.equal((await call(`${base}/_sim/submit`, 'POST', { parts: 'nope' })).status, 400);
});
