/**
 * End-to-end benchmark on the embedded demo (simulated modem on a real pty, simulated MMSC,
 * SMTP sink, real gateway), built on `mmsgw demo --messages N --json`.
 *
 *   node --import tsx bench/e2e.ts [--messages 20] [--burst 300,1000] [--before DIR] [--timeout 1800]
 *                                  [--durability commit|acknowledge] [--compare-durability] [--fsync-ms MS]
 *   node --import tsx bench/e2e.ts --quick      (a smoke run: 5 messages, a burst of 50)
 *
 * 1. Latency at 115200 baud: from handing the SMS / WAP Push to the modem simulator to the
 *    SMTP sink's acceptance, one message at a time, compared in the same run with the floor
 *    set by the serial line (the bytes the gateway must read at 10 bits per byte) plus the HTTP
 *    transfer of the m-retrieve-conf measured against the same MMSC.
 * 2. Throughput for a burst of N MMS + N SMS + N mails (with N MM7 submissions beside them) with
 *    the line unthrottled, twice: with the simulated network's default timing (the SMSC takes
 *    150 ms to answer each AT+CMGS, so the N/2 mails that go out as SMS cost the line at least
 *    N/2 × 150 ms — that floor is printed beside the rate) and with `--smsc-ms 0` (the pipeline
 *    alone). Each run's phase timeline says whether the injection or the gateway bounded it.
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
    /** How long one burst may wait for its last message and report, in seconds (the demo's --timeout). */
    timeout: { type: 'string', default: '1800' },
    'latency-only': { type: 'boolean', default: false },
    /** storage.durability of this tree's gateway in the bursts (docs/STORAGE.md "Durability"). */
    durability: { type: 'string', default: 'commit' },
    /**
     * Every fsync of the bursts' processes takes this many ms more (bench/slow-fsync.c,
     * preloaded): an SD card's fsync costs several ms, this machine's disk well under one.
     */
    'fsync-ms': { type: 'string' },
    /** Each burst once more with --smsc-ms 0 and the other durability, in the same run. */
    'compare-durability': { type: 'boolean', default: false },
    /** A smoke run that checks the bench itself: `--messages 5 --burst 50` unless given. */
    quick: { type: 'boolean', default: false },
  },
});
const N = Number(values.quick && !process.argv.includes('--messages') ? '5' : values.messages);
/** Burst sizes, e.g. `--burst 300,1000`; 0 skips the burst runs. */
const BURSTS = (values.quick && !process.argv.includes('--burst') ? '50' : values.burst).split(',').map(Number).filter((n) => n > 0);
const root = new URL('..', import.meta.url).pathname;
const BEFORE_BURSTS = values['before-burst'] === undefined ? BURSTS : values['before-burst'].split(',').map(Number);

/** The environment that makes fsync slow (`--fsync-ms`), or nothing. */
function slowDisk(): Record<string, string> {
  if (values['fsync-ms'] === undefined) return {};
  const us = Math.round(Number(values['fsync-ms']) * 1000);
  const so = join(mkdtempSync(join(tmpdir(), 'mmsgw-slow-fsync-')), 'slow-fsync.so');
  const cc = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', so, join(root, 'bench/slow-fsync.c'), '-ldl'], { encoding: 'utf8' });
  if (cc.error || cc.status !== 0) {
    console.log(`--fsync-ms: no C compiler to build bench/slow-fsync.c (${cc.error?.message ?? cc.stderr.trim()}); running on this disk as it is`);
    return {};
  }
  console.log(`every fsync and fdatasync of the bursts takes ${values['fsync-ms']} ms more (bench/slow-fsync.c)`);
  return { LD_PRELOAD: so, SLOW_FSYNC_US: String(us) };
}
const SLOW_DISK = slowDisk();

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
  /** The rate up to the last message out, as text ('' without a timeline). */
  readonly workRate: string;
  /** 3N over the floor the SMSC round trip sets: the best rate this network timing allows. */
  readonly floorRate: number | undefined;
  /** CPU milliseconds (user + system) of the demo per message, its child processes included: steadier than the rate on a loaded box. */
  readonly cpuMsPerMessage: number | undefined;
  readonly line: string;
}

const fmt = (x: number | undefined, digits = 2): string => (x === undefined ? '—' : x.toFixed(digits));

/** GNU time, for the demo's CPU time: the gateway's process and the processes it started and reaped (the simulators, the driver). */
const TIME = '/usr/bin/time';

/** The simulated SMSC's default AT+CMGS round trip (src/sim/modem/delivery.ts). */
const DEFAULT_SMSC_MS = 150;

/**
 * Builds `tree`'s dist/ when its sources are newer (its scripts/build-if-stale.mjs), so the
 * bursts run the compiled gateway as `mmsgw` runs in production; true when dist/ is there.
 * Without it (an old tree, or the build failed) the demo runs the sources through tsx, which
 * costs start-up CPU and some 100 MB of RSS more.
 */
const built = new Map<string, boolean>();
function ensureBuilt(tree: string): boolean {
  const known = built.get(tree);
  if (known !== undefined) return known;
  const script = join(tree, 'scripts/build-if-stale.mjs');
  if (existsSync(script)) spawnSync(process.execPath, [script], { cwd: tree, stdio: ['ignore', 'ignore', 'inherit'] });
  const ok = existsSync(join(tree, 'dist/cli/main.js'));
  if (!ok) console.log(`${tree}: no dist/ build; its bursts run the sources through tsx (RSS and CPU figures include tsx)`);
  built.set(tree, ok);
  return ok;
}

/** Whether the demo of `tree` knows `--smsc-ms` (an earlier revision may not). */
function knowsSmscMs(tree: string): boolean {
  try {
    return readFileSync(join(tree, 'src/cli/commands/demo.ts'), 'utf8').includes("'smsc-ms'");
  } catch {
    return false;
  }
}

interface Timeline {
  injectionEndedMs: number;
  last: { relayed: number | null; submitted: number | null; delivered: number | null; mm7Reported: number | null };
  firstMm7Reported: number | null;
}

const sec = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '—' : (ms / 1000).toFixed(1));

/** Messages/s of one burst (MMS in + SMS in + mails out, over the demo's elapsed time), or undefined. `smscMs` undefined: the tree's default timing. */
function burstRun(tree: string, burst: number, smscMs?: number, durability: string | undefined = tree === root ? values.durability : undefined): Burst | undefined {
  const t = performance.now();
  const timeFile = join(tmpdir(), `mmsgw-bench-e2e-time-${process.pid}`);
  const args = [
    join(tree, 'bin/mmsgw.mjs'), 'demo', '--messages', String(burst), '--json', '--baud', '0', '--timeout', values.timeout,
    ...(smscMs !== undefined ? ['--smsc-ms', String(smscMs)] : []),
    ...(durability !== undefined ? ['--durability', durability] : []),
  ];
  const timed = existsSync(TIME);
  const r = spawnSync(timed ? TIME : process.execPath, timed ? ['-f', '%U %S', '-o', timeFile, process.execPath, ...args] : args, {
    cwd: tree,
    env: { ...process.env, MMSGW_DEV: ensureBuilt(tree) ? '0' : '1', MMSGW_LOG_LEVEL: 'warn', ...SLOW_DISK },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = r.stdout.trim().split('\n').pop() ?? '{}';
  let s: Partial<{
    elapsedMs: number;
    lost: number;
    duplicates: number;
    missingReports: number;
    mmsIn: { relayed: number };
    smsIn: { relayed: number };
    emailOut: { submitted: number };
    timeline: Timeline;
    peakRssMb: number;
    simulatorsPeakRssMb: number;
    driverPeakRssMb: number;
  }>;
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
  // A run that waited out its timeout for a missing report says little by its rate: the rate up
  // to the last message out (relayed, or sent out) is the gateway's work alone.
  const lastOut = s.timeline ? Math.max(s.timeline.last.relayed ?? 0, s.timeline.last.submitted ?? 0) : 0;
  const workRate = lastOut > 0 ? ` (${fmt((total * 1000) / lastOut, 1)}/s up to the last message out${(s.missingReports ?? 0) > 0 ? '; the run then waited for missing reports' : ''})` : '';
  let cpuMsPerMessage: number | undefined;
  if (timed && existsSync(timeFile)) {
    const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    rmSync(timeFile, { force: true });
    if (user !== undefined && sys !== undefined) cpuMsPerMessage = ((user + sys) * 1000) / total;
  }
  // The N/2 mails without a picture go out as one SMS each; every AT+CMGS waits the SMSC's round trip.
  const floorMs = Math.ceil(burst / 2) * (smscMs ?? DEFAULT_SMSC_MS);
  const floorRate = floorMs > 0 ? (3 * burst * 1000) / floorMs : undefined;
  // The gateway's process alone; the simulators and (since the fourth round) the driver run apart.
  const rss = `peak RSS: gateway process ${fmt(s.peakRssMb, 1)} MB${s.driverPeakRssMb === undefined ? ' (the driver in it)' : `, driver ${fmt(s.driverPeakRssMb, 1)} MB`}, simulators ${fmt(s.simulatorsPeakRssMb, 1)} MB`;
  const tl = s.timeline;
  const phases = tl
    ? `\n    timeline (s from the driver's start): injection ended ${sec(tl.injectionEndedMs)}; last relayed ${sec(tl.last.relayed)}, ` +
      `last mail sent out ${sec(tl.last.submitted)}, last delivered ${sec(tl.last.delivered)}, MM7 reports ${sec(tl.firstMm7Reported)}–${sec(tl.last.mm7Reported)}; ` +
      `${tl.injectionEndedMs >= 0.8 * s.elapsedMs ? 'bounded by the injection' : `the gateway worked ${sec(s.elapsedMs - tl.injectionEndedMs)} s past the injection`}`
    : '';
  return {
    rate,
    workRate,
    floorRate,
    cpuMsPerMessage,
    line: `CPU ${fmt(cpuMsPerMessage, 1)} ms per message (the demo's processes, all of their run); ` + `${total} done in ${(s.elapsedMs / 1000).toFixed(1)} s, lost ${s.lost}, duplicates ${s.duplicates}, missing reports ${s.missingReports ?? '—'}; ${rss} (wall ${((performance.now() - t) / 1000).toFixed(0)} s, exit ${r.status})${phases}`,
  };
}

const floorNote = (b: Burst | undefined, n: number, smscMs: number): string =>
  b?.floorRate === undefined
    ? ''
    : ` [floor: ${Math.ceil(n / 2)} outbound SMS × ${smscMs} ms = ${((Math.ceil(n / 2) * smscMs) / 1000).toFixed(1)} s on the one AT channel, so at most ${fmt(b.floorRate, 1)}/s${b.floorRate < 50 ? ': the goal cannot be met with this timing' : ''}]`;

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

const beforeKnowsSmsc = before ? knowsSmscMs(before) : false;
if (before && !beforeKnowsSmsc) console.log(`before (${before}): its demo has no --smsc-ms; it runs with its own network timing only`);
/** Rates by burst size: with the default network timing, and with --smsc-ms 0. */
const rates = new Map<number, { timed: number | undefined; bare: number | undefined }>();
for (const n of BURSTS) {
  const runBefore = before !== undefined && BEFORE_BURSTS.includes(n);
  const a = burstRun(root, n);
  const b = runBefore ? burstRun(before, n) : undefined;
  console.log(
    `burst of ${n} MMS + ${n} SMS + ${n} mails, line unthrottled, SMSC ${DEFAULT_SMSC_MS} ms: ${fmt(a?.rate, 1)} messages/s${a?.workRate ?? ''} (goal ≥ 50)${floorNote(a, n, DEFAULT_SMSC_MS)}${a ? `; ${a.line}` : ''}` +
      (runBefore
        ? `\n  before: ${fmt(b?.rate, 1)} messages/s${b ? `; ${b.line}` : ''}${ratio(a?.rate, b?.rate)}; CPU per message now/before ${a?.cpuMsPerMessage && b?.cpuMsPerMessage ? (a.cpuMsPerMessage / b.cpuMsPerMessage).toFixed(2) : '—'}`
        : ''),
  );
  const a0 = burstRun(root, n, 0);
  const b0 = runBefore && beforeKnowsSmsc ? burstRun(before, n, 0) : undefined;
  console.log(
    `burst of ${n}, line unthrottled, --smsc-ms 0 (the pipeline alone): ${fmt(a0?.rate, 1)} messages/s${a0?.workRate ?? ''} (goal ≥ 50)${a0 ? `; ${a0.line}` : ''}` +
      (runBefore ? (beforeKnowsSmsc ? `\n  before: ${fmt(b0?.rate, 1)} messages/s${b0 ? `; ${b0.line}` : ''}${ratio(a0?.rate, b0?.rate)}` : '\n  before: — (no --smsc-ms in that tree)') : ''),
  );
  if (values['compare-durability']) {
    const other = values.durability === 'commit' ? 'acknowledge' : 'commit';
    const c0 = burstRun(root, n, 0, other);
    console.log(
      `burst of ${n}, --smsc-ms 0, durability ${other} (this run's others: ${values.durability}): ${fmt(c0?.rate, 1)} messages/s${c0?.workRate ?? ''}` +
        `${ratio(c0?.rate, a0?.rate).replace('now/before', `${other}/${values.durability}`)}${c0 ? `; ${c0.line}` : ''}`,
    );
  }
  rates.set(n, { timed: a?.rate, bare: a0?.rate });
}
const small = rates.get(300);
const large = rates.get(1000);
if (small !== undefined && large !== undefined) {
  const flat = (l: number | undefined, s: number | undefined): string => (l === undefined || s === undefined ? '—' : (l / s).toFixed(2));
  console.log(`cost per message flat in the backlog: rate at 1000 / rate at 300 = ${flat(large.timed, small.timed)} with the SMSC's ${DEFAULT_SMSC_MS} ms, ${flat(large.bare, small.bare)} with --smsc-ms 0 (goal ≥ 0.80)`);
}
console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
