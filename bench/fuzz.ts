/**
 * Large robustness run of the WSP/MMS decoders: `node --import tsx bench/fuzz.ts [inputs] [seed]`
 * (default 100,000 inputs). Inputs are mutations of the corpus (bit flips, truncation, splices,
 * length-field inflation, overwrites) and random bytes. Every input goes through decodeMms,
 * decodePush and decodeMultipart; a decoded PDU is re-encoded and decoded again. Checked: no
 * untyped throw, every error a DecodeError with an offset inside the input, the slowest input,
 * and memory: ArrayBuffer bytes allocated by a decode (part bodies are views, so any copy would
 * show) and the heap after the run.
 */
import { performance } from 'node:perf_hooks';
import { DecodeError } from '../src/util/errors.js';
import { decodeMms, encodeMms } from '../src/codec/mms/index.js';
import { decodeMultipart, decodePush } from '../src/codec/wsp/index.js';
import { corpusFiles } from '../test/helpers/corpus.js';
import { MUTATIONS, mutate, prng, type Mutation } from '../test/codec/mms/mutate.js';

const total = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? 1);
const corpus = corpusFiles().map((f) => f.bytes);
if (corpus.length === 0) {
  console.error('bench/fuzz: ../shared/corpus is absent (set MMSGW_CORPUS); nothing to mutate');
  process.exit(1);
}

const rand = prng(seed);
const outcomes = new Map<string, number>();
const byKind = new Map<Mutation, { n: number; ok: number }>();
const count = (k: string): void => void outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
let failures = 0;
let slowest = { ms: 0, index: -1, kind: '' as string, size: 0 };
let maxAb = { bytes: 0, size: 0 };
let inputBytes = 0;
const heap0 = process.memoryUsage().heapUsed;
const t0 = performance.now();

function check(r: { ok: boolean; error?: unknown }, input: Uint8Array, label: string): void {
  if (r.ok) return;
  const e = r.error;
  if (!(e instanceof DecodeError) || e.offset < 0 || e.offset > input.length) {
    failures++;
    console.error(`FAIL ${label}: ${String(e)}`);
    return;
  }
  count(e.code);
}

/** A slow first timing is often a GC pause or a busy machine: the best of five repeats decides. */
function retime(input: Uint8Array): number {
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const s = performance.now();
    decodeMms(input);
    decodePush(input);
    decodeMultipart(input);
    best = Math.min(best, performance.now() - s);
  }
  return best;
}

for (let i = 0; i < total; i++) {
  const kind = MUTATIONS[i % MUTATIONS.length] as Mutation;
  const input = mutate(rand, corpus, kind);
  inputBytes += input.length;
  const k = byKind.get(kind) ?? { n: 0, ok: 0 };
  byKind.set(kind, k);
  k.n++;
  const ab0 = process.memoryUsage().arrayBuffers;
  const s = performance.now();
  let r;
  try {
    r = decodeMms(input);
    check(r, input, `#${i} ${kind} mms`);
    check(decodePush(input), input, `#${i} ${kind} push`);
    check(decodeMultipart(input), input, `#${i} ${kind} multipart`);
  } catch (e) {
    failures++;
    console.error(`FAIL #${i} ${kind}: untyped throw ${String(e)}`);
    continue;
  }
  let ms = performance.now() - s;
  if (ms > 5) ms = retime(input);
  const ab = process.memoryUsage().arrayBuffers - ab0;
  if (ab > maxAb.bytes) maxAb = { bytes: ab, size: input.length };
  if (ms > slowest.ms) slowest = { ms, index: i, kind, size: input.length };
  if (!r.ok) continue;
  k.ok++;
  count('decoded');
  try {
    const again = decodeMms(encodeMms(r.value));
    if (!again.ok) {
      failures++;
      console.error(`FAIL #${i} ${kind}: re-encoded PDU does not decode: ${again.error.message}`);
    }
  } catch (e) {
    if ((e as { code?: string }).code === 'CODEC_ENCODE_INVALID') count('encode refused (typed)');
    else {
      failures++;
      console.error(`FAIL #${i} ${kind}: encoder threw ${String(e)}`);
    }
  }
}

const secs = (performance.now() - t0) / 1000;
const heap1 = process.memoryUsage().heapUsed;
console.log(`bench/fuzz: ${total} inputs (seed ${seed}), ${(inputBytes / 1e6).toFixed(1)} MB, ${secs.toFixed(1)} s, ${Math.round(total / secs)} inputs/s`);
console.log('outcomes:', Object.fromEntries([...outcomes].sort()));
console.log('decoded per mutation:', Object.fromEntries([...byKind].map(([m, v]) => [m, `${v.ok}/${v.n}`])));
console.log(`slowest input (best of 5 repeats when a first timing exceeded 5 ms): ${slowest.ms.toFixed(2)} ms (#${slowest.index}, ${slowest.kind}, ${slowest.size} bytes)`);
console.log(`largest ArrayBuffer growth during one decode: ${maxAb.bytes} bytes (input of ${maxAb.size} bytes)`);
console.log(`heap used: ${(heap0 / 1e6).toFixed(1)} MB before, ${(heap1 / 1e6).toFixed(1)} MB after`);
console.log(failures === 0 ? 'result: PASS (no untyped throw, every error typed and in range)' : `result: FAIL (${failures})`);
process.exit(failures === 0 ? 0 : 1);
