/**
 * End-to-end benchmark on the embedded demo (simulated modem on a real pty, simulated MMSC,
 * SMTP sink, real gateway), built on `mmsgw demo --messages N --json`.
 *
 *   node --import tsx bench/e2e.ts [--messages 20] [--burst 300,1000] [--before DIR]
 *
 * 1. Latency at 115200 baud: from handing the SMS / WAP Push to the modem simulator to the
 *    SMTP sink's acceptance, one message at a time, compared in the same run with the floor
 *    set by the serial line (the bytes the gateway must read at 10 bits per byte) plus the HTTP
 *    transfer of the m-retrieve-conf measured against the same MMSC.
 * 2. Throughput for a burst of N MMS + N SMS + N mails with the line unthrottled.
 *
 * `--before DIR`: an earlier revision exported beside the checkout (docs/PERFORMANCE.md) runs
 * the same figures in the same run, one after the other, and each row shows now / before.
 * The machine's load average is printed: on a shared box, only the ratios mean something.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { latencyRun, type Latency } from './e2e-latency.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '20' },
    burst: { type: 'string', default: '300,1000' },
    before: { type: 'string' },
    /** Burst sizes the `--before` tree runs too (default: all of `--burst`). */
    'before-burst': { type: 'string' },
    'latency-only': { type: 'boolean', default: false },
  },
});
const N = Number(values.messages);
/** Burst sizes, e.g. `--burst 300,1000`; 0 skips the burst runs. */
const BURSTS = values.burst.split(',').map(Number).filter((n) => n > 0);
const root = new URL('..', import.meta.url).pathname;
const BEFORE_BURSTS = values['before-burst'] === undefined ? BURSTS : values['before-burst'].split(',').map(Number);

if (values['latency-only']) {
  // The child of a `--before` run: one JSON line with this tree's latency figures.
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-bench-e2e-'));
  try {
    console.log(JSON.stringify(await latencyRun(dir, N)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}

/** The latency figures of the tree at `tree` (this checkout in-process; another in a child). */
async function latencyOf(tree: string): Promise<Latency | undefined> {
  if (tree === root) {
    const dir = mkdtempSync(join(tmpdir(), 'mmsgw-bench-e2e-'));
    try {
      return await latencyRun(dir, N);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // The probe runs against the other tree's sources (its src/demo, its gateway).
  for (const f of ['e2e.ts', 'e2e-latency.ts']) copyFileSync(join(root, 'bench', f), join(tree, 'bench', f));
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(tree, 'bench/e2e.ts'), '--latency-only', '--messages', String(N)], {
    cwd: tree,
    env: { ...process.env, MMSGW_LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Latency;
  } catch {
    console.log(`latency of ${tree}: no result (exit ${r.status}); stderr tail: ${r.stderr.slice(-500)}`);
    return undefined;
  }
}

interface Burst {
  readonly rate: number;
  /** CPU milliseconds (user + system) of the demo process per message: steadier than the rate on a loaded box. */
  readonly cpuMsPerMessage: number | undefined;
  readonly line: string;
}

const fmt = (x: number | undefined, digits = 2): string => (x === undefined ? '—' : x.toFixed(digits));

/** GNU time, for the demo process's CPU time (the gateway with the MMSC simulator, the SMTP sink and the driver). */
const TIME = '/usr/bin/time';

/** Messages/s of one burst (MMS in + SMS in + mails out, over the demo's elapsed time), or undefined. */
function burstRun(tree: string, burst: number): Burst | undefined {
  const t = performance.now();
  const timeFile = join(tmpdir(), `mmsgw-bench-e2e-time-${process.pid}`);
  const args = [join(tree, 'bin/mmsgw.mjs'), 'demo', '--messages', String(burst), '--json', '--baud', '0', '--timeout', '1800'];
  const timed = existsSync(TIME);
  const r = spawnSync(timed ? TIME : process.execPath, timed ? ['-f', '%U %S', '-o', timeFile, process.execPath, ...args] : args, {
    cwd: tree,
    env: { ...process.env, MMSGW_DEV: '1', MMSGW_LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = r.stdout.trim().split('\n').pop() ?? '{}';
  let s: Partial<{ elapsedMs: number; lost: number; duplicates: number; mmsIn: { relayed: number }; smsIn: { relayed: number }; emailOut: { submitted: number } }>;
  try {
    s = JSON.parse(last) as typeof s;
  } catch {
    s = {};
  }
  if (s.elapsedMs === undefined || !s.mmsIn || !s.smsIn || !s.emailOut) {
    console.log(`burst of ${burst} (${tree}): no summary (exit ${r.status}); stderr tail: ${r.stderr.slice(-500)}`);
    return undefined;
  }
  const total = s.mmsIn.relayed + s.smsIn.relayed + s.emailOut.submitted;
  const rate = (total * 1000) / s.elapsedMs;
  let cpuMsPerMessage: number | undefined;
  if (timed && existsSync(timeFile)) {
    const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    rmSync(timeFile, { force: true });
    if (user !== undefined && sys !== undefined) cpuMsPerMessage = ((user + sys) * 1000) / total;
  }
  return { rate, cpuMsPerMessage, line: `CPU ${fmt(cpuMsPerMessage, 1)} ms per message (demo process, all of its run); ` + `${total} done in ${(s.elapsedMs / 1000).toFixed(1)} s, lost ${s.lost}, duplicates ${s.duplicates} (wall ${((performance.now() - t) / 1000).toFixed(0)} s, exit ${r.status})` };
}

const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined || b === 0 ? '' : ` (now/before ${(a / b).toFixed(2)})`);
const before = values.before;
console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (2 cores shared; compare ratios, not absolute figures)`);

if (N > 0) {
  const now = await latencyOf(root);
  const was = before ? await latencyOf(before) : undefined;
  for (const kind of ['sms', 'mms'] as const) {
    const a = now?.[kind];
    const b = was?.[kind];
    const goal = kind === 'sms' ? 3 : 2;
    console.log(
      `${kind.toUpperCase()} at 115200 baud, n=${N}: p50 ${fmt(a?.p50Ms, 0)} ms, floor ${fmt(a?.floorMs, 0)} ms → p50/floor ${fmt(a?.ratio)} (goal ≤ ${goal})` +
        (b ? `; before: p50 ${fmt(b.p50Ms, 0)} ms → ${fmt(b.ratio)}${ratio(a?.p50Ms, b.p50Ms)}` : ''),
    );
  }
}

const rates = new Map<number, number | undefined>();
for (const n of BURSTS) {
  const a = burstRun(root, n);
  const b = before && BEFORE_BURSTS.includes(n) ? burstRun(before, n) : undefined;
  rates.set(n, a?.rate);
  console.log(
    `burst of ${n} MMS + ${n} SMS + ${n} mails, line unthrottled: ${fmt(a?.rate, 1)} messages/s (goal ≥ 50)${a ? `; ${a.line}` : ''}` +
      (before && BEFORE_BURSTS.includes(n)
        ? `\n  before: ${fmt(b?.rate, 1)} messages/s${b ? `; ${b.line}` : ''}${ratio(a?.rate, b?.rate)}; CPU per message now/before ${a?.cpuMsPerMessage && b?.cpuMsPerMessage ? (a.cpuMsPerMessage / b.cpuMsPerMessage).toFixed(2) : '—'}`
        : ''),
  );
}
const small = rates.get(300);
const large = rates.get(1000);
if (small !== undefined && large !== undefined) {
  console.log(`cost per message flat in the backlog: rate at 1000 / rate at 300 = ${(large / small).toFixed(2)} (goal ≥ 0.80)`);
}
console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
