/**
 * Footprint of the gateway (issue 17), each figure beside its goal:
 *   node --import tsx bench/memory.ts [--messages 2000] [--skip-start] [--idle-only]
 *                                     [--before DIR] [--repeat 3]
 *
 * 1. RSS ready and idle of the gateway process alone (`mmsgw run`; the modem simulator in its own
 *    process), as installed (dist/), with and without the V8 flag the systemd unit sets: when it
 *    says it is running, and `--settle` seconds (default 15) later with nothing happening (V8's
 *    memory reducer runs ~8 s after start-up activity ends); each measured `--repeat` times
 *    (min–max). The baseline is another checkout measured the same way
 *    in the same run: `--before DIR` (bin/, dist/ built, node_modules), by default
 *    /tmp/mmsgw-before when it exists (e.g. `git archive <rev> | tar -x -C DIR`, then
 *    `npm run build` there).
 * 2. Peak RSS retrieving and relaying one 5 MB MMS: the receive pipeline as compiled (store, job
 *    handlers, SMTP relay; bench/memory-pipeline.mjs) in a process of its own with the systemd
 *    unit's V8 flag, the SMTP sink in this one. Python's email package checks the relayed picture byte for byte (sha256).
 * 3. RSS growth over N SMS relayed one after the other, after a warm-up of N/10.
 * 4. `npm start` until the demo says it is running (dist/ up to date, as after an install).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rssMb, startGatewayAndSim } from './gateway-process.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '2000' }, 'skip-start': { type: 'boolean', default: false }, 'idle-only': { type: 'boolean', default: false },
    settle: { type: 'string', default: '15' }, before: { type: 'string' }, repeat: { type: 'string', default: '3' },
  },
});
const before = values.before ?? (existsSync('/tmp/mmsgw-before/bin/mmsgw.mjs') ? '/tmp/mmsgw-before' : undefined);
const root = new URL('..', import.meta.url).pathname;
const SEMI = '--max-semi-space-size=1';
const rows: [string, string, string][] = [];
const row = (what: string, value: string, goal: string): void => {
  rows.push([what, value, goal]);
  console.error(`${what}: ${value} (goal ${goal})`);
};

spawnSync(process.execPath, [join(root, 'scripts/build-if-stale.mjs')], { stdio: 'inherit' });

async function idle(nodeOptions: string, dir: string = root): Promise<{ ready: number; idle: number }> {
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = nodeOptions;
  const run = await startGatewayAndSim(dir).finally(() => {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  });
  try {
    const pid = run.gateway.pid as number;
    const ready = rssMb(pid).rss;
    await new Promise((r) => setTimeout(r, Number(values.settle) * 1000));
    return { ready, idle: rssMb(pid).rss };
  } finally {
    await run.stop();
  }
}

function child(args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [SEMI, join(root, 'bench/memory-pipeline.mjs'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, unknown>) : reject(new Error(`memory-pipeline exited ${String(code)}: ${out}`))));
  });
}

const PY = `import email,hashlib,sys
from email import policy
m=email.message_from_bytes(sys.stdin.buffer.read(),policy=policy.default)
for p in m.walk():
  if p.get_content_type()=='image/jpeg': print(hashlib.sha256(p.get_payload(decode=True)).hexdigest())`;

async function pipeline(messages: number): Promise<void> {
  const { MailSink } = await import('../src/sim/mail/sink.js');
  const { encodeMms } = await import('../src/codec/mms/index.js');
  const { mmsAddress, mmsPdu } = await import('../src/sim/mmsc/pdus.js');
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-membench-'));
  const sink = await new MailSink().start();
  try {
    const image = randomBytes(5 * 1024 * 1024);
    const file = join(dir, 'big.mms');
    writeFileSync(file, encodeMms(mmsPdu({
      messageType: 'm-retrieve-conf', transactionId: 'big', mmsVersion: '1.2', date: new Date(), from: mmsAddress('+4915112345678'), to: [mmsAddress('+15550100001')],
      contentType: { mediaType: 'application/vnd.wap.multipart.mixed', params: {} },
      parts: [
        { contentType: 'text/plain', params: { charset: 'utf-8' }, charset: 'utf-8', body: Buffer.from('a big picture') },
        { contentType: 'image/jpeg', params: {}, name: 'big.jpg', body: image },
      ],
    })));
    const m = await child(['mms', String(sink.port), file]);
    const mail = sink.mails.at(-1);
    const py = mail ? spawnSync('python3', ['-c', PY], { input: mail.raw, maxBuffer: 64 << 20 }).stdout.toString().trim() : '';
    const same = py === createHash('sha256').update(image).digest('hex');
    row(`peak RSS, retrieve + relay of a 5 MB MMS (pipeline process, ${SEMI})`, `${Number(m.peak).toFixed(1)} MB (before ${Number(m.rssBefore).toFixed(1)} MB, +${(Number(m.peak) - Number(m.rssBefore)).toFixed(1)} MB); picture round-trips in Python: ${same ? 'yes' : 'NO'}`, '≤ 100 MB');
    const g = await child(['sms', String(sink.port), String(messages)]);
    const samples = g.samples as { n: number; rss: number; s: number }[];
    const warm = samples.find((s) => s.n >= messages / 10) ?? samples[0];
    const last = samples.at(-1);
    if (warm && last) {
      const growth = (100 * (last.rss - warm.rss)) / warm.rss;
      row(`RSS growth over ${messages} SMS relayed (after ${warm.n} warm-up, ${SEMI})`, `${warm.rss.toFixed(1)} → ${last.rss.toFixed(1)} MB (${growth.toFixed(1)} %), ${(last.n / last.s).toFixed(0)} msg/s`, '< 5 %');
    }
  } finally {
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function npmStart(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const c = spawn('npm', ['start', '--', '--state-dir', mkdtempSync(join(tmpdir(), 'mmsgw-start-'))], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`npm start not running after 120 s: ${out}`)), 120_000);
    c.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/mmsgw demo is running/.test(out)) {
        clearTimeout(timer);
        resolve(Number(process.hrtime.bigint() - t0) / 1e9);
        process.kill(-(c.pid as number), 'SIGTERM');
      }
    });
  });
}

/** Min–max of RSS ready and idle over `--repeat` starts, this checkout and the baseline alternating. */
async function idleRange(nodeOptions: string, dir: string): Promise<string> {
  const runs: { ready: number; idle: number }[] = [];
  for (let i = 0; i < Math.max(1, Number(values.repeat)); i++) runs.push(await idle(nodeOptions, dir));
  const range = (xs: number[]): string => {
    const lo = Math.min(...xs).toFixed(1);
    const hi = Math.max(...xs).toFixed(1);
    return lo === hi ? lo : `${lo}–${hi}`;
  };
  return `${range(runs.map((r) => r.ready))} / ${range(runs.map((r) => r.idle))} MB`;
}

for (const [label, options] of [['no V8 flag', ''], [`${SEMI}, as systemd/mmsgw.service`, SEMI]] as const) {
  const now = await idleRange(options, root);
  const base = before === undefined ? 'no baseline (--before DIR)' : `baseline ${await idleRange(options, before)} (${before}, same run)`;
  row(`gateway RSS ready / idle ${values.settle} s later (${label})`, `${now}; ${base}`, '≤ 70 MB');
}
if (!values['idle-only']) {
  await pipeline(Number(values.messages));
  if (!values['skip-start']) row('npm start until the demo runs (dist/ up to date)', `${(await npmStart()).toFixed(1)} s`, '≤ 3 s');
}

console.log(rows.map(([w, v, g]) => `${w}\n    ${v}   goal ${g}`).join('\n'));
process.exit(0);
