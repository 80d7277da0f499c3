import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLimits, MemoryUsageCounter } from '../../src/compose/limits.js';
import { expiresAt, isExpired, remainingSeconds } from '../../src/compose/ttl.js';

test('recipient cap refuses the whole mail', () => {
  const r = checkLimits(1000, { lastHour: 0, lastDay: 0 }, { maxRecipients: 20 });
  assert.equal(r?.code, 'MAIL_TOO_MANY_RECIPIENTS');
  assert.match(r?.reason ?? '', /1000 numbers; at most 20/);
  assert.equal(checkLimits(20, { lastHour: 0, lastDay: 0 }, { maxRecipients: 20, perHour: 100 }), undefined);
});

test('hourly and daily caps count what this mail would add', () => {
  const limits = { perHour: 5, perDay: 8 };
  assert.equal(checkLimits(1, { lastHour: 4, lastDay: 4 }, limits), undefined);
  assert.equal(checkLimits(2, { lastHour: 4, lastDay: 4 }, limits)?.code, 'MAIL_RATE_LIMITED');
  assert.match(checkLimits(1, { lastHour: 0, lastDay: 8 }, limits)?.reason ?? '', /per day/);
});

test('in-memory counter slides its windows, per sender, domain and box', () => {
  const c = new MemoryUsageCounter();
  const t0 = new Date('2026-01-01T10:00:00Z');
  c.record('Anna@Example.org', 2, t0);
  c.record('anna@example.org', 1, new Date(t0.getTime() + 30 * 60_000));
  c.record('bob@example.org', 4, new Date(t0.getTime() + 40 * 60_000));
  c.record('eve@other.example', 5, new Date(t0.getTime() + 40 * 60_000));
  const w = (h: number, d: number) => ({ lastHour: h, lastDay: d });
  assert.deepEqual(c.usage('anna@example.org', new Date(t0.getTime() + 45 * 60_000)), { ...w(3, 3), domain: w(7, 7), box: w(12, 12) });
  assert.deepEqual(c.usage('anna@example.org', new Date(t0.getTime() + 61 * 60_000)), { ...w(1, 3), domain: w(5, 7), box: w(10, 12) });
  assert.deepEqual(c.usage('anna@example.org', new Date(t0.getTime() + 25 * 3600_000)), { ...w(0, 0), domain: w(0, 0), box: w(0, 0) });
  assert.deepEqual(c.usage('carol@example.org', t0), { ...w(0, 0), domain: w(2, 2), box: w(2, 2) });
});

test('caps per domain and per box: several addresses of one domain cannot multiply the sender cap; 0 is no limit', () => {
  const limits = { perHour: 5, perDay: 100, perDomainHour: 8, perDomainDay: 100, perBoxHour: 20, perBoxDay: 100 };
  const w = (h: number, d: number) => ({ lastHour: h, lastDay: d });
  assert.equal(checkLimits(1, { ...w(2, 2), domain: w(6, 6), box: w(6, 6) }, limits), undefined);
  assert.match(checkLimits(1, { ...w(2, 2), domain: w(8, 8), box: w(8, 8) }, limits)?.reason ?? '', /Your domain has reached the limit of 8 messages per hour/);
  assert.match(checkLimits(1, { ...w(0, 0), domain: w(0, 0), box: w(20, 20) }, limits)?.reason ?? '', /The gateway has reached the limit of 20/);
  assert.equal(checkLimits(1, { ...w(1000, 1000), domain: w(1000, 1000), box: w(1000, 1000) }, { perHour: 0, perDay: 0, perDomainHour: 0, perDomainDay: 0, perBoxHour: 0, perBoxDay: 0 }), undefined);
});

test('time-to-live: expired at the boundary, remaining validity for TP-VP', () => {
  const created = new Date('2026-01-01T00:00:00Z');
  const job = { expiresAt: expiresAt(created, 3600) };
  assert.equal(job.expiresAt.toISOString(), '2026-01-01T01:00:00.000Z');
  assert.equal(isExpired(job, new Date('2026-01-01T00:59:59Z')), false);
  assert.equal(isExpired(job, new Date('2026-01-01T01:00:00Z')), true);
  assert.equal(remainingSeconds(job, new Date('2026-01-01T00:30:00Z')), 1800);
  assert.equal(remainingSeconds(job, new Date('2026-01-02T00:00:00Z')), undefined);
  assert.throws(() => expiresAt(created, 0), RangeError);
});
