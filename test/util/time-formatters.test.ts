/**
 * Formatting a message's time makes no ICU formatter per call: each `Intl.DateTimeFormat` holds
 * native memory V8 does not count, and one per relayed message made the gateway's resident memory
 * grow by ~25 KB a message (bench/memory.ts, issue 17). Counted by wrapping the constructor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLocalTime, formatReadableTime } from '../../src/util/time.js';
import { truncateText } from '../../src/mail/out/subject.js';

test('formatters are made once per time zone, not per message', () => {
  const Original = Intl.DateTimeFormat;
  const OriginalSegmenter = Intl.Segmenter;
  let made = 0;
  let segmenters = 0;
  const counting = new Proxy(Original, { construct: (target, args: ConstructorParameters<typeof Intl.DateTimeFormat>) => (made++, new target(...args)) });
  const countingSegmenter = new Proxy(OriginalSegmenter, { construct: (target, args: ConstructorParameters<typeof Intl.Segmenter>) => (segmenters++, new target(...args)) });
  Intl.DateTimeFormat = counting;
  const intl = Intl as { Segmenter: typeof Intl.Segmenter };
  intl.Segmenter = countingSegmenter;
  try {
    const d = new Date(Date.UTC(2026, 2, 1, 10, 20, 30));
    for (let i = 0; i < 200; i++) {
      assert.equal(formatReadableTime(d, 'Europe/Berlin'), 'Sun 1 Mar 2026, 11:20 (+01:00)');
      assert.equal(formatLocalTime(d, 'Asia/Kolkata'), '2026-03-01 15:50:30 +05:30');
      truncateText(`message ${i} with some words in it`, 10);
    }
    assert.ok(made <= 4, `Intl.DateTimeFormat made ${made} times for 400 formatted times in 2 zones`);
    assert.ok(segmenters <= 1, `Intl.Segmenter made ${segmenters} times for 200 subjects`);
  } finally {
    Intl.DateTimeFormat = Original;
    intl.Segmenter = OriginalSegmenter;
  }
});
