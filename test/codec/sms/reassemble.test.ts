import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyDeliver, encodeDeliver, encodeWapPushDeliver, reassemble } from '../../../src/codec/sms/index.js';
import type { StoredSegment } from '../../../src/codec/sms/index.js';
import { rng, segments } from './helpers.js';

const FROM = '+4915112345678';
const NOW = { now: new Date(10_000), timeoutMs: 60_000 };

function shuffle<T>(xs: T[], seed: number): T[] {
  const r = rng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

test('single-part messages pass straight through', () => {
  const segs = segments(encodeDeliver({ from: FROM, text: 'hello' }));
  const r = reassemble(segs, NOW);
  assert.equal(r.messages.length, 1);
  assert.equal(r.messages[0]?.text, 'hello');
  assert.equal(r.waiting.length, 0);
});

test('8-bit and 16-bit references, out of order, joined before decoding', () => {
  for (const referenceBits of [8, 16] as const) {
    const text = `${'Grüße '.repeat(40)}€[]`;
    const segs = shuffle(segments(encodeDeliver({ from: FROM, text, reference: referenceBits === 8 ? 200 : 54321, referenceBits })), 7);
    assert.ok(segs.length >= 2);
    const r = reassemble(segs, NOW);
    assert.equal(r.messages.length, 1);
    const m = r.messages[0];
    assert.equal(m?.text, text);
    assert.equal(m?.incomplete, false);
    assert.equal(m?.concat?.refBits, referenceBits);
    assert.deepEqual(m?.segmentIds, [...m!.segmentIds].sort(), 'segment ids in sequence order');
  }
});

test('an escape sequence split across parts by a careless sender still decodes (septets joined first)', () => {
  // Part 1 ends with ESC, part 2 starts with 0x65: "€" only exists after joining the septet arrays.
  const a = segments(encodeDeliver({ from: FROM, text: `${'a'.repeat(10)}€`, reference: 3 }));
  const base = a[0]!.deliver;
  const p1 = { ...base, concat: { ref: 3, refBits: 8 as const, total: 2, seq: 1 }, userData: { unit: 'septets' as const, data: Uint8Array.from([0x61, 0x1b]) } };
  const p2 = { ...base, concat: { ref: 3, refBits: 8 as const, total: 2, seq: 2 }, userData: { unit: 'septets' as const, data: Uint8Array.from([0x65, 0x62]) } };
  const r = reassemble([{ id: 'x2', deliver: p2, receivedAt: new Date(2) }, { id: 'x1', deliver: p1, receivedAt: new Date(1) }], NOW);
  assert.equal(r.messages[0]?.text, 'a€b');
});

test('emoji split across parts (UCS2 octets joined), for every split position', () => {
  for (let pos = 60; pos <= 70; pos++) {
    const text = `${'я'.repeat(pos)}😀 ok`;
    const r = reassemble(segments(encodeDeliver({ from: FROM, text, reference: pos })), NOW);
    assert.equal(r.messages[0]?.text, text);
  }
  // A sender that does split the pair: high surrogate ends part 1, low surrogate starts part 2.
  const base = segments(encodeDeliver({ from: FROM, text: 'я'.repeat(80), reference: 1 }))[0]!.deliver;
  const mk = (seq: number, units: number[]): StoredSegment => ({
    id: `u${seq}`,
    receivedAt: new Date(seq),
    deliver: { ...base, concat: { ref: 1, refBits: 8, total: 2, seq }, userData: { unit: 'octets', data: Uint8Array.from(units.flatMap((u) => [u >> 8, u & 0xff])) } },
  });
  const r = reassemble([mk(1, [0x41, 0xd83d]), mk(2, [0xde00, 0x42])], NOW);
  assert.equal(r.messages[0]?.text, 'A😀B');
});

test('54 parts reassemble', () => {
  const text = Array.from({ length: 54 * 153 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
  const segs = segments(encodeDeliver({ from: FROM, text, reference: 99 }));
  assert.equal(segs.length, 54);
  const r = reassemble(shuffle(segs, 54), NOW);
  assert.equal(r.messages.length, 1);
  assert.equal(r.messages[0]?.total, 54);
  assert.equal(r.messages[0]?.text, text);
});

test('duplicates: the first arrival of a sequence number is used, the repeats reported', () => {
  const segs = segments(encodeDeliver({ from: FROM, text: 'd'.repeat(400), reference: 5 }));
  const dup: StoredSegment = { ...segs[1]!, id: 'dup', receivedAt: new Date(500) };
  const r = reassemble([...segs, dup], NOW);
  assert.equal(r.messages.length, 1);
  assert.deepEqual(r.messages[0]?.duplicateIds, ['dup']);
  assert.equal(r.messages[0]?.text, 'd'.repeat(400));
});

test('missing part: waits until the timeout, then is released flagged incomplete with the gap marked', () => {
  const segs = segments(encodeDeliver({ from: FROM, text: `${'A'.repeat(153)}${'B'.repeat(153)}${'C'.repeat(10)}`, reference: 8 }), 's', 1000);
  const partial = [segs[0]!, segs[2]!];
  const early = reassemble(partial, { now: new Date(30_000), timeoutMs: 60_000 });
  assert.equal(early.messages.length, 0);
  assert.equal(early.waiting.length, 1);
  assert.deepEqual(early.waiting[0]?.missing, [2]);
  assert.equal(early.waiting[0]?.expiresAt.getTime(), 61_000);
  const late = reassemble(partial, { now: new Date(61_000), timeoutMs: 60_000 });
  assert.equal(late.waiting.length, 0);
  const m = late.messages[0];
  assert.equal(m?.incomplete, true);
  assert.deepEqual(m?.missing, [2]);
  assert.equal(m?.text, `${'A'.repeat(153)}\ufffd${'C'.repeat(10)}`);
});

test('different senders with the same reference are kept apart', () => {
  const a = segments(encodeDeliver({ from: '+111', text: 'a'.repeat(200), reference: 1 }), 'a');
  const b = segments(encodeDeliver({ from: '+222', text: 'b'.repeat(200), reference: 1 }), 'b');
  const r = reassemble([a[0]!, b[1]!, b[0]!, a[1]!], NOW);
  assert.deepEqual(r.messages.map((m) => m.text).sort(), ['a'.repeat(200), 'b'.repeat(200)]);
});

test('WAP Push over 3 segments: joined octets with ports, classified as an MMS push', () => {
  const wsp = Uint8Array.from([0x2a, 0x06, 0x04, 0x03, 0xbe, 0xaf, 0x84, ...Array.from({ length: 320 }, (_, i) => (i * 7) & 0xff)]);
  const segs = segments(encodeWapPushDeliver('+4917000', wsp, { reference: 77 }));
  assert.equal(segs.length, 3);
  const r = reassemble(shuffle(segs, 3), NOW);
  const m = r.messages[0]!;
  assert.deepEqual(m.ports, { dst: 2948, src: 9200 });
  assert.deepEqual(Buffer.from(m.userData.data), Buffer.from(wsp));
  const c = classifyDeliver(m);
  assert.equal(c.kind, 'wap-push');
  if (c.kind === 'wap-push') {
    assert.equal(c.contentType, 'application/vnd.wap.mms-message');
    assert.equal(c.viaPort, true);
    assert.equal(c.secure, false);
    assert.deepEqual(Buffer.from(c.payload), Buffer.from(wsp));
  }
});

test('a sender that switches alphabet between parts: each run decodes with its own alphabet', () => {
  const gsm = segments(encodeDeliver({ from: FROM, text: 'g'.repeat(200), reference: 4 }), 'g');
  const ucs = segments(encodeDeliver({ from: FROM, text: 'ж'.repeat(100), reference: 4 }), 'u');
  const r = reassemble([gsm[0]!, ucs[1]!], NOW);
  assert.equal(r.messages.length, 1);
  assert.equal(r.messages[0]?.text, `${'g'.repeat(153)}${'ж'.repeat(33)}`);
});

// Concatenation references wrap (3GPP 23.040 §9.2.3.24.1: an 8-bit reference, modulo 256): two
// messages from one originator can carry the same reference and total while both are open.
function wrapped(text: string, scts: Date, prefix: string, at: number): StoredSegment[] {
  return segments(encodeDeliver({ from: FROM, text, reference: 7, scts }), prefix, at);
}
const T0 = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
const T256 = new Date(T0.getTime() + 256_000);
const TEXT_A = `${'A'.repeat(153)}${'a'.repeat(153)}${'1'.repeat(20)}`;
const TEXT_B = `${'B'.repeat(153)}${'b'.repeat(153)}${'2'.repeat(20)}`;

test('a reused reference: interleaved segments of two messages become two messages, none taken as a duplicate', () => {
  const a = wrapped(TEXT_A, T0, 'a', 0);
  const b = wrapped(TEXT_B, T256, 'b', 10);
  // Arrival: A1 A2 B1 A3 B2 B3.
  const arrival = [a[0]!, a[1]!, { ...b[0]!, receivedAt: new Date(2) }, { ...a[2]!, receivedAt: new Date(3) }, { ...b[1]!, receivedAt: new Date(4) }, { ...b[2]!, receivedAt: new Date(5) }];
  const r = reassemble(arrival, { now: new Date(10), timeoutMs: 60_000, windowMs: 60_000 });
  assert.equal(r.waiting.length, 0);
  assert.deepEqual(r.messages.map((m) => m.text), [TEXT_A, TEXT_B]);
  assert.deepEqual(r.messages.map((m) => m.duplicateIds.length), [0, 0]);
  assert.notEqual(r.messages[0]?.key, r.messages[1]?.key);
});

test('a segment is never folded into a message that is already complete (same reference, same time stamp)', () => {
  const a = wrapped(TEXT_A, T0, 'a', 0);
  const b = wrapped(TEXT_B, T0, 'b', 100);
  const r = reassemble([...a, ...b], { now: new Date(200), timeoutMs: 60_000 });
  assert.deepEqual(r.messages.map((m) => m.text), [TEXT_A, TEXT_B]);
  assert.deepEqual(r.messages.map((m) => m.incomplete), [false, false]);
});

test('an older message with a lost segment does not take the segment of a newer one with the same reference', () => {
  const a = wrapped(TEXT_A, T0, 'a', 0);
  const b = wrapped(TEXT_B, T256, 'b', 1000);
  const r = reassemble([a[0]!, a[1]!, ...b], { now: new Date(2000), timeoutMs: 60_000, windowMs: 60_000 });
  assert.deepEqual(r.messages.map((m) => m.text), [TEXT_B]);
  assert.equal(r.waiting.length, 1);
  assert.deepEqual(r.waiting[0]?.segmentIds, ['a000', 'a001']);
  assert.deepEqual(r.waiting[0]?.missing, [3]);
});

test('a segment arriving after the window of an open message starts a message of its own', () => {
  const a = wrapped(TEXT_A, T0, 'a', 0);
  const late = { ...a[2]!, id: 'late', receivedAt: new Date(70_000) };
  const r = reassemble([a[0]!, a[1]!, late], { now: new Date(70_001), timeoutMs: 60_000, windowMs: 60_000 });
  // The first two were released incomplete at their timeout; the late part waits on its own.
  assert.equal(r.messages.length, 1);
  assert.deepEqual(r.messages[0]?.missing, [3]);
  assert.deepEqual(r.waiting.map((w) => w.segmentIds), [['late']]);
});

test('a repeated segment (same data, same time stamp) is still a duplicate, also after its message is complete', () => {
  const a = wrapped(TEXT_A, T0, 'a', 0);
  const again = { ...a[1]!, id: 'again', receivedAt: new Date(50) };
  const r = reassemble([...a, again], { now: new Date(60), timeoutMs: 60_000, windowMs: 60_000 });
  assert.equal(r.messages.length, 1);
  assert.deepEqual(r.messages[0]?.duplicateIds, ['again']);
  assert.equal(r.waiting.length, 0);
});
