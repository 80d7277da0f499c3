/**
 * Robustness (reduced sample; bench/fuzz.ts runs ≥100,000 inputs): mutated corpus files and
 * random bytes through every public decoder. Each call returns a Result; a failure is a
 * DecodeError whose offset lies inside the input; no call takes long; decoded structures stay
 * within a bound derived from the input length; a decoded PDU re-encodes and decodes again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeError } from '../../../src/util/errors.js';
import { decodeMms, encodeMms } from '../../../src/codec/mms/index.js';
import { decodeMultipart, decodePush } from '../../../src/codec/wsp/index.js';
import { corpusFiles } from '../../helpers/corpus.js';
import { MUTATIONS, mutate, prng } from './mutate.js';

const SAMPLE = 3000;
/** Far above the ~0.1 ms a decode takes; only a loop or a runaway allocation gets near it. */
const MAX_MS_PER_INPUT = 250;

/** Seeds: the corpus where present, else small hand-built PDUs, so the test runs everywhere. */
function seeds(): Uint8Array[] {
  const files = corpusFiles().map((f) => f.bytes);
  if (files.length > 0) return files;
  const a = (s: string): number[] => [...Buffer.from(s, 'latin1')];
  return [
    Uint8Array.from([0x8c, 0x82, 0x98, ...a('t'), 0, 0x8d, 0x90, 0x89, 0x05, 0x80, ...a('+1'), 0, 0x8e, 0x01, 0x10, 0x88, 0x05, 0x81, 0x03, 0x03, 0xf4, 0x80, 0x83, ...a('http://x'), 0]),
    Uint8Array.from([0x8c, 0x84, 0x98, ...a('r'), 0, 0x8d, 0x93, 0x84, 0xa3, 0x01, 0x04, 0x02, 0x03, 0x83, 0x81, 0xea, ...a('hi')]),
  ];
}

function bestOfThree(input: Uint8Array): number {
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    decodeMms(input);
    decodePush(input);
    decodeMultipart(input);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

function checkResult(r: { ok: boolean; error?: unknown }, input: Uint8Array, label: string): void {
  if (r.ok) return;
  assert.ok(r.error instanceof DecodeError, `${label}: not a DecodeError`);
  assert.ok(Number.isInteger(r.error.offset) && r.error.offset >= 0 && r.error.offset <= input.length, `${label}: offset ${r.error.offset} outside 0..${input.length}`);
  assert.ok(r.error.field.length > 0, `${label}: error names no field`);
}

test(`fuzz: ${SAMPLE} mutated and random inputs give a value or a DecodeError`, () => {
  const corpus = seeds();
  const rand = prng(0x5eed);
  let decoded = 0;
  for (let i = 0; i < SAMPLE; i++) {
    const kind = MUTATIONS[i % MUTATIONS.length] as (typeof MUTATIONS)[number];
    const input = mutate(rand, corpus, kind);
    const label = `#${i} ${kind}`;
    const t0 = performance.now();
    const r = decodeMms(input);
    const p = decodePush(input);
    const m = decodeMultipart(input);
    if (performance.now() - t0 >= MAX_MS_PER_INPUT) {
      // A GC pause or a busy machine can stall one call; a slow input stays slow when repeated.
      assert.ok(bestOfThree(input) < MAX_MS_PER_INPUT, `${label}: too slow`);
    }
    checkResult(r, input, `${label} mms`);
    checkResult(p, input, `${label} push`);
    checkResult(m, input, `${label} multipart`);
    if (r.ok) {
      decoded++;
      const pdu = r.value;
      assert.ok(pdu.parts.length + pdu.unknownHeaders.length + pdu.to.length <= input.length, `${label}: structure larger than input`);
      for (const part of pdu.parts) assert.equal(part.body.buffer, input.buffer, `${label}: body copied`);
      let out: Uint8Array | undefined;
      try {
        out = encodeMms(pdu);
      } catch (e) {
        // A decoded value the encoder refuses must be refused with the typed encode error.
        assert.equal((e as { code?: string }).code, 'CODEC_ENCODE_INVALID', `${label}: ${String(e)}`);
      }
      if (out) assert.ok(decodeMms(out).ok, `${label}: re-encoded PDU does not decode`);
    }
  }
  assert.ok(decoded > SAMPLE / 10, `only ${decoded} inputs decoded: the mutations are too destructive to test much`);
});
