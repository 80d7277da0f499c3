/**
 * The gateway at rest: wake-ups per second and CPU while nothing happens, and RSS ready and idle,
 * of the gateway's process alone (the modem simulator runs in a process of its own).
 *
 *   node --import tsx bench/idle.ts [--seconds 20] [--before DIR]
 *
 * Wake-ups are voluntary context switches summed over the process's threads (/proc/PID/task/*
 * /status): every time a thread sleeps (epoll_wait, a thread-pool worker parking) it must be woken
 * again. CPU is utime + stime from /proc/PID/stat over the same window. `--before DIR` runs an
 * earlier revision (a checkout with bin/ and src/, e.g. `git archive <rev> bin src | tar -x -C DIR`)
 * first, in the same run, and prints the ratios. Both run through bin/mmsgw.mjs as a user would
 * (dist/ when built, else the sources through tsx; set MMSGW_DEV=1 to force the sources for both).
 * Goal (issue 17): ≤ 1 wake-up/s, ~0 CPU, ≤ 70 MB RSS ready and idle.
 */
import { parseArgs } from 'node:util';
import { cpuSeconds, rssMb, startGatewayAndSim, wakeups } from './gateway-process.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, before: { type: 'string' }, settle: { type: 'string', default: '5' } } });
const SECONDS = Number(values.seconds);
const root = new URL('..', import.meta.url).pathname;

interface Idle { label: string; wakeupsPerS: number; cpuPct: number; rssReady: number; rssIdle: number }

async function measure(label: string, dir: string): Promise<Idle> {
  const run = await startGatewayAndSim(dir);
  try {
    const pid = run.gateway.pid as number;
    const rssReady = rssMb(pid).rss;
    await new Promise((r) => setTimeout(r, Number(values.settle) * 1000)); // start-up work (modem init, first status) ends
    const w0 = wakeups(pid);
    const c0 = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const w1 = wakeups(pid);
    const c1 = cpuSeconds(pid);
    return { label, wakeupsPerS: (w1 - w0) / SECONDS, cpuPct: (100 * (c1 - c0)) / SECONDS, rssReady, rssIdle: rssMb(pid).rss };
  } finally {
    await run.stop();
  }
}

const results: Idle[] = [];
if (values.before) results.push(await measure('before', values.before));
results.push(await measure('this checkout', root));

console.log(`gateway process alone, idle for ${SECONDS} s after ${values.settle} s settling (modem simulator in its own process)`);
console.log(`${'revision'.padEnd(16)} ${'wake-ups/s'.padStart(11)} ${'CPU %'.padStart(7)} ${'RSS ready MB'.padStart(13)} ${'RSS idle MB'.padStart(12)}`);
for (const r of results) {
  console.log(`${r.label.padEnd(16)} ${r.wakeupsPerS.toFixed(2).padStart(11)} ${r.cpuPct.toFixed(2).padStart(7)} ${r.rssReady.toFixed(1).padStart(13)} ${r.rssIdle.toFixed(1).padStart(12)}`);
}
console.log(`goal: ≤ 1 wake-up/s, ~0 % CPU, ≤ 70 MB RSS ready and idle`);
const [a, b] = results;
if (a && b && b !== a) {
  console.log(`ratios this/before: wake-ups ${(b.wakeupsPerS / Math.max(a.wakeupsPerS, 1e-9)).toFixed(2)}×, CPU ${(b.cpuPct / Math.max(a.cpuPct, 1e-9)).toFixed(2)}×, RSS idle ${(b.rssIdle / a.rssIdle).toFixed(2)}×`);
}
process.exit(0);
