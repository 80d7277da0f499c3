import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobLimits, WHOLE_MESSAGE_SLOTS } from '../../src/app/job-limits.js';
import { DEFAULT_CONCURRENCY } from '../../src/pipeline/worker.js';

/**
 * The gateway's bounds (src/app/job-limits.ts): two SMS sends per modem, and the jobs that hold
 * a whole message in memory — with MM7's DeliverReq when MM7 is on — sharing the six slots the
 * worker had in all, well below its 16.
 */
test('whole-message jobs share one bound, MM7 deliveries among them; sends get two per modem', () => {
  const limits = jobLimits(3, ['mm7-deliver']);
  assert.deepEqual(limits.find((l) => l.kinds.includes('send-sms')), { kinds: ['send-sms'], max: 6 });
  const whole = limits.find((l) => l.kinds.includes('send-mms'));
  assert.deepEqual([...(whole?.kinds ?? [])].sort(), ['hook-on-receive', 'mm7-deliver', 'mms-retrieve', 'send-mms']);
  assert.equal(whole?.max, WHOLE_MESSAGE_SLOTS);
  assert.ok(WHOLE_MESSAGE_SLOTS < DEFAULT_CONCURRENCY, 'light jobs keep slots of their own');
  assert.deepEqual(jobLimits(0).find((l) => l.kinds.includes('send-sms'))?.max, 2, 'a box with no modem yet still bounds sends');
  assert.ok(!jobLimits(1).some((l) => l.kinds.includes('mm7-deliver')), 'no MM7 kind without MM7');
});
