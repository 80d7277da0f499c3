/**
 * End-to-end benchmark on the embedded demo (simulated modem on a real pty, simulated MMSC,
 * SMTP sink, real gateway), built on `mmsgw demo --messages N --json`.
 *
 *   node --import tsx bench/e2e.ts [--messages 20] [--burst 1000]
 *
 * 1. Latency at 115200 baud: from handing the WAP Push / SMS to the modem simulator to the
 *    SMTP sink's acceptance, compared in the same run with the floor set by the serial line
 *    (the bytes the gateway must read at 10 bits per byte) plus the HTTP transfer of the
 *    m-retrieve-conf measured against the same MMSC.
 * 2. Throughput for a burst of N messages with the line unthrottled, and peak RSS.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { encodeDeliver } from '../src/codec/sms/index.js';
import { randomHandsetParts } from '../src/sim/mmsc/index.js';
import { startDemo } from '../src/demo/environment.js';
import { rootLogger } from '../src/util/log.js';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '20' }, burst: { type: 'string', default: '300,1000' } } });
const N = Number(values.messages);
/** Burst sizes, e.g. `--burst 300,1000`; 0 skips the burst runs. */
const BURSTS = values.burst.split(',').map(Number).filter((n) => n > 0);
const root = new URL('..', import.meta.url).pathname;

/** Bytes the gateway reads for one stored SMS: "+CMTI" URC, "+CMGR: …" header, the PDU as hex, "OK", CRLFs, plus the commands it writes. */
function lineBytesForPdu(pduHex: string): number {
  const urc = '\r\n+CMTI: "ME",12\r\n'.length;
  const cmgr = 'AT+CMGR=12\r'.length + '\r\n+CMGR: 0,,159\r\n'.length + pduHex.length + '\r\n\r\nOK\r\n'.length;
  const cmgd = 'AT+CMGD=12\r'.length + '\r\nOK\r\n'.length;
  return urc + cmgr + cmgd;
}

async function httpGetMs(url: string): Promise<number> {
  const t = performance.now();
  await new Promise<void>((resolve, reject) => {
    http.get(url, (res) => {
      res.resume();
      res.on('end', () => resolve());
    }).on('error', reject);
  });
  return performance.now() - t;
}

async function latencyRun(): Promise<void> {
  rootLogger({ level: 'silent' });
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-bench-e2e-'));
  const env = await startDemo({ stateDir: dir, baudRate: 115200 });
  const rows: { kind: string; ms: number; floorMs: number }[] = [];
  try {
    for (let i = 0; i < N; i++) {
      // SMS: one part, the floor is the line time of its PDU.
      const [pdu] = encodeDeliver({ from: '+15550300001', text: `[bench-sms-${i}] latency probe` });
      const before = env.sink.mails.length;
      const t0 = performance.now();
      await env.modemSim.deliverSms(pdu!.hex);
      await env.sink.waitFor(before + 1, 30_000);
      rows.push({ kind: 'sms', ms: performance.now() - t0, floorMs: (lineBytesForPdu(pdu!.hex) * 10 * 1000) / 115200 });

      // MMS: the push segments on the line, then the HTTP GET of the message.
      const before2 = env.sink.mails.length;
      const t1 = performance.now();
      const txid = await env.mmscSim.submitFromHandset({ from: '+15550200001', to: '+15550100001', subject: `[bench-mms-${i}]`, parts: randomHandsetParts({ parts: 4, totalBytes: 30_000, seed: i }) });
      await env.sink.waitFor(before2 + 1, 30_000);
      const ms = performance.now() - t1;
      const m = env.mmscSim.message(txid)!;
      const serialMs = m.pushPdus.reduce((a, p) => a + (lineBytesForPdu(p) * 10 * 1000) / 115200, 0);
      const httpMs = await httpGetMs(m.contentLocation);
      rows.push({ kind: 'mms', ms, floorMs: serialMs + httpMs });
    }
  } finally {
    await env.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  for (const kind of ['sms', 'mms']) {
    const r = rows.filter((x) => x.kind === kind);
    const ms = r.map((x) => x.ms).sort((a, b) => a - b);
    const floor = r.reduce((a, x) => a + x.floorMs, 0) / r.length;
    const p50 = ms[Math.floor(ms.length / 2)] ?? 0;
    console.log(`${kind.toUpperCase()} latency at 115200 baud (n=${r.length}): p50 ${p50.toFixed(0)} ms, max ${(ms[ms.length - 1] ?? 0).toFixed(0)} ms; floor ${floor.toFixed(0)} ms; ratio p50/floor ${(p50 / floor).toFixed(2)}`);
  }
}

/** Messages/s of one burst, or undefined when the run produced no summary. */
function burstRun(burst: number): number | undefined {
  const t = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin/mmsgw.mjs'), 'demo', '--messages', String(burst), '--json', '--baud', '0', '--timeout', '900'], {
    env: { ...process.env, MMSGW_DEV: '1', MMSGW_LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '{}';
  const s = JSON.parse(line) as Partial<{ elapsedMs: number; peakRssMb: number; lost: number; duplicates: number; mmsIn: { relayed: number }; smsIn: { relayed: number }; emailOut: { submitted: number } }>;
  if (s.elapsedMs === undefined || !s.mmsIn || !s.smsIn || !s.emailOut) {
    console.log(`burst of ${burst}: no summary (exit ${r.status}); stderr tail: ${r.stderr.slice(-500)}`);
    return undefined;
  }
  const total = s.mmsIn.relayed + s.smsIn.relayed + s.emailOut.submitted;
  const rate = (total * 1000) / s.elapsedMs;
  console.log(`burst of ${burst} MMS + ${burst} SMS + ${burst} mails, line unthrottled: ${total} done in ${(s.elapsedMs / 1000).toFixed(1)} s → ${rate.toFixed(1)} messages/s (goal ≥ 50); lost ${s.lost}, duplicates ${s.duplicates}; peak RSS of the demo process ${s.peakRssMb} MB (wall ${((performance.now() - t) / 1000).toFixed(0)} s, exit ${r.status})`);
  return rate;
}

if (N > 0) await latencyRun();
const rates = new Map<number, number | undefined>();
for (const b of BURSTS) rates.set(b, burstRun(b));
const small = rates.get(300);
const large = rates.get(1000);
if (small !== undefined && large !== undefined) {
  console.log(`cost per message flat in the backlog: rate at 1000 / rate at 300 = ${(large / small).toFixed(2)} (goal ≥ 0.80)`);
}
