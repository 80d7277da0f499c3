/**
 * What rendering one relayed mail costs: `npx tsx bench/mail-render.ts [--rounds 2000]`.
 *
 * Baseline, in the same run: html-to-text's `convert` with the same options on the same HTML,
 * which builds its selector tables on every call (how the text alternative was made before it
 * was compiled once), against htmlToPlain on the HTML view of a one-slide MMS (renderHtml).
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { convert } from 'html-to-text';
import { htmlToPlain, PLAIN_OPTIONS, renderHtml } from '../src/mail/out/body.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '2000' } } });
const N = Number(values.rounds);

const html = renderHtml({
  heading: 'MMS from +353 87 111 2223',
  header: { label: 'From', number: '+353 87 111 2223', time: 'Tue 8 Dec 2026, 01:02 (+00:00)', subject: 'Photos' },
  slides: [{ parts: [0, 1] }],
  parts: [
    { contentType: 'text/plain', params: { charset: 'utf-8' }, charset: 'utf-8', body: Buffer.from('Hello there, here is the picture from today.') },
    { contentType: 'image/jpeg', params: {}, filename: 'photo1.jpg', body: Buffer.alloc(16) },
  ],
  attachments: new Map([[1, { fileName: 'photo1.jpg', mediaType: 'image/jpeg', size: 48_000, cid: 'photo1' }]]),
});

function perCall(fn: () => void): number {
  for (let i = 0; i < Math.min(200, N); i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) fn();
  return ((performance.now() - t0) / N) * 1000;
}

const baseline = perCall(() => convert(html, PLAIN_OPTIONS));
const compiled = perCall(() => htmlToPlain(html));

console.log(`html → text, convert() per call (baseline) ${baseline.toFixed(1).padStart(8)} µs`);
console.log(`html → text, htmlToPlain (compiled once)    ${compiled.toFixed(1).padStart(8)} µs   ${(baseline / compiled).toFixed(1)}× the baseline`);
// The same text either way (the bench measures the same work).
if (convert(html, PLAIN_OPTIONS).trim() !== htmlToPlain(html).trim()) throw new Error('compiled and per-call conversions differ');
console.log(`text alternative of this HTML: ${JSON.stringify(htmlToPlain(html).slice(0, 120))}`);
