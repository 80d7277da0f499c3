/**
 * MM7 end to end on the simulators (3GPP TS 23.140 §8): a VASP submits an MMS with a JPEG,
 * the MMSC simulator receives it from the gateway, the handset's delivery report comes back
 * through the modem as WAP Push, and a DeliveryReportReq reaches the VASP simulator — in the
 * namespace the VASP used. Every SOAP message the box wrote is checked by python3's xml.etree.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { mmsAddress, mmsPdu, pushPdus, wapPushFor } from '../../src/sim/mmsc/index.js';
import { REL5 } from '../../src/web/mm7/ns.js';
import { OWN_NUMBER, waitUntil } from '../helpers/e2e.js';
import { jpeg, NS5, NS6, pyCheck, withMm7 } from './helpers.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('MM7 SubmitReq', { timeout: 120_000 }, () => {
  for (const rel of ['REL-6-MM7-1-4', 'REL-5-MM7-1-2'] as const) {
    it(`${rel}: a JPEG reaches the MMSC, and the delivery report reaches the VASP in the same namespace`, async () => {
      await withMm7({}, async ({ e2e, vasp }) => {
        const ns = rel === 'REL-5-MM7-1-2' ? NS5 : NS6;
        const picture = await jpeg(96, 64, 3);
        const answer = await vasp.submit({
          to: ['+15550200123'],
          subject: `[mm7-${rel}] photo`,
          parts: [{ contentType: 'text/plain', charset: 'utf-8', body: Buffer.from('Your photo is ready — grüße'), name: 'caption.txt' }, { contentType: 'image/jpeg', body: picture, name: 'photo.jpg' }],
          deliveryReport: true,
          ...(rel === 'REL-5-MM7-1-2' ? { release: REL5 } : {}),
        });
        assert.equal(answer.httpStatus, 200, answer.xml);
        const py = pyCheck(answer.xml, { ns, op: 'SubmitRsp' });
        assert.deepEqual(py.errors, []);
        assert.equal(py.status, 1000);
        assert.equal(py.version, rel === 'REL-5-MM7-1-2' ? '5.3.0' : '6.8.0');
        assert.ok(answer.messageId);

        const sent = await waitUntil(() => e2e.mmscSim.sent().find((s) => s.pdu.subject?.includes(`[mm7-${rel}]`)), 30_000, 'the m-send-req at the MMSC');
        assert.deepEqual(sent.pdu.to.map((a) => a.value.replace(/\/TYPE=PLMN$/, '')), ['+15550200123']);
        const image = sent.pdu.parts.find((p) => p.contentType === 'image/jpeg');
        assert.ok(image, 'the JPEG is a part of the MMS');
        assert.equal(sha(image.body), sha(picture), 'the JPEG arrives byte-identical');
        const text = sent.pdu.parts.find((p) => p.contentType === 'text/plain');
        assert.ok(text && Buffer.from(text.body).toString('utf8').includes('grüße'));

        const report = await waitUntil(() => vasp.received.find((r) => r.op === 'DeliveryReportReq'), 30_000, 'the DeliveryReportReq at the VASP', () => e2e.gateway.store.jobs.list());
        assert.equal(report.namespace, ns);
        assert.equal(report.messageId, answer.messageId);
        assert.equal(report.mmStatus, 'Retrieved');
        assert.deepEqual(report.recipients, ['+15550200123']);
        const rpy = pyCheck(report.raw.xml, { ns, op: 'DeliveryReportReq', spec: rel === 'REL-5-MM7-1-2' ? 'DeliveryReportReq5' : 'DeliveryReportReq6' });
        assert.deepEqual(rpy.errors, []);
        assert.equal(rpy.MessageID, answer.messageId);
        assert.equal(rpy.Recipient, 'Number:+15550200123');
        // Exactly one report, and nothing else pending for the VASP.
        await waitUntil(() => e2e.gateway.store.jobs.list().every((j) => !j.kind.startsWith('mm7-') || j.state === 'done'), 10_000, 'mm7 jobs done');
        assert.equal(vasp.received.filter((r) => r.op === 'DeliveryReportReq').length, 1);
      });
    });
  }

  it('a SubmitReq retried with the same TransactionID gets the first MessageID and sends one MMS', async () => {
    await withMm7({ reportDelayMs: undefined }, async ({ e2e, vasp }) => {
      const parts = [{ contentType: 'image/jpeg', body: await jpeg(32, 32, 9), name: 'a.jpg' }];
      const first = await vasp.submit({ to: ['+15550200124'], subject: '[mm7-retry]', parts, transactionId: 'tx-retry-1' });
      const again = await vasp.submit({ to: ['+15550200124'], subject: '[mm7-retry]', parts, transactionId: 'tx-retry-1' });
      assert.equal(first.status.code, 1000);
      assert.equal(again.status.code, 1000);
      assert.equal(again.messageId, first.messageId);
      await waitUntil(() => e2e.mmscSim.sent().some((s) => s.pdu.subject === '[mm7-retry]'), 30_000, 'the m-send-req');
      const other = await vasp.submit({ to: ['+15550200124'], subject: '[mm7-retry] other', parts, transactionId: 'tx-retry-1' });
      assert.equal(other.status.code, 4004, 'a different message under a used TransactionID is refused');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(e2e.mmscSim.sent().filter((s) => s.pdu.subject?.startsWith('[mm7-retry]')).length, 1);
      assert.equal(e2e.gateway.store.messages.list({ direction: 'out' }).length, 1);
    });
  });
});

describe('MM7 ReadReplyReq', { timeout: 120_000 }, () => {
  it('a read report (m-read-orig-ind by WAP Push) for a message the VASP asked a read reply for reaches it as ReadReplyReq', async () => {
    await withMm7({ reportDelayMs: undefined }, async ({ e2e, vasp }) => {
      const answer = await vasp.submit({ to: ['+15550200400'], subject: '[mm7-read]', parts: [{ contentType: 'image/jpeg', body: await jpeg(30, 30, 6) }], readReply: true, deliveryReport: false });
      const sent = await waitUntil(() => e2e.mmscSim.sent().find((s) => s.pdu.subject === '[mm7-read]'), 30_000, 'the MMS');
      // OMA-TS-MMS_ENC §6.7.2: the recipient's read report, pushed by the MMSC.
      const pdu = mmsPdu({ messageType: 'm-read-orig-ind', mmsVersion: '1.2', messageId: sent.messageId, to: [mmsAddress(OWN_NUMBER)], from: mmsAddress('+15550200400'), date: new Date(), readStatus: 'read' });
      for (const hex of pushPdus(wapPushFor(pdu, 77), '+15550109999', 77)) await e2e.modemSim.deliverSms(hex);
      const rr = await waitUntil(() => vasp.received.find((r) => r.op === 'ReadReplyReq'), 30_000, 'the ReadReplyReq', () => e2e.gateway.store.jobs.list());
      assert.equal(rr.messageId, answer.messageId);
      assert.equal(rr.mmStatus, 'Read');
      const py = pyCheck(rr.raw.xml, { ns: NS6, op: 'ReadReplyReq', spec: 'ReadReplyReq6' });
      assert.deepEqual(py.errors, []);
      assert.equal(vasp.received.filter((r) => r.op === 'DeliveryReportReq').length, 0, 'no delivery report was asked for');
    });
  });
});

describe('MM7 reports of failures', { timeout: 120_000 }, () => {
  it('a submission the MMSC refuses for good is reported to the VASP as Rejected with the reason', async () => {
    await withMm7({ reportDelayMs: undefined }, async ({ e2e, vasp }) => {
      e2e.mmscSim.fault({ kind: 'response-status', status: 'error-permanent-service-denied', text: 'barred', on: 'post' });
      const answer = await vasp.submit({ to: ['+15550200500'], subject: '[mm7-denied]', parts: [{ contentType: 'image/jpeg', body: await jpeg(30, 30, 12) }], deliveryReport: true });
      assert.equal(answer.status.code, 1000, 'accepted for delivery: the refusal comes later, from the network');
      const report = await waitUntil(() => vasp.received.find((r) => r.op === 'DeliveryReportReq'), 60_000, 'the DeliveryReportReq', () => e2e.gateway.store.jobs.list());
      assert.equal(report.messageId, answer.messageId);
      assert.equal(report.mmStatus, 'Rejected');
      assert.match(report.statusText ?? '', /denied|barred/i);
      assert.deepEqual(pyCheck(report.raw.xml, { ns: NS6, op: 'DeliveryReportReq', spec: 'DeliveryReportReq6' }).errors, []);
    });
  });
});
