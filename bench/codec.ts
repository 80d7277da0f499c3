/**
 * WSP/MMS codec throughput per CPU-second: `node --import tsx bench/codec.ts [--before DIR] [--ms 1500]`.
 *
 * Rates are messages and MB per CPU-second of this process (process.cpuUsage, user + system),
 * not per wall second: the machine is shared and wall time measures the neighbours.
 *
 * Baseline (stated, measured in the same run on the same bytes): `reference scan` — one
 * Buffer.indexOf(0) sweep over every octet of every input, the work a native decoder cannot
 * avoid (finding the NUL terminators); each decode row prints its rate as a ratio of that scan.
 * With `--before DIR` (a checkout of an earlier revision, e.g. `git archive <rev> src | tar -x -C DIR`),
 * that revision's decoder runs side by side on the same inputs and the ratio after/before is printed.
 *
 * "decode" rows decode the whole message as the gateway does on receipt: headers, every part's
 * entry headers, and the text of every textual part (SMIL and text/plain through its charset).
 * The 1 MB message therefore carries text parts (UTF-8, ISO-8859-1, UTF-16) beside a 1 MB image.
 * A last check confirms that part bodies are views into the input (no copy).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildRetrieveConf, decodeMms, encodeMms, partText, type MmsPdu } from '../src/codec/mms/index.js';
import { corpusFiles } from '../test/helpers/corpus.js';

type Codec = { decodeMms: typeof decodeMms; partText: typeof partText };

const { values } = parseArgs({ options: { before: { type: 'string' }, ms: { type: 'string', default: '1500' } } });
const MIN_CPU_MS = Number(values.ms);

interface Row { name: string; messages: number; bytes: number; cpuMs: number }
const rows: Row[] = [];

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs `fn` over `inputs` repeatedly for at least MIN_CPU_MS of CPU time, after a warm-up. */
function measure(name: string, inputs: readonly Uint8Array[], fn: (b: Uint8Array, i: number) => void): Row {
  const size = inputs.reduce((a, b) => a + b.length, 0);
  for (let i = 0; i < Math.max(inputs.length * 5, 50); i++) fn(inputs[i % inputs.length] as Uint8Array, i % inputs.length);
  let rounds = 0;
  const t0 = cpuMs();
  let ms = 0;
  while (ms < MIN_CPU_MS) {
    for (let i = 0; i < inputs.length; i++) fn(inputs[i] as Uint8Array, i);
    rounds++;
    ms = cpuMs() - t0;
  }
  const row = { name, messages: rounds * inputs.length, bytes: rounds * size, cpuMs: ms };
  rows.push(row);
  return row;
}

const TEXTUAL = /^(text\/|application\/smil)/i;

/** Decode as on receipt: headers, parts, and the text of each textual part. */
function fullDecode(codec: Codec, b: Uint8Array): number {
  const r = codec.decodeMms(b);
  if (!r.ok) throw r.error;
  let chars = 0;
  for (const p of r.value.parts) if (TEXTUAL.test(p.contentType)) chars += codec.partText(p).length;
  return chars;
}

function must(b: Uint8Array): MmsPdu {
  const r = decodeMms(b);
  if (!r.ok) throw r.error;
  return r.value;
}

/** The stated baseline: one native sweep over every octet looking for NUL terminators. */
function referenceScan(b: Uint8Array): void {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  let i = 0;
  let n = 0;
  while ((i = buf.indexOf(0, i)) >= 0) {
    i++;
    n++;
  }
  if (n < 0) throw new Error('unreachable');
}

const corpus = corpusFiles().map((f) => f.bytes);
const image = new Uint8Array(1024 * 1024);
for (let i = 0; i < image.length; i++) image[i] = (i * 2654435761) >>> 24;
const caption = 'Größe und Gewicht — a caption with accents, é è ü, and some plain words. '.repeat(40);
const big = encodeMms(buildRetrieveConf({
  transactionId: 'bench-1', messageId: 'm-1', date: new Date(Date.UTC(2026, 0, 1)), from: '+15551230000', to: ['+15551239999'],
  subject: 'A large message', smil: '<smil><head><layout><root-layout/></layout></head><body><par dur="5s"><img src="photo.jpg"/><text src="t.txt"/></par><par><text src="l.txt"/></par><par><text src="u.txt"/></par></body></smil>',
  parts: [
    { contentType: 'image/jpeg', body: image, name: 'photo.jpg', contentLocation: 'photo.jpg' },
    { contentType: 'text/plain', body: caption, contentLocation: 't.txt' },
    { contentType: 'text/plain', body: Buffer.from(caption, 'latin1'), charset: 'iso-8859-1', contentLocation: 'l.txt' },
    { contentType: 'text/plain', body: Buffer.from(caption, 'utf16le'), charset: 'utf-16le', contentLocation: 'u.txt' },
  ],
}));

let viewsOk = true;
let partsChecked = 0;
for (const input of [...corpus, big]) {
  for (const p of must(input).parts) {
    partsChecked++;
    if (p.transfer === undefined && p.body.buffer !== input.buffer) viewsOk = false;
  }
}

const before: Codec | undefined = values.before
  ? (await import(resolve(values.before, 'src/codec/mms/index.js'))) as Codec
  : undefined;
const current: Codec = { decodeMms, partText };

interface Pair { label: string; ref: Row; now: Row; was?: Row }
const pairs: Pair[] = [];
function decodeRows(label: string, inputs: readonly Uint8Array[]): void {
  const ref = measure(`reference scan: ${label}`, inputs, referenceScan);
  const was = before ? measure(`decode ${label} [before]`, inputs, (b) => void fullDecode(before, b)) : undefined;
  const now = measure(`decode ${label}`, inputs, (b) => void fullDecode(current, b));
  pairs.push({ label, ref, now, ...(was ? { was } : {}) });
}

if (corpus.length > 0) {
  decodeRows(`corpus (${corpus.length} PDUs)`, corpus);
  const decoded = corpus.map(must);
  measure(`encode corpus (${corpus.length} PDUs, from decoded)`, corpus, (_b, i) => void encodeMms(decoded[i] as MmsPdu));
} else {
  console.log('corpus absent (../shared/corpus): corpus rows skipped');
}
decodeRows('1 MB m-retrieve-conf', [big]);
const bigPdu = must(big);
measure('encode 1 MB m-retrieve-conf (decoded form)', [big], () => void encodeMms(bigPdu));

const pad = (s: string, n: number): string => s.padEnd(n);
const rate = (r: Row): number => r.messages / (r.cpuMs / 1000);
console.log(`${pad('benchmark (per CPU-second)', 52)} ${'messages/s'.padStart(12)} ${'MB/s'.padStart(10)}`);
for (const r of rows) {
  const secs = r.cpuMs / 1000;
  console.log(`${pad(r.name, 52)} ${Math.round(rate(r)).toString().padStart(12)} ${(r.bytes / 1e6 / secs).toFixed(1).padStart(10)}`);
}
console.log('');
console.log('ratios (same run, same bytes; baseline = reference scan, one Buffer.indexOf sweep per message):');
for (const p of pairs) {
  const parts = [`decode/scan ${(rate(p.now) / rate(p.ref)).toFixed(3)}×`];
  if (p.was) parts.push(`before/scan ${(rate(p.was) / rate(p.ref)).toFixed(3)}×`, `after/before ${(rate(p.now) / rate(p.was)).toFixed(2)}×`);
  console.log(`  ${pad(p.label, 28)} ${parts.join('   ')}`);
}
console.log(`part bodies are views into the input: ${viewsOk ? 'yes' : 'NO'} (${partsChecked} parts checked, 1 MB message: ${big.length} bytes)`);
process.exit(viewsOk ? 0 : 1);
