import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handlePush } from '../../src/pipeline/push.js';
import { mmsAddress, mmsPdu, wapPushFor } from '../../src/sim/mmsc/index.js';
import { harness } from './harness.js';

/**
 * Issue 9: a delivery or read report must find the sent MMS whatever the angle brackets or
 * the case of its Message-ID (OMA-TS-MMS_ENC §7.3.29: the report carries the Message-ID of the
 * m-send-conf, but MMSCs differ in whether they wrap it in <> and in its case).
 */
const CASES: readonly { stored: string; reported: string }[] = [
  { stored: 'abc123@mmsc.example', reported: '<abc123@mmsc.example>' },
  { stored: '<Abc124@MMSC.example>', reported: 'abc124@mmsc.example' },
  { stored: 'MSG-0000125', reported: ' <msg-0000125> ' },
  { stored: '<x126@mmsc>', reported: '<X126@MMSC>' },
];

for (const c of CASES) {
  test(`a delivery report for ${JSON.stringify(c.reported)} finds the message sent as ${JSON.stringify(c.stored)}`, async () => {
    const h = await harness();
    try {
      const sent = h.store.messages.insert({ direction: 'out', kind: 'mms', state: 'sent', from: 'alice@example.test', to: ['+15550310001'], messageId: c.stored, emailMessageId: `<${c.stored}-mail>`, at: h.clock.now });
      // An unrelated sent message, to be sure the match is not just "the only one".
      h.store.messages.insert({ direction: 'out', kind: 'mms', state: 'sent', to: ['+15550310002'], messageId: 'other@mmsc.example', at: h.clock.now });
      const ind = mmsPdu({ messageType: 'm-delivery-ind', mmsVersion: '1.2', messageId: c.reported, to: [mmsAddress('+15550310001')], date: new Date(), status: 'retrieved' });
      await handlePush(h.ctx, wapPushFor(ind, 7), { from: '+15550109999', date: h.clock.now, rawPduIds: [], segmentIds: [], incomplete: false });
      const reports = h.store.reports.ofMessage(sent.id);
      assert.equal(reports.length, 1, 'the report is linked to the sent message');
      assert.equal(reports[0]?.status, 'retrieved');
      assert.equal(h.store.messages.get(sent.id)?.state, 'delivered');
      assert.ok(h.store.jobs.list().some((j) => j.kind === 'notify-sender' && j.key.startsWith(`notify:${sent.id}:`)), 'the sender is told');
      assert.equal(h.store.reports.byMessageId(c.stored).length, 1, 'found by the stored form too');
    } finally {
      await h.close();
    }
  });
}

test('a read report matches the same way', async () => {
  const h = await harness();
  try {
    const sent = h.store.messages.insert({ direction: 'out', kind: 'mms', state: 'delivered', to: ['+15550310001'], messageId: 'Read-77@MMSC', at: h.clock.now });
    const ind = mmsPdu({ messageType: 'm-read-orig-ind', mmsVersion: '1.2', messageId: '<read-77@mmsc>', from: mmsAddress('+15550310001'), to: [mmsAddress('+15550100001')], date: new Date(), readStatus: 'read' });
    await handlePush(h.ctx, wapPushFor(ind, 8), { from: '+15550109999', date: h.clock.now, rawPduIds: [], segmentIds: [], incomplete: false });
    assert.equal(h.store.messages.get(sent.id)?.state, 'read');
  } finally {
    await h.close();
  }
});
