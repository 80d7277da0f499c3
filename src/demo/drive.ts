import nodemailer from 'nodemailer';
import { encodeDeliver } from '../codec/sms/index.js';
import { mulberry32, randomHandsetParts, type MessageScenario } from '../sim/mmsc/index.js';
import type { DemoCore } from './environment.js';
import { SAMPLE_JPEG } from './media.js';
import { Mm7Tally, submitMm7, type Mm7Progress } from './mm7.js';
import { peakRssMb } from './rss.js';
import { NetworkWatch } from './watch.js';

/** SMTP connections the driver writes its mails over (a few mail clients at once). */
const MAIL_CONNECTIONS = 4;

/** What the driver drives: a gateway and the simulated world around it. */

export type DriveTarget = Pick<DemoCore, 'config' | 'gateway' | 'net' | 'smtpInPort'>;

export interface DriveOptions {
  /** Handset → box MMS, and as many SMS (half plain, half concatenated), and as many mails out. */
  readonly messages: number;
  readonly seed?: number;
  /** Give up waiting after this long. */
  readonly timeoutMs?: number;
  /** Also send `messages` mails into the box (email → SMS/MMS). Default true. */
  readonly emailOut?: boolean;
}

export interface DriveSummary {
  mmsIn: { sent: number; relayed: number };
  smsIn: { sent: number; relayed: number };
  /** Mails into the box; turned into SMS/MMS seen by the network; of those, delivery reports in. */
  emailOut: { sent: number; submitted: number; delivered: number };
  /** MM7: the demo VASP's submissions, their MMS at the MMSC, their delivery reports; handset messages delivered to it. */
  mm7: Mm7Progress;
  duplicates: number;
  lost: number;
  /** Messages that went out and whose delivery report never came (a failure, like a loss). */
  missingReports: number;
  latencyMs: { p50: number; p95: number; max: number };
  elapsedMs: number;
  /** Peak RSS of this process (the gateway's; with the simulators too when they run in it). */
  peakRssMb: number;
}

const SMS_TEXTS = ['Meeting moved to 3pm', 'Grüße aus Köln! €5 für 2 Kaffee', 'Ünïcödé and emoji 😀 test', 'Price: [10] {EUR} ~ok^'];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** MMS 1.0–1.3, binary or textual part headers, base64 / quoted-printable, Content-Length or chunked. */
const DEMO_SCENARIOS: readonly MessageScenario[] = [
  { mmsVersion: '1.2' },
  { mmsVersion: '1.0', textualPartHeaders: true, framing: 'chunked' },
  { mmsVersion: '1.1', transferEncoding: 'quoted-printable' },
  { mmsVersion: '1.3', textualPartHeaders: true, transferEncoding: 'base64', framing: 'chunked' },
];

/** Mail → SMS/MMS messages of the box in a final "delivered" (or "read") state, above `afterId`. */
function deliveredFromMail(env: DriveTarget, afterId: number): number {
  const row = env.gateway.store.db
    .prepare("SELECT COUNT(*) AS n FROM messages WHERE state IN ('delivered', 'read') AND direction = 'out' AND id > ? AND from_addr LIKE '%@%'")
    .get(afterId) as { n: number };
  return row.n;
}

/**
 * Drives traffic through a running demo and waits until every message came out the other
 * side, and every message sent out has its delivery report (or the timeout): N MMS from
 * handsets through the MMSC simulator, N SMS through the modem simulator, N mails into the
 * box's SMTP listener, N MM7 submissions. Each carries a marker, so a message that never
 * arrives counts as lost and one that arrives twice as a duplicate. What comes out is watched
 * as it arrives (./watch.ts), each item looked at once.
 */
export async function drive(env: DriveTarget, o: DriveOptions): Promise<DriveSummary> {
  const rnd = mulberry32(o.seed ?? 7);
  const n = o.messages;
  const own = env.config.box.ownNumber ?? '+15550100001';
  const started = Date.now();
  const sentAt = new Map<string, number>();
  const firstId = (env.gateway.store.db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM messages').get() as { id: number }).id;
  let sampledPeak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
  }, 500);
  sampler.unref();

  const watch = new NetworkWatch(env.net);
  await watch.skipExisting();
  const seen = new Map<string, number[]>();
  const markerRe = /\[demo-(?:mms|sms)-\d+\]/;
  let relayed = 0;
  watch.on('mail', (m) => {
    const marker = markerRe.exec(`${m.subject} ${m.text}`)?.[0];
    if (marker === undefined) return;
    const arrivals = seen.get(marker);
    if (arrivals) arrivals.push(m.receivedAt);
    else {
      seen.set(marker, [m.receivedAt]);
      if (sentAt.has(marker)) relayed++;
    }
  });
  const outMarkers = new Set<string>();
  const outRe = /\[demo-out-\d+\]/;
  watch.on('sms', (text) => {
    const m = outRe.exec(text)?.[0];
    if (m) outMarkers.add(m);
  });
  watch.on('mms', (s) => {
    const m = outRe.exec(s.subject ?? '')?.[0];
    if (m) outMarkers.add(m);
  });

  try {
    for (let i = 0; i < n; i++) {
      const marker = `[demo-mms-${i}]`;
      const parts = randomHandsetParts({ parts: 1 + Math.floor(rnd() * 6), totalBytes: 1_000 + Math.floor(rnd() * 60_000), seed: (o.seed ?? 7) * 1000 + i });
      sentAt.set(marker, Date.now());
      // Each MMS in one of the encodings met in the field (docs/SIMULATOR.md, scenario switches).
      const scenario = DEMO_SCENARIOS[i % DEMO_SCENARIOS.length];
      await env.net.submitMms({ from: `+1555020${String(i % 10000).padStart(4, '0')}`, to: own, subject: `${marker} photo`, parts, ...(scenario ? { scenario } : {}) });
    }
    for (let i = 0; i < n; i++) {
      const marker = `[demo-sms-${i}]`;
      const base = SMS_TEXTS[i % SMS_TEXTS.length] ?? '';
      const text = i % 2 === 0 ? `${marker} ${base}` : `${marker} ${base} — ${'long message body '.repeat(12)}`;
      const pdus = encodeDeliver({ from: `+1555030${String(i % 10000).padStart(4, '0')}`, text, reference: i & 0xff });
      sentAt.set(marker, Date.now());
      for (const p of pdus) await env.net.modem.deliverSms(p.hex);
    }
    const emailOut = o.emailOut ?? true;
    // Mail clients write to the box at the same time: a few connections, several mails in flight,
    // so the run measures the box's intake rate rather than one SMTP round trip after another.
    const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: env.smtpInPort, secure: false, ignoreTLS: true, pool: true, maxConnections: MAIL_CONNECTIONS });
    const inFlight = new Set<Promise<unknown>>();
    let mailsSent = 0;
    const refused: string[] = [];
    if (emailOut) {
      for (let i = 0; i < n; i++) {
        const marker = `[demo-out-${i}]`;
        const to = `box+1555040${String(i % 10000).padStart(4, '0')}@mmsgw.localhost`;
        const withImage = i % 2 === 1;
        const sending = mailer.sendMail({
          from: 'demo@mmsgw.localhost',
          to,
          subject: `${marker} reply`,
          text: withImage ? `${marker} here is the picture` : `${marker} on my way`,
          ...(withImage ? { attachments: [{ filename: 'sunset.jpg', content: SAMPLE_JPEG, contentType: 'image/jpeg' }] } : {}),
        });
        mailsSent++;
        // A mail the box refuses is not an error of the driver: it counts as not submitted.
        const settled: Promise<unknown> = sending.catch((e: unknown) => refused.push(`${marker}: ${(e as Error).message}`)).finally(() => inFlight.delete(settled));
        inFlight.add(settled);
        if (inFlight.size >= 2 * MAIL_CONNECTIONS) await Promise.race(inFlight);
      }
    }
    await Promise.all(inFlight);
    mailer.close();
    // MM7 traffic runs where the network has a demo VASP (the demo's has).
    const vasp = env.net.vasp;
    const mm7Sent = vasp ? await submitMm7(vasp, n) : { messageIds: new Set<string>(), refused: [] };
    if (mm7Sent.refused.length > 0) process.stderr.write(`demo: the box refused ${mm7Sent.refused.length} MM7 submission(s), e.g. ${mm7Sent.refused[0]}\n`);
    const tally = new Mm7Tally(mm7Sent.messageIds);
    watch.on('mms', (s) => tally.mms(s));
    watch.on('vasp', (r) => tally.received(r));

    const deadline = started + (o.timeoutMs ?? 120_000);
    const wantOut = emailOut ? n - refused.length : 0;
    let delivered = 0;
    for (;;) {
      await watch.poll();
      delivered = emailOut ? deliveredFromMail(env, firstId) : 0;
      const relayedAll = relayed >= sentAt.size;
      const mm7 = tally.progress();
      const mm7All = !vasp || (mm7.reports >= n && mm7.incoming >= 2 * n);
      const outAll = outMarkers.size >= wantOut && delivered >= outMarkers.size;
      if ((relayedAll && outAll && mm7All) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const mm7 = tally.progress();
    const latencies: number[] = [];
    let duplicates = 0;
    let lost = 0;
    const count = (prefix: string): number => [...sentAt.keys()].filter((k) => k.startsWith(prefix) && seen.has(k)).length;
    for (const [marker, at] of sentAt) {
      const arrivals = seen.get(marker);
      if (!arrivals) {
        lost++;
        continue;
      }
      duplicates += arrivals.length - 1;
      latencies.push((arrivals[0] ?? at) - at);
    }
    const submitted = Math.min(n, outMarkers.size);
    if (emailOut) lost += Math.max(0, n - submitted);
    // Every MM7 submission must reach the MMSC and report back; every handset message the VASP.
    if (vasp) lost += Math.max(0, n - mm7.delivered) + Math.max(0, n - mm7.reports) + Math.max(0, 2 * n - mm7.incoming);
    if (refused.length > 0) process.stderr.write(`demo: the box refused ${refused.length} mail(s), e.g. ${refused[0]}\n`);
    duplicates += mm7.duplicates;
    latencies.sort((a, b) => a - b);
    return {
      mmsIn: { sent: n, relayed: count('[demo-mms-') },
      smsIn: { sent: n, relayed: count('[demo-sms-') },
      emailOut: { sent: mailsSent, submitted, delivered },
      mm7,
      duplicates,
      lost,
      missingReports: Math.max(0, submitted - delivered),
      latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies[latencies.length - 1] ?? 0 },
      elapsedMs: Date.now() - started,
      peakRssMb: peakRssMb() ?? Math.round(sampledPeak / 1024 / 102.4) / 10,
    };
  } finally {
    clearInterval(sampler);
    watch.close();
  }
}
