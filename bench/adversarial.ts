/**
 * Hostile input against every parser and regex on the untrusted path:
 *
 *   node --import tsx bench/adversarial.ts [--sizes 1,2,4,8] [--only name] [--json]
 *
 * Each case builds an input of N MB shaped to hit a known worst case (long runs of spaces,
 * thousands of multipart headers, unclosed comments and tags, deep nesting, …) and times the
 * code that handles it: the whole mail-in path (`processInbound`, authorised sender, so every
 * stage runs), its parts (MIME structure check, text trimming, HTML to text), the SMIL scanner
 * used when relaying an MMS, and the PDU decoders (SMS, WSP push, MMS). Reported: ms per MB at
 * each size, and the ratio of ms/MB at the largest size to the smallest — about 1 when the
 * time is linear, ≈ size ratio when quadratic. The process exits 1 if any case exceeds a ratio
 * of 3 (linear with noise stays well below).
 */
import { performance } from 'node:perf_hooks';
import { processInbound } from '../src/mail/in/accept.js';
import { multipartProblem } from '../src/mail/in/mime-check.js';
import type { MailInOptions } from '../src/mail/in/types.js';
import { cleanSubject } from '../src/compose/plan.js';
import { htmlToText } from '../src/compose/html.js';
import { tidyText, trimReply } from '../src/compose/trim.js';
import { scanTags } from '../src/mail/out/smil.js';
import { decodeMms } from '../src/codec/mms/index.js';
import { decodePush } from '../src/codec/wsp/index.js';
import { decodeSmsPdu } from '../src/codec/sms/index.js';
import { ADVERSARIAL, type AdversarialCase } from '../test/helpers/adversarial.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const sizes = (flag('--sizes') ?? '1,2,4,8').split(',').map(Number);
const only = flag('--only');
const json = args.includes('--json');

const MB = 1024 * 1024;

export const options: MailInOptions = {
  addressing: { mailbox: 'box@gw.example.org', numbering: { defaultCountryCode: '49' } },
  authorisation: { senders: [{ address: 'anna@example.org' }] },
  maxMailBytes: 64 * MB,
};

/** What each target does with a case's input. */
const TARGETS: Readonly<Record<AdversarialCase['target'], (input: Buffer) => Promise<unknown> | unknown>> = {
  mail: (b) => processInbound(b, { transport: 'smtp', id: 'bench', receivedAt: new Date() }, { mailFrom: 'anna@example.org', rcptTo: ['box+491701234567@gw.example.org'] }, options),
  mime: (b) => multipartProblem(b),
  text: (b) => trimReply(b.toString('utf8')),
  tidy: (b) => tidyText(b.toString('utf8')),
  html: (b) => htmlToText(b.toString('utf8')),
  subject: (b) => cleanSubject(b.toString('utf8')),
  smil: (b) => scanTags(b.toString('utf8')),
  mms: (b) => decodeMms(b),
  push: (b) => decodePush(b),
  sms: (b) => decodeSmsPdu(b.toString('latin1')),
};

async function time(c: AdversarialCase, bytes: number): Promise<number> {
  const input = c.make(bytes);
  const run = TARGETS[c.target];
  let best = Infinity;
  // Best of three: the machine is shared; the minimum is the cost of the code.
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await run(input);
    best = Math.min(best, performance.now() - t0);
    if (best > 20_000) break;
  }
  return best;
}

interface Row { case: string; target: string; msPerMb: number[]; ratio: number }
const rows: Row[] = [];
for (const c of ADVERSARIAL) {
  if (only && !c.name.includes(only)) continue;
  const msPerMb: number[] = [];
  for (const s of sizes) msPerMb.push((await time(c, s * MB)) / s);
  const first = Math.max(msPerMb[0] ?? 1, 0.5);
  const ratio = (msPerMb[msPerMb.length - 1] ?? 0) / first;
  rows.push({ case: c.name, target: c.target, msPerMb, ratio });
  if (!json) {
    console.log(`${c.name.padEnd(40)} ${c.target.padEnd(7)} ${msPerMb.map((m) => m.toFixed(1).padStart(8)).join(' ')}  ms/MB   ratio ${ratio.toFixed(2)}`);
  }
}
if (json) console.log(JSON.stringify({ sizesMb: sizes, rows }, null, 2));
else console.log(`sizes ${sizes.join(', ')} MB; ratio = ms/MB at ${sizes[sizes.length - 1]} MB ÷ ms/MB at ${sizes[0]} MB (1 = linear)`);
const worst = rows.reduce((a, r) => Math.max(a, r.ratio), 0);
process.exitCode = worst > 3 ? 1 : 0;
