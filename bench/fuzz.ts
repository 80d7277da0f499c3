/**
 * Large robustness run of the WSP/MMS decoders: `node --import tsx bench/fuzz.ts [inputs] [seed]`
 * (default 100,000 inputs). Inputs are mutations of the corpus (bit flips, truncation, splices,
 * length-field inflation, overwrites) and random bytes. Every input goes through decodeMms,
 * decodePush and decodeMultipart; a decoded PDU is re-encoded and decoded again. Checked: no
 * untyped throw, every error a DecodeError with an offset inside the input, the slowest input,
 * and memory: ArrayBuffer bytes allocated by a decode (part bodies are views, so any copy would
 * show; a transfer-encoded part may add at most its own size) and the heap after the run.
 *
 * The liberal paths (field quirks, docs/CODEC.md) are fuzzed too: the seeds include the
 * field-quirk fixtures and the corpus wrapped in WAP Pushes; three more mutations append stray
 * octets, skew a push's HeadersLen by up to ±12 and give a multipart entry a textual
 * Content-Transfer-Encoding (base64 / quoted-printable) with mutated data; and every input is
 * also read as an SMS PDU (hex), with octets beyond TP-UDL and 0xFF padding.
 */
import { performance } from 'node:perf_hooks';
import { DecodeError } from '../src/util/errors.js';
import { decodeMms, encodeMms } from '../src/codec/mms/index.js';
import { readdirSync, readFileSync } from 'node:fs';
import { decodeMultipart, decodePush, encodePush } from '../src/codec/wsp/index.js';
import { decodeSmsPdu } from '../src/codec/sms/index.js';
import { corpusFiles } from '../test/helpers/corpus.js';
import { MUTATIONS as BASE_MUTATIONS, mutate as baseMutate, prng } from '../test/codec/mms/mutate.js';

type Mutation = (typeof BASE_MUTATIONS)[number] | 'stray-tail' | 'headers-len' | 'transfer-encoding';
const MUTATIONS: readonly Mutation[] = [...BASE_MUTATIONS, 'stray-tail', 'headers-len', 'transfer-encoding'];
const quirkDir = new URL('../test/fixtures/field-quirks/', import.meta.url).pathname;

const total = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? 1);
const mmsCorpus = corpusFiles().map((f) => f.bytes);
if (mmsCorpus.length === 0) {
  console.error('bench/fuzz: ../shared/corpus is absent (set MMSGW_CORPUS); nothing to mutate');
  process.exit(1);
}
const quirks = readdirSync(quirkDir)
  .filter((n) => n.endsWith('.bin') || n.endsWith('.mms'))
  .map((n) => new Uint8Array(readFileSync(quirkDir + n)));
const smsQuirks = readdirSync(quirkDir)
  .filter((n) => n.startsWith('sms-') && n.endsWith('.hex'))
  .map((n) => new Uint8Array(Buffer.from(readFileSync(quirkDir + n, 'latin1').trim(), 'hex')));
const pushes = mmsCorpus.map((body, i) =>
  encodePush({ transactionId: i & 0xff, pduType: 0x06, headers: [], applicationId: 4, contentType: { mediaType: 'application/vnd.wap.mms-message', params: {} }, body }),
);
const corpus = [...mmsCorpus, ...pushes, ...quirks];

/** The liberal-path mutations, on top of the shared ones. */
function mutate(rand: () => number, seeds: readonly Uint8Array[], kind: Mutation): Uint8Array {
  const int = (n: number): number => Math.floor(rand() * n);
  if (kind === 'stray-tail') {
    const src = seeds[int(seeds.length)] as Uint8Array;
    const tail = Uint8Array.from({ length: 1 + int(8) }, () => (rand() < 0.5 ? 0x0a : int(256)));
    return Uint8Array.from([...src, ...tail]);
  }
  if (kind === 'headers-len') {
    const src = Uint8Array.from(pushes[int(pushes.length)] as Uint8Array);
    if (src.length > 2 && (src[2] as number) < 0x80) src[2] = Math.max(0, Math.min(0x7f, (src[2] as number) + int(25) - 12));
    return src;
  }
  if (kind === 'transfer-encoding') return withTransferEncoding(rand, baseMutate(rand, quirks, 'bitflip'));
  return baseMutate(rand, seeds, kind);
}

/** A one-entry multipart m-retrieve-conf whose part claims a Content-Transfer-Encoding over `data`. */
function withTransferEncoding(rand: () => number, data: Uint8Array): Uint8Array {
  const cte = ['base64', 'quoted-printable', 'BASE64', 'x-unknown'][Math.floor(rand() * 4)] as string;
  const head = Buffer.concat([Buffer.from([0x83]), Buffer.from(`Content-Transfer-Encoding\0${cte}\0`, 'latin1')]);
  const body = rand() < 0.5 ? Buffer.from(Buffer.from(data).toString('base64'), 'latin1') : Buffer.from(data);
  const uintvar = (v: number): number[] => (v < 0x80 ? [v] : v < 0x4000 ? [0x80 | (v >> 7), v & 0x7f] : [0x80 | (v >> 14), 0x80 | ((v >> 7) & 0x7f), v & 0x7f]);
  return Uint8Array.from([0x8c, 0x84, 0x98, 0x41, 0x00, 0x8d, 0x92, 0x84, 0xa3, 0x01, ...uintvar(head.length), ...uintvar(body.length), ...head, ...body]);
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
    const pr = decodePush(input);
    check(pr, input, `#${i} ${kind} push`);
    if (pr.ok) count(pr.value.warnings ? 'push decoded (warned)' : 'push decoded');
    check(decodeMultipart(input), input, `#${i} ${kind} multipart`);
    // SMS: a mutated field-quirk SMS (beyond-TP-UDL, 0xFF padding), then the input itself as hex.
    const sms = i % 2 === 0 ? baseMutate(rand, smsQuirks, BASE_MUTATIONS[i % BASE_MUTATIONS.length] as (typeof BASE_MUTATIONS)[number]) : input.subarray(0, 200);
    const sr = decodeSmsPdu(Buffer.from(sms).toString('hex'));
    if (!sr.ok && !(sr.error instanceof DecodeError)) {
      failures++;
      console.error(`FAIL #${i} ${kind} sms: ${String(sr.error)}`);
    }
    count(sr.ok ? `sms decoded${sr.value.type === 'deliver' && sr.value.warnings ? ' (warned)' : ''}` : `sms ${sr.error.code}`);
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
  count(r.value.warnings ? 'decoded (warned)' : 'decoded');
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
