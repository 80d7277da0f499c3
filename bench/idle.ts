/**
 * The gateway at rest: RSS when it says it is ready, RSS once idle, and wake-ups per second and CPU
 * while nothing happens, of the gateway's process alone (the modem simulator runs in a process of
 * its own).
 *
 *   node --import tsx bench/idle.ts [--settle 15] [--seconds 20] [--before DIR] [--no-unit-flags]
 *
 * "RSS ready" is read when the gateway logs "gateway running". "RSS idle" is read `--settle`
 * seconds later (default 15) with nothing happening: V8's memory reducer runs ~8 s after start-up
 * activity ends and releases what the start left behind, so a shorter settle reports start-up
 * garbage, not the idle gateway. The wake-up and CPU window (`--seconds`) begins after the settle.
 * Wake-ups are voluntary context switches summed over the process's threads (/proc/PID/task/*
 * /status): every time a thread sleeps (epoll_wait, a thread-pool worker parking) it must be woken
 * again. CPU is utime + stime from /proc/PID/stat over the same window.
 *
 * Each revision runs twice: as `mmsgw run` (plain node, as `npm start` and a shell user get it)
 * and with the V8 flags of systemd/mmsgw.service's ExecStart (what a Pi running the unit gets);
 * `--no-unit-flags` skips the second. `--before DIR` runs an earlier revision (a checkout with bin/
 * and src/, e.g. `git archive <rev> bin src | tar -x -C DIR`, built for dist/) first, in the same
 * run, and prints the ratios. Both run through bin/mmsgw.mjs as a user would (dist/ when built,
 * else the sources through tsx; set MMSGW_DEV=1 to force the sources for both).
 * Goal (issue 17): ≤ 1 wake-up/s, ~0 CPU, ≤ 70 MB RSS ready and idle.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cpuSeconds, rssMb, startGatewayAndSim, wakeups } from './gateway-process.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' }, before: { type: 'string' }, settle: { type: 'string', default: '15' },
    'no-unit-flags': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const SETTLE = Number(values.settle);
const root = new URL('..', import.meta.url).pathname;

/** The node options systemd/mmsgw.service gives the gateway (between the node binary and the script). */
function unitNodeFlags(): string[] {
  const unit = readFileSync(new URL('../systemd/mmsgw.service', import.meta.url), 'utf8');
  const exec = /^ExecStart=\S*node((?:\s+--\S+)*)\s+\S*mmsgw\.mjs/m.exec(unit);
  return (exec?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
}

interface Idle { label: string; flags: string; wakeupsPerS: number; cpuPct: number; rssReady: number; rssIdle: number }

async function measure(label: string, dir: string, flags: readonly string[]): Promise<Idle> {
  const run = await startGatewayAndSim(dir, {}, flags);
  try {
    const pid = run.gateway.pid as number;
    const rssReady = rssMb(pid).rss;
    await new Promise((r) => setTimeout(r, SETTLE * 1000)); // start-up work ends; the memory reducer runs
    const rssIdle = rssMb(pid).rss;
    const w0 = wakeups(pid);
    const c0 = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const w1 = wakeups(pid);
    const c1 = cpuSeconds(pid);
    return { label, flags: flags.join(' ') || 'none', wakeupsPerS: (w1 - w0) / SECONDS, cpuPct: (100 * (c1 - c0)) / SECONDS, rssReady, rssIdle };
  } finally {
    await run.stop();
  }
}

const variants: string[][] = [[]];
const unit = unitNodeFlags();
if (!values['no-unit-flags'] && unit.length > 0) variants.push(unit);
const results: Idle[] = [];
for (const flags of variants) {
  if (values.before) results.push(await measure('before', values.before, flags));
  results.push(await measure('this checkout', root, flags));
}

console.log(`gateway process alone (modem simulator in its own process): RSS when ready, RSS after ${SETTLE} s settling, then wake-ups and CPU over ${SECONDS} s`);
console.log(`${'revision'.padEnd(14)} ${'node flags'.padEnd(24)} ${'wake-ups/s'.padStart(10)} ${'CPU %'.padStart(6)} ${'RSS ready MB'.padStart(12)} ${`RSS idle (${SETTLE} s) MB`.padStart(20)}`);
for (const r of results) {
  console.log(`${r.label.padEnd(14)} ${r.flags.padEnd(24)} ${r.wakeupsPerS.toFixed(2).padStart(10)} ${r.cpuPct.toFixed(2).padStart(6)} ${r.rssReady.toFixed(1).padStart(12)} ${r.rssIdle.toFixed(1).padStart(20)}`);
}
console.log(`goal: ≤ 1 wake-up/s, ~0 % CPU, ≤ 70 MB RSS ready and idle`);
for (const flags of variants) {
  const f = flags.join(' ') || 'none';
  const a = results.find((r) => r.label === 'before' && r.flags === f);
  const b = results.find((r) => r.label !== 'before' && r.flags === f);
  if (a && b) {
    const ratio = (x: number, y: number): string => (y > 0 ? `${(x / y).toFixed(2)}×` : 'n/a (before: 0)');
    console.log(`ratios this/before (node flags ${f}): wake-ups ${ratio(b.wakeupsPerS, a.wakeupsPerS)}, CPU ${ratio(b.cpuPct, a.cpuPct)}, RSS ready ${ratio(b.rssReady, a.rssReady)}, RSS idle ${ratio(b.rssIdle, a.rssIdle)}`);
  }
}
process.exit(0);
