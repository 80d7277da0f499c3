import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import type { SimMmsVersion } from '../../src/sim/mmsc/index.js';
import { OWN_NUMBER, mailsWith, pythonParse, sleep, waitUntil, withE2e } from '../helpers/e2e.js';

/**
 * The MMSC simulator behaving like a carrier's, through the real gateway to the mail sink:
 * an expired message answers 404 and the owner is told; the WAP proxy takes absolute-form
 * requests only; m-retrieve-conf in MMS 1.0–1.3 with textual part headers, transfer
 * encodings and legacy charsets reaches the mailbox as the right text — checked with
 * Python's email package, and the legacy octets encoded by Python's codecs, not ours.
 */

/** Octets of `text` in `charset`, by Python's codecs (an encoder nobody here wrote). */
function pyEncode(text: string, charset: string): Buffer {
  const r = spawnSync('python3', ['-c', 'import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode("utf-8").encode(sys.argv[1]))', charset], { input: Buffer.from(text, 'utf8') });
  if (r.status !== 0) throw new Error(`python3 could not encode in ${charset}: ${r.stderr.toString()}`);
  return r.stdout;
}

const pythonMissing = spawnSync('python3', ['-c', 'import email']).status !== 0;

test('an MMS the MMSC expired answers 404; the gateway marks it expired and tells the owner, relays nothing', { timeout: 60_000 }, async () => {
  await withE2e({}, async (env) => {
    const marker = '[expired-at-mmsc]';
    // The first GET fails transiently, then the carrier drops the message (its expiry): the retry meets a 404.
    env.mmscSim.fault({ kind: 'status', status: 503, on: 'retrieve', times: 1 });
    const txid = await env.mmscSim.submitFromHandset({ from: '+15550230001', to: OWN_NUMBER, subject: marker, parts: [{ contentType: 'text/plain', text: 'too late' }] });
    await waitUntil(() => env.mmscSim.requests().some((r) => r.method === 'GET' && r.status === 503), 15_000, 'the first (503) GET');
    assert.equal(env.mmscSim.expire(txid), true);
    const store = env.gateway.store;
    await waitUntil(() => env.mmscSim.requests().some((r) => r.method === 'GET' && r.status === 404), 15_000, 'the 404 GET');
    const notice = await waitUntil(async () => (await mailsWith(env.sink, marker)).find((m) => /expired/i.test(`${m.parsed.subject ?? ''} ${m.parsed.text ?? ''}`)), 20_000, 'the expiry notice', () => store.jobs.list(undefined, 6).map((j) => [j.key, j.state, j.lastError]));
    const msg = store.messages.list({ direction: 'in', limit: 10 }).find((m) => m.transactionId === txid);
    assert.equal(msg?.state, 'expired');
    const dead = store.jobs.list('dead').find((j) => j.kind === 'mms-retrieve');
    assert.match(dead?.lastError ?? '', /MMSC no longer holds the message/);
    assert.equal(env.mmscSim.fetches(txid), 0);
    if (!pythonMissing) {
      const py = pythonParse(notice.mail.raw);
      assert.deepEqual(py.defects, []);
      assert.match(py.subject, /MMS from \+15550230001 "\[expired-at-mmsc\]"$/);
      assert.match(py.parts[0]?.text ?? '', /expired/);
      assert.match(py.parts[0]?.text ?? '', /before it could be fetched/);
    }
    assert.ok(notice.mail.envelopeTo.length > 0, 'the notice went to the owner mailbox');
    await sleep(1000);
    assert.equal((await mailsWith(env.sink, marker)).length, 1, 'one notice, the message itself never relayed');
  });
});

test('the WAP proxy refuses origin-form requests; the gateway sends every request in absolute-form through it', { timeout: 40_000 }, async () => {
  await withE2e({}, async (env) => {
    // RFC 9112 §3.2.2: a request to a proxy carries the absolute URI.
    const origin = await new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: env.mmscSim.proxyPort, path: '/mms' }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject);
    });
    assert.equal(origin, 400, 'origin-form at the proxy port');
    const marker = '[via-proxy]';
    const txid = await env.mmscSim.submitFromHandset({ from: '+15550230002', to: OWN_NUMBER, subject: marker, parts: [{ contentType: 'text/plain', text: 'through the proxy' }] });
    await waitUntil(async () => (await mailsWith(env.sink, marker)).length > 0, 20_000, 'the mail');
    await waitUntil(() => env.mmscSim.notifyResps().some((r) => r.transactionId === txid), 10_000, 'the notifyresp');
    const gw = env.mmscSim.requests().filter((r) => r.target !== '/mms');
    assert.ok(gw.some((r) => r.method === 'GET') && gw.some((r) => r.method === 'POST'), 'GET and POST seen');
    for (const r of gw) {
      assert.equal(r.via, 'proxy', `${r.method} ${r.target} went through the proxy`);
      assert.equal(r.absolute, true, `${r.method} ${r.target} in absolute-form`);
      assert.notEqual(r.status, 400);
    }
  });
});

interface Case {
  version: SimMmsVersion;
  cte: 'base64' | 'quoted-printable';
  framing: 'chunked' | 'content-length';
  texts: { charset: string; text: string }[];
}

const CASES: Case[] = [
  { version: '1.0', cte: 'base64', framing: 'content-length', texts: [{ charset: 'iso-8859-1', text: 'Grüße aus Ærøskøbing, ½ °C' }, { charset: 'us-ascii', text: 'plain ascii 1.0' }] },
  { version: '1.1', cte: 'quoted-printable', framing: 'chunked', texts: [{ charset: 'windows-1252', text: 'Price: 5 € – “quoted” …' }, { charset: 'iso-8859-1', text: 'Ça coûte 5 £' }] },
  { version: '1.2', cte: 'base64', framing: 'chunked', texts: [{ charset: 'shift_jis', text: 'こんにちは、写真です' }, { charset: 'big5', text: '你好，這是照片' }] },
  { version: '1.3', cte: 'quoted-printable', framing: 'content-length', texts: [{ charset: 'big5', text: '繁體中文測試' }, { charset: 'shift_jis', text: 'カタカナとひらがな' }, { charset: 'us-ascii', text: 'ascii in 1.3' }] },
];

test('m-retrieve-conf in MMS 1.0–1.3, textual part headers, base64/QP, legacy charsets by MIBenum, chunked and Content-Length: the mail carries the right text', { timeout: 90_000, skip: pythonMissing ? 'python3 with its email package is not installed' : false }, async (t) => {
  await withE2e({}, async (env) => {
    for (const c of CASES) {
      await t.test(`MMS ${c.version}, ${c.cte}, ${c.framing}, ${c.texts.map((x) => x.charset).join('+')}`, async () => {
        const marker = `[fidelity-${c.version}]`;
        const before = env.mmscSim.requests().length;
        const txid = await env.mmscSim.submitFromHandset({
          from: '+15550230003', to: OWN_NUMBER, subject: marker,
          parts: c.texts.map((x, i) => ({ contentType: 'text/plain', charset: x.charset, body: pyEncode(x.text, x.charset), name: `t${i}.txt`, contentId: `<t${i}>` })),
          scenario: { mmsVersion: c.version, textualPartHeaders: true, transferEncoding: c.cte, framing: c.framing },
        });
        const raw = env.mmscSim.message(txid)?.retrieveConf ?? new Uint8Array();
        // OMA-TS-MMS_ENC §7.3.34: X-Mms-MMS-Version (0x8D) = major 1 in bits 6-4, minor in 3-0, high bit set.
        const vi = raw.indexOf(0x8d);
        assert.equal(raw[vi + 1], 0x90 + Number(c.version.slice(2)), 'version octet served');
        const mail = await waitUntil(async () => (await mailsWith(env.sink, marker))[0], 20_000, `${marker} at the mailbox`);
        const get = env.mmscSim.requests().slice(before).find((r) => r.method === 'GET');
        assert.equal(get?.status, 200);
        const py = pythonParse(mail.mail.raw);
        assert.deepEqual(py.defects, [], 'Python finds no MIME defects');
        const texts = py.parts.filter((p) => p.contentType === 'text/plain').map((p) => (p.text ?? '').replace(/\r?\n$/, ''));
        for (const x of c.texts) assert.ok(texts.some((got) => got.includes(x.text)), `"${x.text}" (${x.charset}) in ${JSON.stringify(texts)}`);
      });
    }
  });
});
