/**
 * SMS codec benchmark and large fuzz run: `npx tsx bench/sms.ts [fuzzRounds]`.
 * Prints decode/encode throughput, reassembly of 54-part messages, and the outcome of a
 * mutation fuzz over valid PDUs (every input must give a value or a DecodeError).
 */
import { performance } from 'node:perf_hooks';
import { decodeSmsPdu, encodeDeliver, encodeSubmit, reassemble } from '../src/codec/sms/index.js';
import type { SmsDeliver, StoredSegment } from '../src/codec/sms/index.js';
import { DecodeError } from '../src/util/errors.js';

function time(label: string, n: number, fn: () => void): void {
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(44)} ${n.toString().padStart(7)} ops  ${(ms / n * 1000).toFixed(1).padStart(8)} µs/op  ${Math.round(n / (ms / 1000)).toString().padStart(8)} ops/s`);
}

const text = 'The quick brown fox jumps over the lazy dog € [x] ';
const deliverHex = encodeDeliver({ from: '+31641600986', text: text.repeat(3) }).map((p) => p.hex);
const single = deliverHex[0] as string;

time('decodeSmsPdu (7-bit part, node-pdu included)', 20_000, () => {
  for (let i = 0; i < 20_000; i++) decodeSmsPdu(single);
});
time('encodeSubmit 7-bit, 3 parts', 5_000, () => {
  for (let i = 0; i < 5_000; i++) encodeSubmit({ to: '+4917612345678', text: text.repeat(6), reference: i & 0xff });
});
time('encodeSubmit UCS2 with emoji, 4 parts', 5_000, () => {
  for (let i = 0; i < 5_000; i++) encodeSubmit({ to: '+4917612345678', text: 'Привет 😀 '.repeat(25), reference: i & 0xff });
});

const long = encodeDeliver({ from: '+31641600986', text: 'x'.repeat(54 * 153), reference: 1 });
const segs: StoredSegment[] = long.map((p, i) => {
  const r = decodeSmsPdu(p.hex);
  if (!r.ok) throw r.error;
  return { id: String(i), deliver: r.value as SmsDeliver, receivedAt: new Date(i) };
});
time('reassemble 54-part message', 500, () => {
  for (let i = 0; i < 500; i++) reassemble(segs, { now: new Date(1000), timeoutMs: 60_000 });
});

const rounds = Number(process.argv[2] ?? 200_000);
let seed = 0x9e3779b9;
const rand = (): number => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};
const corpus = [...deliverHex, ...encodeSubmit({ to: '*100#', text: 'ж😀'.repeat(50), reference: 3, validity: 7200 }).map((p) => p.hex)];
let ok = 0;
let failed = 0;
let untyped = 0;
const t0 = performance.now();
for (let i = 0; i < rounds; i++) {
  const b = Buffer.from(corpus[i % corpus.length] as string, 'hex');
  const cut = rand() < 0.2 ? Math.floor(rand() * b.length) : b.length;
  const m = b.subarray(0, cut);
  for (let k = 0, n = 1 + Math.floor(rand() * 3); k < n && m.length > 0; k++) m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
  try {
    const r = decodeSmsPdu(m.toString('hex'), { smscPresent: rand() < 0.9 });
    if (r.ok) ok++;
    else if (r.error instanceof DecodeError && r.error.field !== 'PDU') failed++;
    else untyped++;
  } catch {
    untyped++;
  }
}
console.log(`fuzz: ${rounds} mutated PDUs in ${((performance.now() - t0) / 1000).toFixed(1)} s — ${ok} decoded, ${failed} DecodeError, ${untyped} untyped`);
if (untyped > 0) process.exitCode = 1;
