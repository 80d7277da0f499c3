// MM1 retrieve benchmark: many messages of 1–50 parts and sizes up to 5 MB through the MMSC
// simulator and an `interface` bearer over loopback; reports throughput and peak memory growth
// against the largest message. The simulator runs in-process and keeps every message, so the
// RSS figure includes its store; the client-side bound is asserted in test/sim/mmsc-e2e.test.ts.
//
//   node --import tsx bench/mm1-retrieve.ts [messages=40] [maxBytes=5242880]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InterfaceBearer } from '../src/bearer/interface.js';
import type { Executor } from '../src/bearer/exec.js';
import { Mm1Client, resolveCarrier } from '../src/mmsc/index.js';
import { startMmscSim, randomHandsetParts, mulberry32 } from '../src/sim/mmsc/index.js';

const count = Number(process.argv[2] ?? 40);
const maxBytes = Number(process.argv[3] ?? 5 * 1024 * 1024);
const exec: Executor = (argv) =>
  Promise.resolve(argv.includes('-j') ? JSON.stringify([{ ifname: 'lo', flags: ['UP'], addr_info: [{ family: 'inet', local: '127.0.0.1', scope: 'global' }] }]) : '');
const dir = mkdtempSync(join(tmpdir(), 'mmsgw-bench-'));
const sim = await startMmscSim({});
const client = new Mm1Client(new InterfaceBearer({ ifname: 'lo', routing: 'none', proxy: sim.proxyUrl, exec }), resolveCarrier(undefined, { maxMessageSize: maxBytes + 1024 * 1024 }), { mmscUrl: sim.url });
const rnd = mulberry32(42);
let bytes = 0;
let largest = 0;
let peak = 0;
const base = process.memoryUsage();
const timer = setInterval(() => {
  const m = process.memoryUsage();
  peak = Math.max(peak, m.rss - base.rss);
}, 5);
const started = Date.now();
await client.use(async () => {
  for (let i = 0; i < count; i++) {
    const size = Math.floor(1024 + rnd() * (maxBytes - 4096));
    const parts = 1 + Math.floor(rnd() * 50);
    const txid = await sim.submitFromHandset({ from: '+15551230001', to: '+15551239999', parts: randomHandsetParts({ parts, totalBytes: size, seed: i }) });
    const ind = sim.message(txid)?.notification;
    const r = await client.retrieve(ind?.contentLocation ?? '', { destDir: dir, messageSize: ind?.messageSize });
    rmSync(r.file);
    bytes += r.bytes;
    largest = Math.max(largest, r.bytes);
    if (sim.fetches(txid) !== 1) throw new Error(`message ${txid} fetched ${sim.fetches(txid)} times`);
  }
});
clearInterval(timer);
const secs = (Date.now() - started) / 1000;
console.log(JSON.stringify({ messages: count, megabytes: +(bytes / 1e6).toFixed(1), seconds: secs, mbPerSecond: +((bytes / 1e6) / secs).toFixed(1), largest, peakRssGrowth: peak, peakOverLargest: +(peak / largest).toFixed(2) }));
await sim.stop();
rmSync(dir, { recursive: true, force: true });
