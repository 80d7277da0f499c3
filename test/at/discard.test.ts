import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Discard } from '../../src/at/discard.js';

test('keeps every byte aside, in order, as latin1 (a cancelled prompt\'s answer)', () => {
  const d = new Discard();
  d.push(Buffer.from('\r\n+CMS ERROR: 30', 'latin1'));
  d.push(Buffer.from([0x34, 0x0d, 0x0a, 0xe9]));
  assert.equal(d.text(), '\r\n+CMS ERROR: 304\r\n\u00e9');
  assert.equal(new Discard().text(), '');
});

test('a quiet line ends the wait once it has been quiet for quietMs, not before', async () => {
  const d = new Discard();
  const t0 = Date.now();
  await d.quiet(120, 10_000, () => true);
  const ms = Date.now() - t0;
  assert.ok(ms >= 115, `waited ${ms} ms`);
  assert.ok(ms < 5_000, `waited ${ms} ms`);
});

test('bytes that keep coming extend the wait until maxMs', async () => {
  const d = new Discard();
  const feed = setInterval(() => d.push(Buffer.from('x')), 5);
  try {
    const t0 = Date.now();
    await d.quiet(60_000, 200, () => true);
    const ms = Date.now() - t0;
    assert.ok(ms >= 195, `waited ${ms} ms`);
    assert.ok(ms < 5_000, `waited ${ms} ms`);
  } finally {
    clearInterval(feed);
  }
  assert.match(d.text(), /^x+$/);
});

test('bytes arriving meanwhile restart the quiet period', async () => {
  const d = new Discard();
  const t0 = Date.now();
  const late = setTimeout(() => d.push(Buffer.from('OK')), 150);
  await d.quiet(200, 10_000, () => true);
  clearTimeout(late);
  const ms = Date.now() - t0;
  assert.equal(d.text(), 'OK');
  assert.ok(ms >= 345, `waited ${ms} ms: the quiet period counts from the last byte`);
});

test('a closed port ends the wait at once', async () => {
  const d = new Discard();
  const t0 = Date.now();
  await d.quiet(60_000, 60_000, () => false);
  assert.ok(Date.now() - t0 < 1_000);
});
