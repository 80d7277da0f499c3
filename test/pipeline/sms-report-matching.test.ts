import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handleStatusReport } from '../../src/pipeline/reports.js';
import { harness, type Harness } from './harness.js';

/**
 * An SMS-STATUS-REPORT finds its sent part by TP-MR and recipient (3GPP 23.040 §9.2.2.3),
 * however many SMS were sent since: a burst of 500 mails sent as SMS gets its reports after
 * all 500 went out, and the reports of the first 300 used to match nothing (a look-back of
 * the 200 most recent messages), leaving them `sent` for good and their senders untold.
 */

/** Semi-octet BCD of a number's digits, 23.040 §9.1.2.3 (F-padded). */
function bcd(digits: string): string {
  const d = digits.length % 2 ? `${digits}F` : digits;
  let out = '';
  for (let i = 0; i < d.length; i += 2) out += d[i + 1]! + d[i]!;
  return out;
}

/**
 * Hand-assembled SMS-STATUS-REPORT, 23.040 §9.2.2.3: no SMSC address (00); first octet 0x06
 * (TP-MTI 10 status report, TP-MMS 1); TP-MR; TP-RA (digit count, type 0x91 international,
 * BCD); TP-SCTS and TP-DT 2026-12-07 12:34:00 +00 (semi-octets swapped, §9.2.3.11); TP-ST 0x00
 * "short message received by the SME" (§9.2.3.15).
 */
function statusReport(mr: number, number: string): Buffer {
  const digits = number.replace(/^\+/, '');
  const ts = '62217021430000';
  const hex = `00` + `06` + mr.toString(16).padStart(2, '0') + digits.length.toString(16).padStart(2, '0') + '91' + bcd(digits) + ts + ts + '00';
  return Buffer.from(hex, 'hex');
}

/** An outbound SMS, sent: its one part recorded with TP-MR `mr` (through `modem` when given). */
function sentSms(h: Harness, to: string, mr: number, modem?: string): number {
  const m = h.store.messages.insert({ direction: 'out', kind: 'sms', state: 'sent', from: 'alice@example.test', to: [to], at: h.clock.now });
  const sub = h.store.submissions.begin({ msgId: m.id, recipient: to, seq: 1, total: 1 }, h.clock.now);
  if (modem !== undefined) h.store.modemLinks.setSubmissionModem(sub.id, modem);
  // As src/pipeline/send.ts records a part the network took: the submission and the event.
  h.store.submissions.sent(sub.id, String(mr), h.clock.now);
  h.store.events.add(m.id, 'sms-part-sent', { recipient: to, seq: 1, of: 1, mr }, h.clock.now);
  h.clock.now += 1000;
  return m.id;
}

async function report(h: Harness, mr: number, number: string, modem?: string): Promise<void> {
  const raw = await h.store.saveRawPdu({ kind: 'sms-status-report', body: statusReport(mr, number), source: 'modem:SM/1' });
  if (modem !== undefined) h.store.modemLinks.setRawPduModem(raw.id, modem);
  await handleStatusReport(h.ctx, raw.id);
}

test('the report of the first of 500 SMS sent since finds it, and no other', async () => {
  const h = await harness();
  try {
    const ids: number[] = [];
    for (let i = 0; i < 500; i++) ids.push(sentSms(h, `+1555031${String(i).padStart(4, '0')}`, i & 0xff));
    await report(h, 0, '+15550310000');
    assert.equal(h.store.messages.get(ids[0]!)?.state, 'delivered', 'the first SMS is delivered');
    assert.equal(h.store.reports.ofMessage(ids[0]!).length, 1);
    // Message 256 has the same TP-MR (0) and another recipient: untouched.
    assert.equal(h.store.messages.get(ids[256]!)?.state, 'sent');
    assert.ok(h.store.jobs.list().some((j) => j.kind === 'notify-sender' && j.key.startsWith(`notify:${ids[0]}:`)), 'the sender is told');
  } finally {
    await h.close();
  }
});

test('with the TP-MR repeated to one recipient, the most recent send takes the report', async () => {
  const h = await harness();
  try {
    const older = sentSms(h, '+15550310001', 7);
    const newer = sentSms(h, '+15550310001', 7);
    await report(h, 7, '+15550310001');
    assert.equal(h.store.messages.get(newer)?.state, 'delivered');
    assert.equal(h.store.messages.get(older)?.state, 'sent');
  } finally {
    await h.close();
  }
});

test('a report read from one modem does not match a part sent through another (TP-MR counts per modem)', async () => {
  const h = await harness();
  try {
    const viaA = sentSms(h, '+15550310001', 9, 'a');
    const viaB = sentSms(h, '+15550310001', 9, 'b');
    await report(h, 9, '+15550310001', 'a');
    assert.equal(h.store.messages.get(viaA)?.state, 'delivered', 'the part sent through modem a');
    assert.equal(h.store.messages.get(viaB)?.state, 'sent', 'the more recent part through modem b is not it');
  } finally {
    await h.close();
  }
});
