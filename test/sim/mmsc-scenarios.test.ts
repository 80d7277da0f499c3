import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startMmscSim } from '../../src/sim/mmsc/index.js';

/**
 * The MMSC simulator's behaviours seen at the HTTP boundary with Node's plain http client:
 * the proxy port's request-target rule, per-message framing and version, expiry → 404, and the
 * control endpoint's scenario options.
 */

function get(port: number, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

async function control(base: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}/_sim/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

test('proxy port: absolute-form only (400 for origin-form); MMSC port: both forms', async (t) => {
  const sim = await startMmscSim({});
  t.after(() => sim.stop());
  const txid = await sim.submitFromHandset({ from: '+15551230001', to: '+15551239999', parts: [{ contentType: 'text/plain', text: 'x' }] });
  const loc = new URL(sim.message(txid)?.contentLocation ?? '');
  assert.notEqual(sim.proxyPort, sim.port);
  assert.equal((await get(sim.proxyPort, loc.pathname)).status, 400);
  assert.equal((await get(sim.proxyPort, loc.href)).status, 200);
  assert.equal((await get(sim.port, loc.pathname)).status, 200);
  assert.equal((await get(sim.port, loc.href)).status, 200);
  assert.deepEqual(sim.requests().map((r) => [r.via, r.absolute, r.status]), [['proxy', false, 400], ['proxy', true, 200], ['mmsc', false, 200], ['mmsc', true, 200]]);
});

test('per message: version octet, chunked or Content-Length framing, textual headers and base64 in the served octets', async (t) => {
  const sim = await startMmscSim({});
  t.after(() => sim.stop());
  const base = sim.url.replace(/\/mms$/, '');
  for (const [version, framing] of [['1.0', 'chunked'], ['1.3', 'content-length']] as const) {
    const sub = await control(base, 'submit', {
      from: '+15551230001', to: '+15551239999',
      parts: [{ contentType: 'text/plain', base64: Buffer.from('hello').toString('base64'), charset: 'us-ascii', contentId: '<t>' }],
      scenario: { mmsVersion: version, framing, textualPartHeaders: true, transferEncoding: 'base64' },
    });
    assert.equal(sub.status, 200);
    const m = sim.message(String(sub.json.transactionId));
    const res = await get(sim.port, new URL(m?.contentLocation ?? '').pathname);
    assert.equal(res.status, 200);
    if (framing === 'chunked') {
      assert.equal(res.headers['transfer-encoding'], 'chunked');
      assert.equal(res.headers['content-length'], undefined);
    } else {
      assert.equal(res.headers['content-length'], String(res.body.length));
    }
    // X-Mms-MMS-Version (0x8D): 0x90 | minor (OMA-TS-MMS_ENC §7.3.34), third field after type and transaction id.
    const at = res.body.indexOf(0x8d);
    assert.equal(res.body[at + 1], 0x90 + Number(version.slice(2)));
    const text = res.body.toString('latin1');
    assert.ok(text.includes('Content-ID\0<t>\0'), 'textual Content-ID (WSP §8.4.2.6)');
    assert.ok(text.includes('Content-Transfer-Encoding\0base64\0'), 'textual Content-Transfer-Encoding');
    assert.ok(text.includes(Buffer.from('hello').toString('base64')), 'base64 body');
  }
});

test('expiry: the Content-Location answers 404 after X-Mms-Expiry or POST /_sim/expire; configure refuses unknown keys', async (t) => {
  const sim = await startMmscSim({});
  t.after(() => sim.stop());
  const base = sim.url.replace(/\/mms$/, '');
  const short = await sim.submitFromHandset({ from: '+15551230001', to: '+15551239999', parts: [{ contentType: 'text/plain', text: 'x' }], expirySeconds: 1 });
  const long = await sim.submitFromHandset({ from: '+15551230001', to: '+15551239999', parts: [{ contentType: 'text/plain', text: 'y' }] });
  const path = (txid: string): string => new URL(sim.message(txid)?.contentLocation ?? '').pathname;
  assert.equal((await get(sim.port, path(long))).status, 200);
  const deadline = Date.now() + 5_000;
  while ((await get(sim.port, path(short))).status !== 404) {
    assert.ok(Date.now() < deadline, 'the short-lived message expired');
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.match((await get(sim.port, path(short))).body.toString(), /expired/);
  assert.deepEqual((await control(base, 'expire', { transactionId: long })).json, { expired: true });
  assert.equal((await get(sim.port, path(long))).status, 404);
  assert.deepEqual((await control(base, 'expire', { transactionId: 'nope' })).json, { expired: false });
  assert.equal((await control(base, 'configure', { requireUserAgent: true })).status, 200);
  assert.equal((await get(sim.port, path(long))).status, 412, 'configure reached the running simulator');
  const bad = await control(base, 'configure', { colour: 'blue' });
  assert.equal(bad.status, 400);
  assert.match(String(bad.json.error), /colour/);
});
