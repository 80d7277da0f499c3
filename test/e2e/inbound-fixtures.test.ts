import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { parseHexFixture } from '../../src/sim/mmsc/index.js';
import { mailsWith, pythonParse, waitUntil, withE2e } from '../helpers/e2e.js';

/**
 * Inbound MMS whose octets no mmsgw encoder produced: the WAP Push and the m-retrieve-conf
 * come from hand-assembled, spec-annotated hex (test/fixtures/inbound, written by make.py
 * there), are served by the simulators as they are, and go through the real gateway — modem
 * pty, WAP Push reassembly, MM1 fetch through the proxy, decode, store, relay — to the mail
 * sink. The mail is read with Python's email package; the expected texts are written here by
 * hand (the same strings make.py encodes with Python's codecs).
 */

const DIR = new URL('../fixtures/inbound/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, DIR), 'utf8');
const GIF_SHA256 = createHash('sha256').update(Buffer.from('47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b', 'hex')).digest('hex');

const CASES: { name: string; subject: string; texts: string[]; gif: boolean; viaControl?: boolean; framing?: 'chunked' }[] = [
  { name: 'v10-latin1-ascii', subject: 'Fixture 1.0', texts: ['Grüße aus Ærøskøbing, ½ °C', 'plain ascii, MMS 1.0'], gif: false },
  { name: 'v11-cp1252-qp', subject: 'Fixture 1.1', texts: ['Preis: 5 € – „Anführung“ … ™'], gif: false, framing: 'chunked' },
  { name: 'v12-sjis-related', subject: 'Fixture 1.2', texts: ['こんにちは、写真です'], gif: true, viaControl: true },
  { name: 'v13-big5-base64', subject: 'Fixture 1.3', texts: ['你好，這是照片'], gif: true },
];

const pythonMissing = spawnSync('python3', ['-c', 'import email']).status !== 0;

test('the hex fixture reader: comments, the location token, and a line named on bad input', () => {
  const read = parseHexFixture('# title\n8C 82   # type\n83 {content-location}\n00\n');
  assert.deepEqual([...read('http://a/b')], [0x8c, 0x82, 0x83, ...Buffer.from('http://a/b'), 0x00]);
  assert.throws(() => read(), /needs a content location/);
  assert.throws(() => parseHexFixture('8C 82\n8O\n'), /line 2: "8O"/);
});

test('hand-assembled inbound MMS (1.0–1.3, legacy charsets, textual headers, QP/base64) reach the mailbox as the right text', { timeout: 90_000, skip: pythonMissing ? 'python3 with its email package is not installed' : false }, async (t) => {
  await withE2e({}, async (env) => {
    for (const c of CASES) {
      await t.test(c.name, async () => {
        const rcHex = fixture(`${c.name}.retrieve-conf.hex`);
        const pushHex = fixture(`${c.name}.push.hex`);
        const transactionId = `IN-${c.name}`;
        if (c.viaControl) {
          const res = await fetch(`${env.mmscSim.url.replace(/\/mms$/, '')}/_sim/submit-raw`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ transactionId, retrieveConfHex: rcHex, pushHex }) });
          assert.equal(res.status, 200);
        } else {
          await env.mmscSim.submitRaw({ transactionId, retrieveConf: parseHexFixture(rcHex)(), push: parseHexFixture(pushHex), ...(c.framing ? { framing: c.framing } : {}) });
        }
        const mail = await waitUntil(async () => (await mailsWith(env.sink, c.subject))[0], 25_000, `${c.subject} at the mailbox`, () => env.gateway.store.jobs.list(undefined, 6).map((j) => [j.key, j.state, j.lastError]));
        assert.equal(env.mmscSim.fetches(transactionId), 1, 'fetched once');
        const served = env.mmscSim.message(transactionId)?.retrieveConf;
        assert.deepEqual(served, parseHexFixture(rcHex)(), 'served as assembled');
        const py = pythonParse(mail.mail.raw);
        assert.deepEqual(py.defects, [], 'Python finds no MIME defects');
        assert.match(py.subject, new RegExp(c.subject.replace('.', '\\.')));
        assert.match(py.from, /15551230000/);
        const texts = py.parts.filter((p) => p.contentType === 'text/plain').map((p) => p.text ?? '').join('\n');
        for (const want of c.texts) assert.ok(texts.includes(want), `"${want}" in ${JSON.stringify(texts)}`);
        const gifs = py.parts.filter((p) => p.contentType === 'image/gif');
        if (c.gif) assert.deepEqual(gifs.map((g) => g.sha256), [GIF_SHA256], 'the GIF decoded to its original octets');
      });
    }
  });
});
