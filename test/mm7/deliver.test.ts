/**
 * The box towards the VASP (3GPP TS 23.140 §8, DeliverReq): an MMS a handset sends to the box
 * (MMSC simulator → WAP Push over the modem simulator's pty → fetch) and an SMS reach the VASP
 * simulator as DeliverReq with their content, while the mail relay goes on as before. A VASP
 * that fails for a while gets the request again until it accepts it, once accepted never
 * again; one that refuses for good leaves the job in the dead-letter state with the reason.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { encodeDeliver } from '../../src/codec/sms/index.js';
import { mailsWith, OWN_NUMBER, waitUntil } from '../helpers/e2e.js';
import { jpeg, NS5, NS6, pyCheck, withMm7 } from './helpers.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('MM7 DeliverReq', { timeout: 120_000 }, () => {
  it('an MMS from a handset reaches the VASP as DeliverReq with its parts, and the mailbox as before', async () => {
    await withMm7({}, async ({ e2e, vasp }) => {
      const picture = await jpeg(120, 80, 5);
      await e2e.mmscSim.submitFromHandset({
        from: '+15550300777',
        to: OWN_NUMBER,
        subject: '[mm7-in] holiday',
        parts: [
          { contentType: 'text/plain', text: 'Look at this — schön!', charset: 'utf-8', name: 'text.txt' },
          { contentType: 'image/jpeg', body: picture, name: 'beach.jpg' },
        ],
      });
      const d = await waitUntil(() => vasp.received.find((r) => r.op === 'DeliverReq'), 30_000, 'the DeliverReq', () => e2e.gateway.store.jobs.list());
      assert.equal(d.namespace, NS6);
      assert.equal(d.sender, '+15550300777');
      assert.deepEqual(d.recipients, [OWN_NUMBER]);
      assert.equal(d.subject, '[mm7-in] holiday');
      const py = pyCheck(d.raw.xml, { ns: NS6, op: 'DeliverReq', spec: 'DeliverReq6' });
      assert.deepEqual(py.errors, []);
      assert.equal(py.Sender, 'Number:+15550300777');
      assert.match(py.href ?? '', /^cid:/);
      const image = d.content.find((p) => p.contentType === 'image/jpeg');
      assert.ok(image, `the JPEG is in the content: ${d.content.map((p) => p.contentType).join(', ')}`);
      assert.equal(image.sha256, sha(picture));
      const text = d.content.find((p) => p.contentType === 'text/plain');
      assert.equal(text?.body.toString('utf8'), 'Look at this — schön!');
      // The handset sent no SMIL: the content is the two parts, nothing added.
      assert.deepEqual(d.content.map((p) => p.contentType), ['text/plain', 'image/jpeg']);
      await waitUntil(async () => (await mailsWith(e2e.sink, '[mm7-in]')).length === 1, 30_000, 'the relayed mail');
      assert.equal(vasp.received.filter((r) => r.op === 'DeliverReq').length, 1);
    });
  });

  it('an SMS reaches a REL-5 VASP as DeliverReq with a text/plain part', async () => {
    await withMm7({ vaspVersion: 'REL-5-MM7-1-2' }, async ({ e2e, vasp }) => {
      for (const p of encodeDeliver({ from: '+15550300888', text: '[mm7-sms] Grüße €5', reference: 1 })) await e2e.modemSim.deliverSms(p.hex);
      const d = await waitUntil(() => vasp.received.find((r) => r.op === 'DeliverReq'), 30_000, 'the DeliverReq');
      assert.equal(d.namespace, NS5);
      const py = pyCheck(d.raw.xml, { ns: NS5, op: 'DeliverReq', spec: 'DeliverReq5' });
      assert.deepEqual(py.errors, []);
      assert.equal(py.version, '5.3.0');
      assert.ok(!d.elements.includes('VASPID'), 'no VASPID in a REL-5 DeliverReq');
      assert.equal(d.sender, '+15550300888');
      assert.deepEqual(d.content.map((p) => [p.contentType, p.body.toString('utf8')]), [['text/plain', '[mm7-sms] Grüße €5']]);
    });
  });

  it('a VASP failing twice (HTTP 503, then status 3000) gets the DeliverReq until it accepts it, then never again', async () => {
    await withMm7({}, async ({ e2e, vasp }) => {
      vasp.failNext({ kind: 'http', status: 503 });
      vasp.failNext({ kind: 'status', code: 3000 });
      for (const p of encodeDeliver({ from: '+15550300999', text: '[mm7-retry-in] hello', reference: 2 })) await e2e.modemSim.deliverSms(p.hex);
      await waitUntil(() => vasp.received.filter((r) => r.op === 'DeliverReq').length >= 3, 30_000, 'three DeliverReq', () => e2e.gateway.store.jobs.list());
      const job = await waitUntil(() => e2e.gateway.store.jobs.list().find((j) => j.kind === 'mm7-deliver' && j.state === 'done'), 10_000, 'the job done');
      assert.equal(job.attempts, 3);
      const got = vasp.received.filter((r) => r.op === 'DeliverReq');
      assert.deepEqual(got.map((r) => r.answered), [503, 200, 200]);
      assert.equal(new Set(got.map((r) => r.transactionId)).size, 1, 'a retry carries the same TransactionID');
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(vasp.received.filter((r) => r.op === 'DeliverReq').length, 3);
    });
  });

  it('a VASP refusing for good (status 2000) dead-letters the job with the reason', async () => {
    await withMm7({}, async ({ e2e, vasp }) => {
      vasp.failNext({ kind: 'status', code: 2000 }, 10);
      for (const p of encodeDeliver({ from: '+15550301000', text: '[mm7-dead] hello', reference: 3 })) await e2e.modemSim.deliverSms(p.hex);
      const dead = await waitUntil(() => e2e.gateway.store.jobs.list('dead').find((j) => j.kind === 'mm7-deliver'), 30_000, 'the dead job');
      assert.match(dead.lastError ?? '', /status 2000/);
      assert.equal(vasp.received.filter((r) => r.op === 'DeliverReq').length, 1);
    });
  });

  it('a DeliverReq pending while the gateway is down goes out after the restart, once', async () => {
    await withMm7({}, async (env) => {
      const { e2e, vasp } = env;
      vasp.failNext({ kind: 'reset' }, 1);
      for (const p of encodeDeliver({ from: '+15550301001', text: '[mm7-restart] hello', reference: 4 })) await e2e.modemSim.deliverSms(p.hex);
      await waitUntil(() => e2e.gateway.store.jobs.list().find((j) => j.kind === 'mm7-deliver' && j.attempts >= 1), 30_000, 'a first attempt');
      await env.stopBox();
      await e2e.restart();
      await env.startBox();
      await waitUntil(() => vasp.received.some((r) => r.op === 'DeliverReq' && r.answered === 200), 30_000, 'the DeliverReq after the restart', () => e2e.gateway.store.jobs.list());
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(vasp.received.filter((r) => r.op === 'DeliverReq' && r.answered === 200).length, 1);
    });
  });
});
