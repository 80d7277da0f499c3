/**
 * `mmsgw demo --modems N`: the gateway with N simulated modems, each of its own vendor profile
 * with its own MMSC simulator (src/demo/multi-modem.ts), one mail sink. With `--messages M` it
 * drives M SMS in, M MMS in (spread over the modems in turn) and M mails out (sent by the
 * gateway through its modems, round-robin), waits, and prints a summary with one entry per
 * modem: `{ port, number, profile, in, out }`. Exit status 1 when anything was lost or doubled.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { Gateway } from '../app/gateway.js';
import { decodeSmsPdu, encodeDeliver } from '../codec/sms/index.js';
import { demoConfigInput, parseConfig } from '../config/index.js';
import { MailSink } from '../sim/mail/sink.js';
import { freePort, portOr } from './environment.js';
import { startSimModems, stopSimModems, withSimModems, type SimModem } from './multi-modem.js';

export interface MultiDemoOptions {
  readonly stateDir: string;
  readonly modems: number;
  readonly baudRate?: number;
  /** The SMSC's round trip for each AT+CMGS in ms (default 150). */
  readonly smscMs?: number;
  /** `storage.durability` of the gateway (default the configuration's: commit). */
  readonly durability?: 'commit' | 'acknowledge';
  /** Drive this many messages of each kind and return; undefined: run until `until` resolves. */
  readonly messages?: number;
  readonly timeoutMs?: number;
  /** Interactive run: resolves when the demo should stop (Ctrl-C). */
  readonly until?: Promise<void>;
  readonly print: (s: string) => void;
}

export interface ModemTally {
  readonly port: string;
  readonly number: string;
  readonly profile: string;
  /** Messages it received (stored with this modem). */
  readonly in: number;
  /** Messages it sent. */
  readonly out: number;
}

export interface MultiDemoSummary {
  readonly messages: number;
  readonly modems: readonly ModemTally[];
  readonly received: { readonly sms: number; readonly mms: number };
  readonly sent: { readonly sms: number };
  readonly lost: number;
  readonly duplicates: number;
  readonly elapsedMs: number;
  readonly web?: string;
}

const SENDER = 'demo@mmsgw.localhost';

/** Runs the demo; resolves with the summary (scripted) or undefined (interactive, after `until`). */
export async function runMultiDemo(o: MultiDemoOptions): Promise<MultiDemoSummary | undefined> {
  mkdirSync(o.stateDir, { recursive: true });
  const sims = await startSimModems({ count: o.modems, dir: o.stateDir, baudRate: o.baudRate ?? 115200, reportDelayMs: 200, ...(o.smscMs !== undefined ? { smscMs: o.smscMs } : {}) });
  const sink = await new MailSink({ dir: join(o.stateDir, 'mailbox') }).start().catch(async (e: unknown) => {
    await stopSimModems(sims);
    throw e;
  });
  let gateway: Gateway | undefined;
  try {
    const smtpInPort = await freePort();
    const webPort = o.messages === undefined ? await portOr(8080) : await freePort();
    const base = demoConfigInput();
    const config = parseConfig(
      withSimModems(
        {
          ...base,
          stateDir: o.stateDir,
          ...(o.durability !== undefined ? { storage: { ...base.storage, durability: o.durability } } : {}),
          mail: {
            ...base.mail,
            out: { ...base.mail?.out, smtp: { host: '127.0.0.1', port: sink.port, secure: false, starttls: false } },
            in: { ...base.mail?.in, smtpListener: { enabled: true, host: '127.0.0.1', port: smtpInPort } },
          },
          web: { ...base.web, host: '127.0.0.1', port: webPort },
        },
        sims,
      ),
    );
    gateway = await Gateway.start({ config });
    if (o.messages === undefined) {
      o.print(banner(sims, gateway, sink, smtpInPort, o.stateDir));
      await o.until;
      return undefined;
    }
    return await driveAll(gateway, sims, sink, smtpInPort, o.messages, o.timeoutMs ?? 180_000);
  } finally {
    await gateway?.stop();
    await sink.stop();
    await stopSimModems(sims);
  }
}

function banner(sims: readonly SimModem[], gw: Gateway, sink: MailSink, smtpInPort: number, stateDir: string): string {
  return [
    `mmsgw demo with ${sims.length} modems is running — open ${gw.webUrl ?? '(web interface disabled)'} in a browser`,
    '',
    ...sims.map((s) => `  ${s.id}  ${s.number}  ${s.profile.padEnd(8)} ${s.modemSim.path} (control ${s.modemSim.controlPath}); MMSC ${s.mmscSim.url}`),
    `  mail sink  smtp://127.0.0.1:${sink.port}, mails in ${join(stateDir, 'mailbox')}`,
    `  mail in    smtp://127.0.0.1:${smtpInPort} (write to box+<number>@mmsgw.localhost from @mmsgw.localhost)`,
    '',
    'Press Ctrl-C to stop.',
  ].join('\n');
}

async function driveAll(gw: Gateway, sims: readonly SimModem[], sink: MailSink, smtpInPort: number, n: number, timeoutMs: number): Promise<MultiDemoSummary> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  const run = `${process.pid.toString(36)}${started.toString(36)}`;
  const smsIn = Array.from({ length: n }, (_, k) => `[sms-in-${run}-${k}]`);
  const mmsIn = Array.from({ length: n }, (_, k) => `[mms-in-${run}-${k}]`);
  const dests = Array.from({ length: n }, (_, k) => `+1555064${String(k).padStart(4, '0')}`);
  for (let k = 0; k < n; k++) {
    const sim = sims[k % sims.length]!;
    for (const p of encodeDeliver({ from: `+1555065${String(k).padStart(4, '0')}`, text: `${smsIn[k]} hello`, reference: k & 0xff })) await sim.modemSim.deliverSms(p.hex);
    await sims[(k + 1) % sims.length]!.mmscSim.submitFromHandset({ from: `+1555066${String(k).padStart(4, '0')}`, to: sims[(k + 1) % sims.length]!.number, subject: mmsIn[k], parts: [{ contentType: 'text/plain', text: `demo picture ${k}`, name: 'text.txt' }] });
  }
  const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: smtpInPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 2 });
  try {
    for (let k = 0; k < n; k++) await mailer.sendMail({ from: SENDER, to: `box+${dests[k]!.slice(1)}@mmsgw.localhost`, text: `[out-${run}-${k}] from the demo` });
  } finally {
    mailer.close();
  }
  const mailCounts = (): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const m of sink.mails) {
      const raw = m.raw.toString('utf8');
      // A marker shows in several places of one mail (subject, text, HTML): counted once per mail.
      for (const marker of new Set(raw.match(/\[(?:sms|mms)-in-[a-z0-9]+-\d+\]/g) ?? [])) if (marker.includes(run)) counts.set(marker, (counts.get(marker) ?? 0) + 1);
    }
    return counts;
  };
  const outCounts = async (): Promise<Map<string, number>> => {
    const counts = new Map<string, number>();
    for (const s of sims) {
      for (const x of await s.modemSim.sent()) {
        const d = decodeSmsPdu(x.pdu);
        if (d.ok && d.value.type === 'submit' && dests.includes(d.value.destination.number)) counts.set(d.value.destination.number, (counts.get(d.value.destination.number) ?? 0) + 1);
      }
    }
    return counts;
  };
  for (;;) {
    const mails = mailCounts();
    const outs = await outCounts();
    const done = [...smsIn, ...mmsIn].every((m) => mails.has(m)) && dests.every((d) => outs.has(d));
    if (done || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  // Settle briefly so a late duplicate would be counted.
  await new Promise((r) => setTimeout(r, 500));
  const mails = mailCounts();
  const outs = await outCounts();
  const seen = (list: readonly string[], counts: Map<string, number>): { found: number; extra: number } => ({
    found: list.filter((x) => counts.has(x)).length,
    extra: list.reduce((a, x) => a + Math.max(0, (counts.get(x) ?? 0) - 1), 0),
  });
  const a = seen(smsIn, mails);
  const b = seen(mmsIn, mails);
  const c = seen(dests, outs);
  const traffic = new Map(gw.store.modemLinks.traffic().map((t) => [t.modem, t]));
  return {
    messages: n,
    modems: sims.map((s) => ({ port: s.modemSim.path, number: s.number, profile: s.profile, in: traffic.get(s.id)?.in ?? 0, out: traffic.get(s.id)?.out ?? 0 })),
    received: { sms: a.found, mms: b.found },
    sent: { sms: c.found },
    lost: 3 * n - a.found - b.found - c.found,
    duplicates: a.extra + b.extra + c.extra,
    elapsedMs: Date.now() - started,
    ...(gw.webUrl ? { web: gw.webUrl } : {}),
  };
}
