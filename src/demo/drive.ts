import nodemailer from 'nodemailer';
import { encodeDeliver } from '../codec/sms/index.js';
import { mulberry32, randomHandsetParts, type MessageScenario } from '../sim/mmsc/index.js';
import type Database from 'better-sqlite3';
import type { DemoNetwork } from './network.js';
import { SAMPLE_JPEG } from './media.js';
import { Mm7Tally, submitMm7, type Mm7Progress } from './mm7.js';
import { inFlight } from './pool.js';
import { peakRssMb } from './rss.js';
import { NetworkWatch } from './watch.js';

/** SMTP connections the driver writes its mails over (a few mail clients at once). */
const MAIL_CONNECTIONS = 4;
/**
 * How many of each stream the driver has in flight at once: handset MMS submitted to the MMSC,
 * SMS handed to the modem simulator, mails (two per SMTP connection). MM7: ./mm7.ts.
 */
export const IN_FLIGHT = { mms: 4, sms: 4, mail: 2 * MAIL_CONNECTIONS } as const;

/**
 * What the driver drives: a gateway and the simulated world around it. A DemoCore is one (the
 * driver in the gateway's process, as tests run it); ./drive-main.ts makes one in a process of its
 * own, with the gateway's database opened read-only.
 */
export interface DriveTarget {
  readonly config: { readonly box: { readonly ownNumber?: string | null | undefined } };
  readonly gateway: { readonly store: { readonly db: Database.Database } };
  readonly net: DemoNetwork;
  readonly smtpInPort: number;
}

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
  /** When each phase ended, in ms from the driver's start (docs/SIMULATOR.md, "The phase timeline"). */
  timeline: DriveTimeline;
  /** Peak RSS of this process: the driver's (./drive-main.ts), or the gateway's with the driver in it. */
  peakRssMb: number;
}

/**
 * The phase timeline of a run, in ms from the driver's start; null for what did not happen
 * (a stream not driven, nothing of the kind arrived). The four streams are injected at once;
 * `injected` says when each one's injection ended (for mails and MM7 that is the gateway's
 * intake answering), `last` when the last message of each kind came out of the gateway. A
 * run whose outputs end soon after `injectionEndedMs` was bounded by the injection (the
 * driver, or the gateway's intake); one that goes on long after it, by the gateway's work.
 */
export interface DriveTimeline {
  injected: { mms: number; sms: number; mail: number | null; mm7: number | null };
  injectionEndedMs: number;
  last: {
    /** Handset MMS / SMS as mail at the sink (each marker's first arrival). */
    relayed: number | null;
    /** Mails turned into SMS / MMS, seen by the network (the modem's AT+CMGS, the MMSC's m-send-req). */
    submitted: number | null;
    /** Those in state delivered (the gateway's own time of the change: its delivery report came in). */
    delivered: number | null;
    /** MM7 submissions' MMS at the MMSC. */
    mm7AtMmsc: number | null;
    /** MM7 DeliveryReportReq at the demo VASP. */
    mm7Reported: number | null;
    /** Handset messages at the demo VASP as DeliverReq. */
    mm7Incoming: number | null;
  };
  /** The first MM7 DeliveryReportReq at the VASP: do the reports trickle in, or all come at the end? */
  firstMm7Reported: number | null;
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

/** Mail → SMS/MMS messages of the box in a final "delivered" (or "read") state above `afterId`, and the last of their changes. */
function deliveredFromMail(env: DriveTarget, afterId: number): { n: number; lastAt: number | null } {
  return env.gateway.store.db
    .prepare("SELECT COUNT(*) AS n, MAX(updated_at) AS lastAt FROM messages WHERE state IN ('delivered', 'read') AND direction = 'out' AND id > ? AND from_addr LIKE '%@%'")
    .get(afterId) as { n: number; lastAt: number | null };
}

/**
 * Drives traffic through a running demo and waits until every message came out the other
 * side, and every message sent out has its delivery report (or the timeout): N MMS from
 * handsets through the MMSC simulator, N SMS through the modem simulator, N mails into the
 * box's SMTP listener, N MM7 submissions — the four streams at once, each with a few in flight
 * (IN_FLIGHT, MM7_IN_FLIGHT), as a burst reaches a box from all sides; what comes out is
 * watched meanwhile. Each message carries a marker, so one that never arrives counts as lost
 * and one that arrives twice as a duplicate. What comes out is watched as it arrives
 * (./watch.ts), each item looked at once.
 */
export async function drive(env: DriveTarget, o: DriveOptions): Promise<DriveSummary> {
  const seed = o.seed ?? 7;
  // One sequence, drawn in message order (each draw happens before the message's first await).
  const rnd = mulberry32(seed);
  const n = o.messages;
  const own = env.config.box.ownNumber ?? '+15550100001';
  const emailOut = o.emailOut ?? true;
  const vasp = env.net.vasp;
  const firstId = (env.gateway.store.db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM messages').get() as { id: number }).id;
  let sampledPeak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
  }, 500);
  sampler.unref();

  const watch = new NetworkWatch(env.net);
  await watch.skipExisting();
  const started = Date.now();
  const since = (at: number | null | undefined): number | null => (at === null || at === undefined ? null : Math.max(0, at - started));
  const sentAt = new Map<string, number>();
  const seen = new Map<string, number[]>();
  const markerRe = /\[demo-(?:mms|sms)-\d+\]/;
  let relayed = 0;
  let lastRelayed: number | undefined;
  watch.on('mail', (m) => {
    const marker = markerRe.exec(`${m.subject} ${m.text}`)?.[0];
    if (marker === undefined) return;
    const arrivals = seen.get(marker);
    if (arrivals) arrivals.push(m.receivedAt);
    else {
      seen.set(marker, [m.receivedAt]);
      // Only a marker this run sent counts towards "all relayed" (a stray one must not end the wait early).
      if (sentAt.has(marker)) relayed++;
      lastRelayed = Math.max(lastRelayed ?? m.receivedAt, m.receivedAt);
    }
  });
  const outMarkers = new Set<string>();
  let lastSubmitted: number | undefined;
  const outRe = /\[demo-out-\d+\]/;
  const submittedOut = (marker: string | undefined, at: number): void => {
    if (marker === undefined || outMarkers.has(marker)) return;
    outMarkers.add(marker);
    lastSubmitted = Math.max(lastSubmitted ?? at, at);
  };
  watch.on('sms', (text) => submittedOut(outRe.exec(text)?.[0], Date.now()));
  watch.on('mms', (s) => submittedOut(outRe.exec(s.subject ?? '')?.[0], s.at ?? Date.now()));
  const mm7Ids = new Set<string>();
  const tally = new Mm7Tally(mm7Ids);
  watch.on('mms', (s) => tally.mms(s));
  watch.on('vasp', (r) => tally.received(r));

  // The four streams at once, each with a bounded number in flight.
  const injected: { mms?: number; sms?: number; mail?: number; mm7?: number } = {};
  const ended = <T>(stream: keyof typeof injected, p: Promise<T>): Promise<T> =>
    p.then((v) => {
      injected[stream] = Date.now() - started;
      return v;
    });
  const mmsStream = ended('mms', inFlight(n, IN_FLIGHT.mms, async (i) => {
    const marker = `[demo-mms-${i}]`;
    const parts = randomHandsetParts({ parts: 1 + Math.floor(rnd() * 6), totalBytes: 1_000 + Math.floor(rnd() * 60_000), seed: seed * 1000 + i });
    sentAt.set(marker, Date.now());
    // Each MMS in one of the encodings met in the field (docs/SIMULATOR.md, scenario switches).
    const scenario = DEMO_SCENARIOS[i % DEMO_SCENARIOS.length];
    await env.net.submitMms({ from: `+1555020${String(i % 10000).padStart(4, '0')}`, to: own, subject: `${marker} photo`, parts, ...(scenario ? { scenario } : {}) });
  }));
  const smsStream = ended('sms', inFlight(n, IN_FLIGHT.sms, async (i) => {
    const marker = `[demo-sms-${i}]`;
    const base = SMS_TEXTS[i % SMS_TEXTS.length] ?? '';
    const text = i % 2 === 0 ? `${marker} ${base}` : `${marker} ${base} — ${'long message body '.repeat(12)}`;
    const pdus = encodeDeliver({ from: `+1555030${String(i % 10000).padStart(4, '0')}`, text, reference: i & 0xff });
    sentAt.set(marker, Date.now());
    // The segments of one message in order; other messages' segments may come between them.
    for (const p of pdus) await env.net.modem.deliverSms(p.hex);
  }));
  const refused: string[] = [];
  let mailsSent = 0;
  const mailStream = emailOut ? ended('mail', sendMails(env, n, refused, () => mailsSent++)) : Promise.resolve();
  // MM7 traffic runs where the network has a demo VASP (the demo's has).
  let mm7Sent: { refused: string[] } | undefined;
  const mm7Stream = vasp ? ended('mm7', submitMm7(vasp, n, mm7Ids)).then((r) => (mm7Sent = r)) : Promise.resolve(undefined);
  let injecting = true;
  const injection = Promise.all([mmsStream, smsStream, mailStream, mm7Stream]).finally(() => (injecting = false));
  // A failed injection ends the run with its error, once every stream has stopped.
  let injectionError: unknown;
  injection.catch((e: unknown) => (injectionError ??= e));

  try {
    const deadline = started + (o.timeoutMs ?? 120_000);
    let delivered = { n: 0, lastAt: null as number | null };
    for (;;) {
      await watch.poll();
      if (!injecting) {
        // Asked of the gateway's store only once the injection is over (then each poll counts).
        if (emailOut) delivered = deliveredFromMail(env, firstId);
        if (injectionError !== undefined) throw injectionError;
        const wantOut = emailOut ? n - refused.length : 0;
        const relayedAll = relayed >= sentAt.size;
        const mm7 = tally.progress();
        const mm7All = !vasp || (mm7.reports >= mm7.submitted && mm7.incoming >= 2 * n);
        const outAll = outMarkers.size >= wantOut && delivered.n >= outMarkers.size;
        if (relayedAll && outAll && mm7All) break;
      }
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const elapsedMs = Date.now() - started;
    if (emailOut) delivered = deliveredFromMail(env, firstId);
    // Past the deadline the injection may still be running: what it did not send is lost.
    if (mm7Sent && mm7Sent.refused.length > 0) process.stderr.write(`demo: the box refused ${mm7Sent.refused.length} MM7 submission(s), e.g. ${mm7Sent.refused[0]}\n`);
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
    // Messages the driver did not get to inject before the deadline count as lost too.
    lost += 2 * n - sentAt.size;
    const submitted = Math.min(n, outMarkers.size);
    if (emailOut) lost += Math.max(0, n - submitted);
    // Every MM7 submission must reach the MMSC and report back; every handset message the VASP.
    if (vasp) lost += Math.max(0, n - mm7.delivered) + Math.max(0, n - mm7.reports) + Math.max(0, 2 * n - mm7.incoming);
    if (refused.length > 0) process.stderr.write(`demo: the box refused ${refused.length} mail(s), e.g. ${refused[0]}\n`);
    duplicates += mm7.duplicates;
    latencies.sort((a, b) => a - b);
    const t = tally.times();
    const timeline: DriveTimeline = {
      injected: { mms: injected.mms ?? elapsedMs, sms: injected.sms ?? elapsedMs, mail: emailOut ? (injected.mail ?? elapsedMs) : null, mm7: vasp ? (injected.mm7 ?? elapsedMs) : null },
      injectionEndedMs: Math.max(injected.mms ?? elapsedMs, injected.sms ?? elapsedMs, emailOut ? (injected.mail ?? elapsedMs) : 0, vasp ? (injected.mm7 ?? elapsedMs) : 0),
      last: {
        relayed: since(lastRelayed),
        submitted: since(lastSubmitted),
        delivered: since(delivered.lastAt),
        mm7AtMmsc: since(t.lastAtMmsc),
        mm7Reported: since(t.lastReport),
        mm7Incoming: since(t.lastIncoming),
      },
      firstMm7Reported: since(t.firstReport),
    };
    return {
      mmsIn: { sent: n, relayed: count('[demo-mms-') },
      smsIn: { sent: n, relayed: count('[demo-sms-') },
      emailOut: { sent: mailsSent, submitted, delivered: delivered.n },
      mm7,
      duplicates,
      lost,
      missingReports: Math.max(0, submitted - delivered.n),
      latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies[latencies.length - 1] ?? 0 },
      elapsedMs,
      timeline,
      peakRssMb: peakRssMb() ?? Math.round(sampledPeak / 1024 / 102.4) / 10,
    };
  } finally {
    clearInterval(sampler);
    watch.close();
  }
}

/**
 * Mail clients write to the box at the same time: a few SMTP connections, several mails in
 * flight, so the run measures the box's intake rather than one round trip after another. A
 * mail the box refuses is not an error of the driver: it counts as not submitted.
 */
async function sendMails(env: DriveTarget, n: number, refused: string[], sent: () => void): Promise<void> {
  const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: env.smtpInPort, secure: false, ignoreTLS: true, pool: true, maxConnections: MAIL_CONNECTIONS });
  try {
    await inFlight(n, IN_FLIGHT.mail, async (i) => {
      const marker = `[demo-out-${i}]`;
      const to = `box+1555040${String(i % 10000).padStart(4, '0')}@mmsgw.localhost`;
      const withImage = i % 2 === 1;
      sent();
      await mailer
        .sendMail({
          from: 'demo@mmsgw.localhost',
          to,
          subject: `${marker} reply`,
          text: withImage ? `${marker} here is the picture` : `${marker} on my way`,
          ...(withImage ? { attachments: [{ filename: 'sunset.jpg', content: SAMPLE_JPEG, contentType: 'image/jpeg' }] } : {}),
        })
        .catch((e: unknown) => refused.push(`${marker}: ${(e as Error).message}`));
    });
  } finally {
    mailer.close();
  }
}
