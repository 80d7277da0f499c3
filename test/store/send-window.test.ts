/**
 * The send limits (mail.in.limits) count the outbound messages of the last hour and day for every
 * mail offered: six counts a mail. On a box that keeps months of messages that count must read
 * the window, not the whole store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outboundRecipientsQuery, outboundUsageQuery } from '../../src/store/index.js';
import { tempStore } from './helpers.js';

const HOUR = 3_600_000;

test('the outbound count of a window reads the window through an index, and counts each destination', () => {
  const { store, cleanup } = tempStore();
  try {
    const now = Date.now();
    store.tx(() => {
      // A month of history: 2,000 outbound messages older than a day, and received ones.
      for (let i = 0; i < 2000; i++) {
        store.messages.insert({ direction: 'out', kind: 'sms', state: 'delivered', from: 'old@example.org', to: ['+15550100002'], at: now - 2 * 24 * HOUR - i * 60_000 });
        store.messages.insert({ direction: 'in', kind: 'sms', state: 'relayed', from: '+15550100003', to: ['+15550100001'], at: now - i * 1000 });
      }
      // The last hour: three mails of one sender (one to two numbers), one of another domain.
      store.messages.insert({ direction: 'out', kind: 'sms', state: 'sent', from: 'Ann <ann@shop.example>', to: ['+15550100002', '+15550100004'], at: now - 10 * 60_000 });
      store.messages.insert({ direction: 'out', kind: 'mms', state: 'sent', from: 'ann@shop.example', to: ['+15550100002'], at: now - 20 * 60_000 });
      store.messages.insert({ direction: 'out', kind: 'sms', state: 'sent', from: 'bob@shop.example', to: ['+15550100005'], at: now - 30 * 60_000 });
      store.messages.insert({ direction: 'out', kind: 'sms', state: 'sent', from: 'eve@other.example', to: ['+15550100006'], at: now - 40 * 60_000 });
    });
    const m = store.messages;
    assert.equal(m.countOutboundRecipients(now - HOUR), 5, 'the box: every destination of the hour');
    assert.equal(m.countOutboundRecipients(now - HOUR, { from: 'ANN@shop.example' }), 3, 'one sender');
    assert.equal(m.countOutboundRecipients(now - HOUR, { fromDomain: 'Shop.Example' }), 4, 'one domain');
    assert.equal(m.countOutboundRecipients(now - 24 * HOUR), 5, 'the day holds nothing older');
    assert.equal(m.countOutboundRecipients(now - 60 * 24 * HOUR), 2005, 'sixty days hold the history');

    // SQLite's own account of how it runs each count (sqlite.org/eqp.html): a SEARCH on the
    // (direction, created_at) index, not a SCAN of messages.
    for (const by of [{}, { from: 'ann@shop.example' }, { fromDomain: 'shop.example' }]) {
      const q = outboundRecipientsQuery(now - HOUR, by);
      const plan = (store.db.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...q.params) as { detail: string }[]).map((r) => r.detail);
      assert.ok(plan.some((d) => /^SEARCH m USING (COVERING )?INDEX messages_direction_created \(direction=\? AND created_at>\?\)/.test(d)), `plan for ${JSON.stringify(by)}: ${plan.join(' | ')}`);
      assert.ok(!plan.some((d) => /^SCAN m\b/.test(d)), `no scan of messages: ${plan.join(' | ')}`);
    }

    // A mail's six counts in one pass (outboundUsage), equal to the counts one by one.
    const count = (since: number, by: { from?: string; fromDomain?: string }): { lastHour: number; lastDay: number } => ({
      lastHour: m.countOutboundRecipients(now - HOUR, by),
      lastDay: m.countOutboundRecipients(now - 24 * HOUR, by),
    });
    const usage = m.outboundUsage(now, 'ANN@shop.example');
    assert.deepEqual(usage, { from: count(now, { from: 'ann@shop.example' }), domain: count(now, { fromDomain: 'shop.example' }), box: count(now, {}) });
    assert.deepEqual(usage, { from: { lastHour: 3, lastDay: 3 }, domain: { lastHour: 4, lastDay: 4 }, box: { lastHour: 5, lastDay: 5 } });
    assert.deepEqual(m.outboundUsage(now, 'no-domain'), { from: { lastHour: 0, lastDay: 0 }, box: { lastHour: 5, lastDay: 5 } });
    const q = outboundUsageQuery(now, 'ann@shop.example');
    const plan = (store.db.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...q.params) as { detail: string }[]).map((r) => r.detail);
    assert.ok(plan.some((d) => /^SEARCH m USING (COVERING )?INDEX messages_direction_created \(direction=\? AND created_at>\?\)/.test(d)), `plan of the usage: ${plan.join(' | ')}`);
  } finally {
    cleanup();
  }
});
