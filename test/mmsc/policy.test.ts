import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildNotificationInd } from '../../src/codec/mms/index.js';
import { retrievalDecision } from '../../src/mmsc/policy.js';

const at = new Date('2026-03-01T12:00:00Z');
const ind = (o: { size?: number; cls?: 'personal' | 'advertisement'; expirySecs?: number }) =>
  buildNotificationInd({ transactionId: 't1', contentLocation: 'http://mmsc/r/1', messageSize: o.size ?? 1000, expiry: o.expirySecs ?? 3600, messageClass: o.cls });

test('within limits and unexpired: retrieve', () => {
  assert.deepEqual(retrievalDecision(ind({}), { maxSize: 300_000 }, at, at), { action: 'retrieve' });
});

test('over the configured size: Rejected; advertisement class when configured: Rejected', () => {
  assert.equal(retrievalDecision(ind({ size: 400_000 }), { maxSize: 300_000 }, at, at).action, 'reject');
  const d = retrievalDecision(ind({ cls: 'advertisement' }), { maxSize: 300_000, rejectClasses: ['Advertisement'] }, at, at);
  assert.equal(d.action, 'reject');
  assert.equal(d.action === 'reject' ? d.status : '', 'rejected');
});

test('deferred retrieval configured: Deferred; past X-Mms-Expiry: nothing to do', () => {
  const d = retrievalDecision(ind({}), { maxSize: 300_000, defer: true }, at, at);
  assert.equal(d.action === 'defer' ? d.status : '', 'deferred');
  assert.equal(retrievalDecision(ind({ expirySecs: 60 }), { maxSize: 300_000 }, at, new Date(at.getTime() + 61_000)).action, 'expired');
});
