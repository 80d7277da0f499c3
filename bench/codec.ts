/**
 * WSP/MMS codec throughput: `node --import tsx bench/codec.ts`.
 * Decode and encode of the corpus (when present) and of a synthetic 1 MB m-retrieve-conf, in
 * MB/s and messages/s, and a check that decoding does not copy part bodies
 * (part.body.buffer === input.buffer).
 */
import { performance } from 'node:perf_hooks';
import { buildRetrieveConf, decodeMms, encodeMms, type MmsPdu } from '../src/codec/mms/index.js';
import { corpusFiles } from '../test/helpers/corpus.js';

interface Row { name: string; messages: number; bytes: number; ms: number }
const rows: Row[] = [];

/** Runs `fn` over `inputs` repeatedly for at least `minMs`, after a warm-up. */
function measure(name: string, inputs: readonly Uint8Array[], fn: (b: Uint8Array, i: number) => void, minMs = 1500): void {
  const size = inputs.reduce((a, b) => a + b.length, 0);
  for (let i = 0; i < inputs.length * 3; i++) fn(inputs[i % inputs.length] as Uint8Array, i % inputs.length);
  let messages = 0;
  const t0 = performance.now();
  let ms = 0;
  while (ms < minMs) {
    inputs.forEach((b, i) => fn(b, i));
    messages += inputs.length;
    ms = performance.now() - t0;
  }
  rows.push({ name, messages, bytes: (messages / inputs.length) * size, ms });
}

function must(b: Uint8Array): MmsPdu {
  const r = decodeMms(b);
  if (!r.ok) throw r.error;
  return r.value;
}

const corpus = corpusFiles().map((f) => f.bytes);
const image = new Uint8Array(1024 * 1024);
for (let i = 0; i < image.length; i++) image[i] = (i * 2654435761) >>> 24;
const big = encodeMms(buildRetrieveConf({
  transactionId: 'bench-1', messageId: 'm-1', date: new Date(Date.UTC(2026, 0, 1)), from: '+15551230000', to: ['+15551239999'],
  subject: 'A large message', smil: '<smil><body><par><img src="photo.jpg"/><text src="t.txt"/></par></body></smil>',
  parts: [{ contentType: 'image/jpeg', body: image, name: 'photo.jpg', contentLocation: 'photo.jpg' }, { contentType: 'text/plain', body: 'caption', contentLocation: 't.txt' }],
}));

let viewsOk = true;
let partsChecked = 0;
for (const input of [...corpus, big]) {
  for (const p of must(input).parts) {
    partsChecked++;
    if (p.body.buffer !== input.buffer) viewsOk = false;
  }
}

if (corpus.length > 0) {
  const decoded = corpus.map(must);
  measure(`decode corpus (${corpus.length} PDUs)`, corpus, (b) => void must(b));
  measure(`encode corpus (${corpus.length} PDUs, from decoded)`, corpus, (_b, i) => void encodeMms(decoded[i] as MmsPdu));
} else {
  console.log('corpus absent (../shared/corpus): corpus rows skipped');
}
const bigPdu = must(big);
measure('decode 1 MB m-retrieve-conf', [big], (b) => void must(b));
measure('encode 1 MB m-retrieve-conf (decoded form)', [big], () => void encodeMms(bigPdu));

const pad = (s: string, n: number): string => s.padEnd(n);
console.log(`${pad('benchmark', 46)} ${'messages/s'.padStart(12)} ${'MB/s'.padStart(10)}`);
for (const r of rows) {
  const secs = r.ms / 1000;
  console.log(`${pad(r.name, 46)} ${Math.round(r.messages / secs).toString().padStart(12)} ${(r.bytes / 1e6 / secs).toFixed(1).padStart(10)}`);
}
console.log(`part bodies are views into the input: ${viewsOk ? 'yes' : 'NO'} (${partsChecked} parts checked, 1 MB message: ${big.length} bytes)`);
process.exit(viewsOk ? 0 : 1);
