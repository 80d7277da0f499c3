import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextAttemptAt, expiryInstant, DEFAULT_RETRY } from '../../src/mmsc/retry.js';
import { httpStatusTransient, mmsStatusTransient } from '../../src/mmsc/errors.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);

test('backoff doubles from 30 s and is capped at one hour', () => {
  const far = at(30 * 24 * 3_600_000);
  const delays = [1, 2, 3, 4, 10].map((n) => (nextAttemptAt({ attempts: n, lastAttemptAt: t0 }, far)?.getTime() ?? 0) - t0.getTime());
  assert.deepEqual(delays, [30_000, 60_000, 120_000, 240_000, 3_600_000]);
});

test('never past the expiry: the last try lands just before it, then give up', () => {
  const expiry = at(10 * 60_000);
  const late = at(8 * 60_000);
  const n = nextAttemptAt({ attempts: 6, lastAttemptAt: late }, expiry);
  assert.deepEqual(n, new Date(expiry.getTime() - DEFAULT_RETRY.expiryMarginMs));
  assert.equal(nextAttemptAt({ attempts: 7, lastAttemptAt: at(9 * 60_000 + 30_000) }, expiry), undefined);
  assert.equal(nextAttemptAt({ attempts: 1, lastAttemptAt: at(11 * 60_000) }, expiry), undefined);
});

test('without an expiry the horizon bounds the effort; maxAttempts always does', () => {
  assert.equal(nextAttemptAt({ attempts: 3, lastAttemptAt: at(8 * 24 * 3_600_000), firstAttemptAt: t0 }, undefined), undefined);
  assert.equal(nextAttemptAt({ attempts: 40, lastAttemptAt: t0 }, at(1e12)), undefined);
  assert.ok(nextAttemptAt({ attempts: 2, lastAttemptAt: t0 }, undefined));
});

test('jitter only shortens the delay', () => {
  const n = nextAttemptAt({ attempts: 1, lastAttemptAt: t0 }, at(1e9), { jitter: 0.5 }, () => 1);
  assert.equal(n?.getTime(), t0.getTime() + 15_000);
});

test('relative and absolute X-Mms-Expiry become instants', () => {
  assert.deepEqual(expiryInstant({ kind: 'relative', seconds: 60 }, t0), at(60_000));
  assert.deepEqual(expiryInstant({ kind: 'absolute', date: at(5) }, t0), at(5));
  assert.equal(expiryInstant(undefined, t0), undefined);
});

test('transient vs permanent: HTTP (RFC 9110) and OMA status names (OMA-TS-MMS_ENC §7.3.48/§7.3.50)', () => {
  assert.deepEqual([500, 503, 408, 429, 400, 403, 404, 412].map(httpStatusTransient), [true, true, true, true, false, false, false, false]);
  assert.equal(mmsStatusTransient('error-transient-message-not-found'), true);
  assert.equal(mmsStatusTransient('error-transient-network-problem'), true);
  assert.equal(mmsStatusTransient('error-permanent-message-not-found'), false);
  assert.equal(mmsStatusTransient('error-permanent-service-denied'), false);
  assert.equal(mmsStatusTransient('error-network-problem'), true);
  assert.equal(mmsStatusTransient('error-service-denied'), false);
});
