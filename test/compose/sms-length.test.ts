import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldForGsm7, gsm7Cost, isGsm7, measureSms } from '../../src/compose/sms-length.js';

test('GSM 7-bit: 160 septets fit one SMS, 161 need two parts of 153', () => {
  assert.deepEqual(measureSms('a'.repeat(160)), { alphabet: 'gsm7', units: 160, segments: 1 });
  assert.deepEqual(measureSms('a'.repeat(161)), { alphabet: 'gsm7', units: 161, segments: 2 });
  assert.equal(measureSms('a'.repeat(306)).segments, 2);
  assert.equal(measureSms('a'.repeat(307)).segments, 3);
});

test('extension table characters cost two septets and never straddle parts', () => {
  assert.equal(gsm7Cost('€'), 2);
  assert.equal(gsm7Cost('['), 2);
  assert.equal(gsm7Cost('é'), 1);
  assert.equal(measureSms('€'.repeat(80)).units, 160);
  assert.equal(measureSms('€'.repeat(80)).segments, 1);
  assert.equal(measureSms('€'.repeat(81)).segments, 2);
  // 152 plain septets then '€': the escape pair cannot be split at 153, so it opens part 2.
  const text = 'a'.repeat(152) + '€' + 'b'.repeat(152);
  assert.equal(measureSms(text).units, 306);
  assert.equal(measureSms(text).segments, 3);
});

test('UCS2: 70 characters in one SMS, 67 per part, surrogate pairs kept whole', () => {
  assert.deepEqual(measureSms('ж'.repeat(70)), { alphabet: 'ucs2', units: 70, segments: 1 });
  assert.equal(measureSms('ж'.repeat(71)).segments, 2);
  assert.equal(measureSms('ж'.repeat(134)).segments, 2);
  // 66 units then an emoji (2 units): it cannot be split, so it goes into part 2.
  const t = 'ж'.repeat(66) + '😀' + 'ж'.repeat(66);
  assert.equal(t.length, 134);
  assert.equal(measureSms(t).segments, 3);
  assert.equal(isGsm7('Grüße'), true);
  assert.equal(isGsm7('Łódź'), false);
});

test('typographic characters fold to GSM only when that makes the whole text GSM', () => {
  assert.equal(foldForGsm7('It’s “fine” – really…'), 'It\'s "fine" - really...');
  assert.equal(foldForGsm7('It’s 日本'), 'It’s 日本');
  assert.equal(foldForGsm7('plain'), 'plain');
});
