/**
 * The latency half of bench/e2e.ts: one message at a time through the embedded demo at
 * 115200 baud, against the floor the serial line (and the MMSC's HTTP transfer) sets.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { encodeDeliver } from '../src/codec/sms/index.js';
import { randomHandsetParts } from '../src/sim/mmsc/index.js';
import { startDemo } from '../src/demo/environment.js';
import { rootLogger } from '../src/util/log.js';

export interface KindLatency {
  readonly p50Ms: number;
  readonly maxMs: number;
  /** Mean floor of the messages measured. */
  readonly floorMs: number;
  /** p50 / floor. */
  readonly ratio: number;
}

export interface Latency {
  readonly sms: KindLatency;
  readonly mms: KindLatency;
}

const BAUD = 115200;

/** Bytes the gateway moves for one stored SMS: "+CMTI" URC, the AT+CMGL=4 listing it with the PDU as hex, AT+CMGD. */
function lineBytesForPdu(pduHex: string): number {
  const urc = '\r\n+CMTI: "ME",12\r\n'.length;
  const cmgr = 'AT+CMGL=4\r'.length + '\r\n+CMGL: 12,0,,159\r\n'.length + pduHex.length + '\r\n\r\nOK\r\n'.length;
  const cmgd = 'AT+CMGD=12\r'.length + '\r\nOK\r\n'.length;
  return urc + cmgr + cmgd;
}

const lineMs = (bytes: number): number => (bytes * 10 * 1000) / BAUD;

async function httpGetMs(url: string): Promise<number> {
  const t = performance.now();
  await new Promise<void>((resolve, reject) => {
    http
      .get(url, (res) => {
        res.resume();
        res.on('end', () => resolve());
      })
      .on('error', reject);
  });
  return performance.now() - t;
}

function summarise(rows: readonly { ms: number; floorMs: number }[]): KindLatency {
  const ms = rows.map((x) => x.ms).sort((a, b) => a - b);
  const floorMs = rows.reduce((a, x) => a + x.floorMs, 0) / Math.max(1, rows.length);
  const p50Ms = ms[Math.floor(ms.length / 2)] ?? 0;
  return { p50Ms, maxMs: ms[ms.length - 1] ?? 0, floorMs, ratio: floorMs > 0 ? p50Ms / floorMs : 0 };
}

/** `n` SMS and `n` MMS, each sent once the previous one reached the mail sink. */
export async function latencyRun(stateDir: string, n: number): Promise<Latency> {
  rootLogger({ level: 'silent' });
  const env = await startDemo({ stateDir, baudRate: BAUD });
  const sms: { ms: number; floorMs: number }[] = [];
  const mms: { ms: number; floorMs: number }[] = [];
  try {
    for (let i = 0; i < n; i++) {
      // SMS: one part, the floor is the line time of its PDU.
      const [pdu] = encodeDeliver({ from: '+15550300001', text: `[bench-sms-${i}] latency probe` });
      if (!pdu) throw new Error('no PDU encoded');
      const before = env.sink.mails.length;
      const t0 = performance.now();
      await env.modemSim.deliverSms(pdu.hex);
      await env.sink.waitFor(before + 1, 30_000);
      sms.push({ ms: performance.now() - t0, floorMs: lineMs(lineBytesForPdu(pdu.hex)) });

      // MMS: the push segments on the line, then the HTTP GET of the message.
      const before2 = env.sink.mails.length;
      const t1 = performance.now();
      const txid = await env.mmscSim.submitFromHandset({ from: '+15550200001', to: '+15550100001', subject: `[bench-mms-${i}]`, parts: randomHandsetParts({ parts: 4, totalBytes: 30_000, seed: i }) });
      await env.sink.waitFor(before2 + 1, 30_000);
      const ms = performance.now() - t1;
      const m = env.mmscSim.message(txid);
      if (!m) throw new Error(`the MMSC lost ${txid}`);
      const serialMs = m.pushPdus.reduce((a, p) => a + lineMs(lineBytesForPdu(p)), 0);
      mms.push({ ms, floorMs: serialMs + (await httpGetMs(m.contentLocation)) });
    }
  } finally {
    await env.stop();
  }
  return { sms: summarise(sms), mms: summarise(mms) };
}
