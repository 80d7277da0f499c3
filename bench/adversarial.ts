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
 * time is linear, ≈ size ratio (8 from 1 to 8 MB) when quadratic. Caches make big inputs
 * somewhat slower per MB even for linear code, so the process exits 1 only when a case's ratio
 * exceeds 4 and it costs more than 20 ms/MB at the largest size.
 */
import { performance } from 'node:perf_hooks';
import type { MailInOptions } from '../src/mail/in/types.js';
import type { AdversarialCase } from '../test/helpers/adversarial.js';

// Quiet unless asked (the mail path logs every refusal): set before the modules that log load.
process.env.MMSGW_LOG_LEVEL ??= 'silent';
const { processInbound } = await import('../src/mail/in/accept.js');
const { multipartProblem } = await import('../src/mail/in/mime-check.js');
const { cleanSubject } = await import('../src/compose/plan.js');
const { htmlToText } = await import('../src/compose/html.js');
const { tidyText, trimReply } = await import('../src/compose/trim.js');
const { scanTags } = await import('../src/mail/out/smil.js');
const { decodeMms } = await import('../src/codec/mms/index.js');
const { decodePush } = await import('../src/codec/wsp/index.js');
const { decodeSmsPdu } = await import('../src/codec/sms/index.js');
const { ADVERSARIAL } = await import('../test/helpers/adversarial.js');

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const sizes = (flag('--sizes') ?? '1,2,4,8').split(',').map(Number);
const only = flag('--only');
const json = args.includes('--json');

const MB = 1024 * 1024;

const options: MailInOptions = {
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
const suspicious = rows.filter((r) => r.ratio > 4 && (r.msPerMb[r.msPerMb.length - 1] ?? 0) > 20);
for (const r of suspicious) console.error(`super-linear? ${r.case}: ratio ${r.ratio.toFixed(2)}`);
process.exitCode = suspicious.length > 0 ? 1 : 0;
