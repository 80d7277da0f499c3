/**
 * MM7 CancelReq and ReplaceReq (3GPP TS 23.140 §8): a message still waiting in the queue is
 * withdrawn (or its content replaced under the same MessageID) atomically with respect to the
 * send job; one already handed to the network cannot be (status 3001), and a MessageID the
 * VASP does not own is unknown (2005).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { waitUntil } from '../helpers/e2e.js';
import { jpeg, NS6, pyCheck, withMm7 } from './helpers.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('MM7 CancelReq and ReplaceReq', { timeout: 120_000 }, () => {
  it('a queued message is cancelled and never sent; cancelling again or a sent message is not possible', async () => {
    await withMm7({ reportDelayMs: undefined }, async (env) => {
      const { e2e, vasp } = env;
      await e2e.gateway.worker.stop(); // hold the queue
      const sub = await vasp.submit({ to: ['+15550200200'], subject: '[mm7-cancel]', parts: [{ contentType: 'image/jpeg', body: await jpeg(40, 40, 2) }] });
      assert.equal(sub.status.code, 1000);
      const c = await vasp.cancel(sub.messageId!);
      assert.equal(c.httpStatus, 200);
      const py = pyCheck(c.xml, { ns: NS6, op: 'CancelRsp' });
      assert.deepEqual(py.errors, []);
      assert.equal(py.status, 1000);
      assert.equal((await vasp.cancel(sub.messageId!)).status.code, 3001);
      assert.equal((await vasp.cancel('mmsgw-unknown-1')).status.code, 2005);

      await env.stopBox();
      await e2e.restart();
      await env.startBox();
      const other = await vasp.submit({ to: ['+15550200201'], subject: '[mm7-sent]', parts: [{ contentType: 'image/jpeg', body: await jpeg(40, 40, 3) }] });
      await waitUntil(() => e2e.mmscSim.sent().some((s) => s.pdu.subject === '[mm7-sent]'), 30_000, 'the second MMS sent');
      await waitUntil(() => e2e.gateway.store.messages.list({ direction: 'out', state: 'sent' }).length === 1, 10_000, 'state sent');
      assert.equal((await vasp.cancel(other.messageId!)).status.code, 3001);
      assert.ok(!e2e.mmscSim.sent().some((s) => s.pdu.subject === '[mm7-cancel]'), 'the cancelled message never reached the MMSC');
      const cancelled = e2e.gateway.store.messages.list({ direction: 'out', state: 'failed' });
      assert.equal(cancelled.length, 1);
      assert.ok(e2e.gateway.store.events.ofMessage(cancelled[0]!.id).some((ev) => ev.kind === 'withdrawn'));
    });
  });

  it('a queued message replaced by ReplaceReq goes out with the new content only, and reports under the first MessageID', async () => {
    await withMm7({}, async (env) => {
      const { e2e, vasp } = env;
      await e2e.gateway.worker.stop();
      const original = await jpeg(50, 50, 4);
      const replacement = await jpeg(60, 40, 8);
      const sub = await vasp.submit({ to: ['+15550200300'], subject: '[mm7-replace]', parts: [{ contentType: 'image/jpeg', body: original }], deliveryReport: true });
      // A replacement the box refuses (no picture in those bytes) leaves the original queued.
      const refused = await vasp.replace(sub.messageId!, [{ contentType: 'image/jpeg', body: Buffer.from('not a picture') }]);
      assert.equal(refused.status.code, 2004);
      const queued = e2e.gateway.store.messages.list({ direction: 'out', state: 'queued' });
      assert.equal(queued.length, 1, 'the original is queued again');
      const r = await vasp.replace(sub.messageId!, [{ contentType: 'image/jpeg', body: replacement, name: 'new.jpg' }], { transactionId: 'replace-1' });
      assert.equal(r.httpStatus, 200, r.xml);
      const again = await vasp.replace(sub.messageId!, [{ contentType: 'image/jpeg', body: replacement, name: 'new.jpg' }], { transactionId: 'replace-1' });
      assert.equal(again.status.code, 1000, 'a retried ReplaceReq is answered as the first');
      assert.equal(e2e.gateway.store.messages.list({ direction: 'out', state: 'queued' }).length, 1, 'one message waits: the replacement');
      const py = pyCheck(r.xml, { ns: NS6, op: 'ReplaceRsp' });
      assert.deepEqual(py.errors, []);
      assert.equal(py.status, 1000);
      await env.stopBox();
      await e2e.restart();
      await env.startBox();
      const sent = await waitUntil(() => e2e.mmscSim.sent().find((s) => s.pdu.subject === '[mm7-replace]'), 30_000, 'the MMS');
      assert.equal(sha(sent.pdu.parts.find((p) => p.contentType === 'image/jpeg')!.body), sha(replacement));
      const report = await waitUntil(() => vasp.received.find((x) => x.op === 'DeliveryReportReq'), 30_000, 'the report');
      assert.equal(report.messageId, sub.messageId);
      await new Promise((res) => setTimeout(res, 1000));
      assert.equal(e2e.mmscSim.sent().filter((s) => s.pdu.subject === '[mm7-replace]').length, 1, 'only the replacement was sent');
      assert.equal((await vasp.replace(sub.messageId!, [{ contentType: 'image/jpeg', body: original }])).status.code, 3001, 'a sent message cannot be replaced');
    });
  });
});
