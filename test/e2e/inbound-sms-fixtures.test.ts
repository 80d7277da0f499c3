import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { parseHexFixture } from '../../src/sim/mmsc/index.js';
import { mailsWith, pythonParse, waitUntil, withE2e } from '../helpers/e2e.js';

/**
 * Inbound SMS whose PDUs no mmsgw encoder produced: the SMS-DELIVER segments of
 * test/fixtures/inbound/*.sms.hex are assembled by make_sms.py there from 3GPP 23.040/23.038
 * (UDH with the application port IE and 8- or 16-bit concatenation, 8-bit, UCS2 and GSM 7-bit
 * with fill bits and extension-table escapes). The modem simulator delivers them as they are
 * (`deliverSms`), over the pty, to the real gateway: the WAP Push is reassembled, the MMS is
 * fetched from the MMSC simulator at the Content-Location the fixture names and mailed; the
 * texts are joined and mailed. The mails are read with Python's email package and the expected
 * texts are written here by hand.
 */

const DIR = new URL('../fixtures/inbound/', import.meta.url);
/** The PDU lines of a `.sms.hex` file (comment lines start with '#'). */
function smsPdus(name: string): string[] {
  return readFileSync(new URL(name, DIR), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

const pythonMissing = spawnSync('python3', ['-c', 'import email']).status !== 0;

test('hand-assembled SMS-DELIVER segments (WAP Push, UCS2, GSM 7-bit) through the modem pty to the mailbox', { timeout: 120_000, skip: pythonMissing ? 'python3 with its email package is not installed' : false }, async (t) => {
  await withE2e({}, async (env) => {
    await t.test('a WAP Push in two 8-bit segments to port 2948: the MMS it names is fetched and mailed', async () => {
      const transactionId = 'IN-sms-wap-push';
      await env.mmscSim.submitRaw({ transactionId, token: 'sms-fixture-wap-push', retrieveConf: parseHexFixture(readFileSync(new URL('v10-latin1-ascii.retrieve-conf.hex', DIR), 'utf8'))() });
      const pdus = smsPdus('wap-push-2seg.sms.hex');
      assert.equal(pdus.length, 2);
      for (const p of pdus.reverse()) await env.modemSim.deliverSms(p); // out of order, as networks do
      const mail = await waitUntil(async () => (await mailsWith(env.sink, 'Fixture 1.0'))[0], 40_000, 'the MMS at the mailbox', () => env.gateway.store.jobs.list(undefined, 6).map((j) => [j.key, j.state, j.lastError]));
      assert.equal(env.mmscSim.fetches(transactionId), 1, 'fetched once');
      const req = env.mmscSim.requests().find((r) => r.target.includes('/mms/r/sms-fixture-wap-push'));
      assert.equal(req?.target, 'http://mmsc.fixture.invalid/mms/r/sms-fixture-wap-push', 'the Content-Location the fixture names, in absolute-form through the proxy');
      const py = pythonParse(mail.mail.raw);
      assert.deepEqual(py.defects, []);
      assert.match(py.from, /15551230000/);
      const texts = py.parts.filter((p) => p.contentType === 'text/plain').map((p) => p.text ?? '').join('\n');
      for (const want of ['Grüße aus Ærøskøbing, ½ °C', 'plain ascii, MMS 1.0']) assert.ok(texts.includes(want), `"${want}" in ${JSON.stringify(texts)}`);
    });

    const texts: { file: string; from: string; text: string }[] = [
      { file: 'ucs2-2seg.sms.hex', from: '15551230001', text: 'Grüße aus Zürich — 你好, this UCS2 text needs two segments 👋 and keeps its emoji whole. Ende.' },
      { file: 'gsm7-2seg.sms.hex', from: '15551230002', text: 'GSM 7-bit fixture: @ £ $ é è ä ö ü ß Ä Ö Ü, extension € [x] {y} ~ | ^ \\. This text is longer than one segment, so it comes in two parts that the gateway joins again. End.' },
    ];
    for (const c of texts) {
      await t.test(`${c.file}: two segments joined into one mail with the text as written`, async () => {
        const pdus = smsPdus(c.file);
        assert.equal(pdus.length, 2);
        for (const p of pdus) await env.modemSim.deliverSms(p);
        const marker = c.text.slice(0, 12);
        const mail = await waitUntil(async () => (await mailsWith(env.sink, marker))[0], 30_000, `${c.file} at the mailbox`);
        const py = pythonParse(mail.mail.raw);
        assert.deepEqual(py.defects, []);
        assert.match(py.from, new RegExp(c.from));
        const body = py.parts.filter((p) => p.contentType === 'text/plain').map((p) => p.text ?? '').join('\n');
        assert.ok(body.includes(c.text), `the whole text in ${JSON.stringify(body)}`);
        assert.equal((await mailsWith(env.sink, marker)).length, 1, 'one mail for the two segments');
      });
    }
  });
});
