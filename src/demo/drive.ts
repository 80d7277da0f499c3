import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { decodeSmsPdu, encodeDeliver } from '../codec/sms/index.js';
import { mulberry32, randomHandsetParts, type MessageScenario } from '../sim/mmsc/index.js';
import type { SinkMail } from '../sim/mail/sink.js';
import type { DemoEnvironment } from './environment.js';
import { mm7Progress, submitMm7, type Mm7Progress } from './mm7.js';

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
  emailOut: { sent: number; submitted: number; delivered: number };
  /** MM7: the demo VASP's submissions, their MMS at the MMSC, their delivery reports; handset messages delivered to it. */
  mm7: Mm7Progress;
  duplicates: number;
  lost: number;
  latencyMs: { p50: number; p95: number; max: number };
  elapsedMs: number;
  peakRssMb: number;
}

/** SMTP connections the driver opens to the box at once. */
const MAIL_CONNECTIONS = 4;

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

/**
 * Drives traffic through a running demo and waits until every message came out the other
 * side (or the timeout): N MMS from handsets through the MMSC simulator, N SMS through the
 * modem simulator, N mails into the box's SMTP listener. Each carries a marker, so a message
 * that never arrives counts as lost and one that arrives twice as a duplicate.
 */
export async function drive(env: DemoEnvironment, o: DriveOptions): Promise<DriveSummary> {
  const rnd = mulberry32(o.seed ?? 7);
  const n = o.messages;
  const own = env.config.box.ownNumber ?? '+15550100001';
  const started = Date.now();
  const sentAt = new Map<string, number>();
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  sampler.unref();

  for (let i = 0; i < n; i++) {
    const marker = `[demo-mms-${i}]`;
    const parts = randomHandsetParts({ parts: 1 + Math.floor(rnd() * 6), totalBytes: 1_000 + Math.floor(rnd() * 60_000), seed: (o.seed ?? 7) * 1000 + i });
    sentAt.set(marker, Date.now());
    // Each MMS in one of the encodings met in the field (docs/SIMULATOR.md, scenario switches).
    const scenario = DEMO_SCENARIOS[i % DEMO_SCENARIOS.length];
    await env.mmscSim.submitFromHandset({ from: `+1555020${String(i % 10000).padStart(4, '0')}`, to: own, subject: `${marker} photo`, parts, ...(scenario ? { scenario } : {}) });
  }
  for (let i = 0; i < n; i++) {
    const marker = `[demo-sms-${i}]`;
    const base = SMS_TEXTS[i % SMS_TEXTS.length] ?? '';
    const text = i % 2 === 0 ? `${marker} ${base}` : `${marker} ${base} — ${'long message body '.repeat(12)}`;
    const pdus = encodeDeliver({ from: `+1555030${String(i % 10000).padStart(4, '0')}`, text, reference: i & 0xff });
    sentAt.set(marker, Date.now());
    for (const p of pdus) await env.modemSim.deliverSms(p.hex);
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
        ...(withImage ? { attachments: [{ filename: 'pic.gif', content: Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'), contentType: 'image/gif' }] } : {}),
      });
      mailsSent++;
      // A mail the box refuses is not an error of the driver: it counts as not submitted.
      const settled = sending.catch((e: unknown) => refused.push(`${marker}: ${(e as Error).message}`)).finally(() => inFlight.delete(settled));
      inFlight.add(settled);
      if (inFlight.size >= 2 * MAIL_CONNECTIONS) await Promise.race(inFlight);
    }
  }
  await Promise.all(inFlight);
  mailer.close();
  // MM7 traffic runs where the environment has a demo VASP (the embedded demo does).
  const vasp = env.vasp;
  const mm7Sent = vasp ? await submitMm7(vasp, n, o.seed ?? 7) : { messageIds: new Set<string>(), refused: [] };
  if (mm7Sent.refused.length > 0) process.stderr.write(`demo: the box refused ${mm7Sent.refused.length} MM7 submission(s), e.g. ${mm7Sent.refused[0]}\n`);
  const mm7Now = (): Mm7Progress => (vasp ? mm7Progress(vasp, env.mmscSim, mm7Sent.messageIds) : { submitted: 0, delivered: 0, reports: 0, incoming: 0, duplicates: 0 });
  let mm7 = mm7Now();

  const deadline = started + (o.timeoutMs ?? 120_000);
  const seen = new Map<string, SinkMail[]>();
  let parsed = 0;
  const markerRe = /\[demo-(?:mms|sms)-\d+\]/;
  let submitted = 0;
  const progress = outboundTracker(env, n, emailOut);
  for (;;) {
    for (; parsed < env.sink.mails.length; parsed++) {
      const mail = env.sink.mails[parsed]!;
      const p = await simpleParser(mail.raw);
      const m = markerRe.exec(`${p.subject ?? ''} ${p.text ?? ''}`)?.[0];
      if (!m) continue;
      seen.set(m, [...(seen.get(m) ?? []), mail]);
    }
    submitted = await progress();
    const relayedAll = [...sentAt.keys()].every((k) => seen.has(k));
    mm7 = mm7Now();
    const mm7All = !vasp || (mm7.reports >= n && mm7.incoming >= 2 * n);
    if ((relayedAll && submitted >= (emailOut ? n : 0) && mm7All) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  clearInterval(sampler);
  const delivered = emailOut ? deliveredByMail(env) : 0;
  const latencies: number[] = [];
  let duplicates = 0;
  let lost = 0;
  const count = (prefix: string): number => [...sentAt.keys()].filter((k) => k.startsWith(prefix) && seen.has(k)).length;
  for (const [marker, at] of sentAt) {
    const mails = seen.get(marker);
    if (!mails) {
      lost++;
      continue;
    }
    duplicates += mails.length - 1;
    latencies.push((mails[0]?.receivedAt.getTime() ?? at) - at);
  }
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
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies[latencies.length - 1] ?? 0 },
    elapsedMs: Date.now() - started,
    peakRssMb: Math.round(peakRss / 1024 / 102.4) / 10,
  };
}

/**
 * Mails turned into MMS (seen by the MMSC) or SMS (sent by the modem), counted incrementally:
 * each poll decodes only what was sent since the last one, so the driver's own cost stays
 * linear in N and does not weigh on the gateway it measures.
 */
function outboundTracker(env: DemoEnvironment, n: number, enabled: boolean): () => Promise<number> {
  const markers = new Set<string>();
  let mmsSeen = 0;
  let smsSeen = 0;
  return async () => {
    if (!enabled) return 0;
    const mms = env.mmscSim.sent();
    for (; mmsSeen < mms.length; mmsSeen++) {
      const m = /\[demo-out-\d+\]/.exec(mms[mmsSeen]?.pdu.subject ?? '')?.[0];
      if (m) markers.add(m);
    }
    const sms = await env.modemSim.sent();
    for (; smsSeen < sms.length; smsSeen++) {
      const d = decodeSmsPdu(sms[smsSeen]?.pdu ?? '');
      const text = d.ok && d.value.type === 'submit' ? (d.value.text ?? '') : '';
      const m = /\[demo-out-\d+\]/.exec(text)?.[0];
      if (m) markers.add(m);
    }
    return Math.min(n, markers.size);
  };
}

/** Mail's own messages delivered (other doors, such as MM7, are counted on their own); read once, at the end. */
function deliveredByMail(env: DemoEnvironment): number {
  return env.gateway.store.messages.list({ direction: 'out', state: 'delivered', limit: 100_000 }).filter((m) => m.from?.includes('@')).length;
}
