/**
 * MM7 request parsing: `node --import tsx bench/mm7.ts`.
 * Time to split a SOAP-with-attachments request (multipart/related, nested content multipart)
 * and parse its envelope, for 100 KB, 1 MB and 3 MB requests, and for hostile inputs of the
 * same sizes (a body full of near-boundaries, wide flat XML) — each should scale linearly.
 */
import { performance } from 'node:perf_hooks';
import { buildMultipart, parseMultipart } from '../src/web/mm7/multipart.js';
import { REL6 } from '../src/web/mm7/ns.js';
import { envelope, parseEnvelope } from '../src/web/mm7/soap.js';
import { el } from '../src/web/mm7/xml.js';

function time(fn: () => unknown, runs = 5): number {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) fn();
  return (performance.now() - t0) / runs;
}

const xml = envelope(REL6, 'tx-1', 'SubmitReq', [el('MM7Version', '6.8.0'), el('SenderIdentification', [el('VASPID', 'v')]), el('Recipients', [el('To', [el('Number', '+15550200123')])]), el('Content', [], { href: 'cid:c' })]);
const rows: string[] = [];
for (const size of [100_000, 1_000_000, 3_000_000]) {
  const image = Buffer.alloc(size, 0x5a);
  const inner = buildMultipart([{ contentType: 'text/plain', body: Buffer.from('hello') }, { contentType: 'image/jpeg', body: image }], 'inner');
  const body = buildMultipart([{ contentType: 'text/xml', contentId: 's', body: Buffer.from(xml) }, { contentType: 'multipart/mixed; boundary=inner', contentId: 'c', body: inner }], 'outer');
  const normal = time(() => {
    const parts = parseMultipart(body, 'outer');
    parseEnvelope(parts[0]!.body.toString('utf8'));
    parseMultipart(parts[1]!.body, 'inner');
  });
  // Hostile: every line starts like the boundary but is not one.
  const hostile = Buffer.from(`--outer\r\nContent-Type: text/plain\r\n\r\n${'--oute\n'.repeat(Math.floor(size / 7))}\r\n--outer--\r\n`);
  const near = time(() => parseMultipart(hostile, 'outer'));
  // Wide XML: many sibling elements in the body.
  const wide = envelope(REL6, 'tx', 'SubmitReq', [el('MM7Version', '6.8.0'), ...Array.from({ length: Math.floor(size / 30) }, () => el('X', 'y'))]);
  const wideMs = time(() => {
    try {
      parseEnvelope(wide);
    } catch {
      // refused as invalid content is fine: the time is what is measured
    }
  }, 2);
  rows.push(`${(size / 1e6).toFixed(1)} MB  request ${normal.toFixed(1)} ms  near-boundaries ${near.toFixed(1)} ms  wide XML (${(wide.length / 1e6).toFixed(1)} MB) ${wideMs.toFixed(1)} ms`);
}
console.log(rows.join('\n'));
