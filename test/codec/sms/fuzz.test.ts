import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyDeliver, decodeSmsPdu, encodeDeliver, encodeStatusReport, encodeSubmit, encodeWapPushDeliver, reassemble } from '../../../src/codec/sms/index.js';
import type { SmsDeliver, StoredSegment } from '../../../src/codec/sms/index.js';
import { DecodeError } from '../../../src/util/errors.js';
import { rng } from './helpers.js';

/** Reduced sample for `npm test`; bench/sms.ts runs the large one. */
const ROUNDS = 3000;

function seeds(): string[] {
  const out: string[] = [];
  out.push(...encodeSubmit({ to: '+4917612345678', text: 'x€'.repeat(120), reference: 1, validity: 3600 }).map((p) => p.hex));
  out.push(...encodeDeliver({ from: 'Shop', text: 'Işık', nationalLanguage: 'turkish' }).map((p) => p.hex));
  out.push(...encodeDeliver({ from: '+31641600986', text: 'Привет 😀'.repeat(12), reference: 300, referenceBits: 16 }).map((p) => p.hex));
  out.push(...encodeWapPushDeliver('+4917000', Uint8Array.from([1, 6, 3, 0xbe, 0xaf, 0x84, ...new Array<number>(200).fill(0x8c)])).map((p) => p.hex));
  out.push(encodeStatusReport({ messageReference: 9, recipient: '*100#', scts: new Date(), dischargeTime: new Date(), status: 0x41 }).hex);
  out.push('0011000B916407281553F80000AA0AE8329BFD4697D9EC37');
  return out;
}

function mutate(hex: string, r: () => number): string {
  const b = Buffer.from(hex, 'hex');
  const kind = Math.floor(r() * 4);
  if (kind === 0) return b.subarray(0, Math.floor(r() * b.length)).toString('hex');
  const out = Buffer.from(b);
  const flips = 1 + Math.floor(r() * 4);
  for (let i = 0; i < flips && out.length > 0; i++) {
    const at = Math.floor(r() * out.length);
    out[at] = kind === 1 ? Math.floor(r() * 256) : (out[at] as number) ^ (1 << Math.floor(r() * 8));
  }
  if (kind === 3) return Buffer.concat([out, Buffer.from([Math.floor(r() * 256)])]).toString('hex');
  return out.toString('hex');
}

test(`fuzz: ${ROUNDS} random and mutated PDUs — a value or a DecodeError with an in-range offset, never a throw`, () => {
  const r = rng(0x5eed);
  const base = seeds();
  const delivered: StoredSegment[] = [];
  let ok = 0;
  let failed = 0;
  for (let i = 0; i < ROUNDS; i++) {
    let hex: string;
    if (i % 3 === 0) {
      const len = Math.floor(r() * 180);
      hex = Buffer.from(Array.from({ length: len }, () => Math.floor(r() * 256))).toString('hex');
    } else {
      hex = mutate(base[i % base.length] as string, r);
    }
    const smscPresent = r() < 0.8;
    const res = decodeSmsPdu(hex, { smscPresent });
    if (res.ok) {
      ok++;
      assert.doesNotThrow(() => classifyDeliver(res.value));
      if (res.value.type === 'deliver') delivered.push({ id: String(i), deliver: res.value as SmsDeliver, receivedAt: new Date(i) });
    } else {
      failed++;
      assert.ok(res.error instanceof DecodeError, hex);
      assert.ok(res.error.offset >= 0 && res.error.offset <= hex.length / 2, `${hex}: offset ${res.error.offset}`);
      assert.notEqual(res.error.field, 'PDU', `unexpected failure for ${hex}: ${String(res.error.cause)}`);
    }
  }
  assert.ok(ok > 100 && failed > 100, `both outcomes exercised (ok ${ok}, failed ${failed})`);
  const out = reassemble(delivered, { now: new Date(ROUNDS + 1), timeoutMs: 0 });
  assert.equal(out.waiting.length, 0, 'with a zero timeout nothing waits');
  for (const m of out.messages) assert.doesNotThrow(() => classifyDeliver(m));
});

test('fuzz: random text through every encoder option decodes back', () => {
  const r = rng(42);
  const alphabet = ' aZ09€[]{}^|~\\\fİıĞğŞşÇçáíóúÁÍÓÚêÊôÔãõ∞ªºжя漢😀👍🏽\n\r@£$¥§';
  for (let i = 0; i < 150; i++) {
    const chars = [...alphabet];
    const len = Math.floor(r() * 400);
    const text = Array.from({ length: len }, () => chars[Math.floor(r() * chars.length)]).join('');
    const langs = [undefined, 'turkish', 'spanish', 'portuguese'] as const;
    const nationalLanguage = langs[i % 4];
    const parts = encodeDeliver({ from: '+1555', text, reference: i & 0xff, ...(nationalLanguage ? { nationalLanguage } : {}) });
    const segs = parts.map((p, k) => {
      const d = decodeSmsPdu(p.hex);
      assert.ok(d.ok, p.hex);
      return { id: `p${k}`, deliver: d.value as SmsDeliver, receivedAt: new Date(k) };
    });
    const m = reassemble(segs, { now: new Date(0), timeoutMs: 1000 }).messages;
    assert.equal(m.length, 1);
    assert.equal(m[0]?.text, text);
  }
});
