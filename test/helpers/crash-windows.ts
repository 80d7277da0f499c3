/**
 * The targeted-kill harness (test/e2e/crash-windows.test.ts, bench/crash-windows.ts). The
 * gateway runs as its own process (`mmsgw run`) against the modem simulator (another process,
 * on a real pty), the MMSC simulator and an SMTP sink. A crash point (src/util/crash-point.ts)
 * armed through the environment makes the gateway SIGKILL itself at exactly one step of one
 * message; the harness restarts it, lets it recover, and counts what reached the far side:
 * the mailbox (inbound), the modem's sent SMS or the MMSC's m-send-req (outbound).
 *
 * Per kill: arm (delete the once-file) → send one message with a unique marker → the gateway
 * dies at the point → start it again (the once-file now exists, so it runs unarmed) → wait
 * until no job is left to run → count copies of the marker and the sends flagged uncertain.
 */
import { randomBytes } from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { stringify } from 'yaml';
import { decodeSmsPdu, encodeDeliver } from '../../src/codec/sms/index.js';
import { freePort } from '../../src/demo/environment.js';
import { MailSink } from '../../src/sim/mail/sink.js';
import { startMmscSim, type MmscSim } from '../../src/sim/mmsc/index.js';
import { startModemSim, type ModemSimClient } from '../../src/sim/modem/client.js';
import type { CrashPointName } from '../../src/util/crash-point.js';
import { parsed } from './e2e.js';

const OWN = '+15550100001';
const SENDER = 'alice@mmsgw.localhost';
const AUTH = { user: 'alice', pass: 'crash-test-pass' };
const root = new URL('../..', import.meta.url).pathname;
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

type Flow = 'sms-in' | 'mms-in' | 'sms-out' | 'mms-out' | 'mail-in';

export interface CrashWindow {
  /** Row name of the table. */
  readonly name: string;
  readonly point: CrashPointName;
  readonly flow: Flow;
  /** `outbound.uncertain` for this run. */
  readonly uncertain?: 'resend' | 'hold';
  /** MMS in: add a 20 KB image part, so the message's parts are blob files (docs/STORAGE.md). */
  readonly largeMms?: boolean;
}

/** Every window of issue 10's list, in the order a message meets them. */
export const WINDOWS: readonly CrashWindow[] = [
  { name: 'SMS in: read, not stored', point: 'sms-read', flow: 'sms-in' },
  { name: 'SMS in: stored, not deleted', point: 'sms-stored', flow: 'sms-in' },
  { name: 'SMS in: deleted from the modem', point: 'sms-deleted', flow: 'sms-in' },
  { name: 'SMS out: submitting recorded', point: 'cmgs-submitting', flow: 'sms-out' },
  { name: 'SMS out: CMGS prompt, before PDU', point: 'cmgs-before-pdu', flow: 'sms-out' },
  { name: 'SMS out: PDU written, before +CMGS', point: 'cmgs-after-pdu', flow: 'sms-out' },
  { name: 'SMS out: +CMGS answered, not recorded', point: 'cmgs-answered', flow: 'sms-out' },
  { name: 'SMS out: PDU written (hold)', point: 'cmgs-after-pdu', flow: 'sms-out', uncertain: 'hold' },
  { name: 'MMS in: fetched, not stored', point: 'mms-fetched', flow: 'mms-in' },
  { name: 'MMS in: stored, not acked', point: 'mms-stored', flow: 'mms-in' },
  { name: 'MMS in: acked, not recorded', point: 'mms-acked', flow: 'mms-in' },
  { name: 'MMS out: submitting, before POST (hold)', point: 'msend-before-post', flow: 'mms-out' },
  { name: 'MMS out: m-send-conf, not recorded (hold)', point: 'msend-confirmed', flow: 'mms-out' },
  { name: 'MMS out: m-send-conf, not recorded (resend)', point: 'msend-confirmed', flow: 'mms-out', uncertain: 'resend' },
  { name: 'SMTP out: before the transaction', point: 'smtp-before', flow: 'sms-in' },
  { name: 'SMTP out: after 250, not recorded', point: 'smtp-after-250', flow: 'sms-in' },
  { name: 'Mail in: before queueing', point: 'mailin-before-queue', flow: 'mail-in' },
  { name: 'Mail in: queued, before 250', point: 'mailin-after-queue', flow: 'mail-in' },
];

export interface WindowResult {
  readonly name: string;
  readonly point: string;
  readonly kills: number;
  /** Reached the far side exactly once. */
  readonly once: number;
  /** Never reached it and not held (a loss). */
  readonly lost: number;
  /** Reached it more than once. */
  readonly duplicated: number;
  /** Duplicates the gateway flagged: an uncertain send resent, or a relay repeated under the same Message-ID. */
  readonly duplicatedFlagged: number;
  /** Sends the store flagged uncertain (resent or held). */
  readonly flaggedUncertain: number;
  /** Held by `outbound.uncertain: hold`, not sent again, sender told. */
  readonly held: number;
  /** Messages whose sender got a notice about the uncertainty (held, or sent possibly twice). */
  readonly senderTold: number;
  /** Rows of `mmsgw jobs --uncertain --json` at the end (the operator's view). */
  readonly listedUncertain: number;
  /** Milliseconds per kill, start to settled. */
  readonly msPerKill: number;
}

interface Gw {
  child: ChildProcess;
  exited: Promise<NodeJS.Signals | number | null>;
}

function startGateway(configPath: string, env: Record<string, string>, log: string): Gw {
  const child = spawn(process.execPath, [join(root, 'bin/mmsgw.mjs'), 'run', '--config', configPath], {
    env: { ...process.env, MMSGW_DEV: '1', MMSGW_LOG_LEVEL: 'warn', MMSGW_TEST: '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => writeFileSync(log, d, { flag: 'a' }));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  return { child, exited };
}

async function stopGateway(gw: Gw | undefined): Promise<void> {
  if (!gw || gw.child.exitCode !== null || gw.child.signalCode !== null) return;
  gw.child.kill('SIGKILL');
  await gw.exited;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function within<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let t: NodeJS.Timeout | undefined;
  const r = await Promise.race([p, new Promise<'timeout'>((resolve) => { t = setTimeout(() => resolve('timeout'), ms); })]);
  clearTimeout(t);
  return r;
}

/**
 * The gateway's configuration for a test that kills it: the modem and MMSC simulators, the mail
 * sink, the SMTP listener with one user, short MMSC backoff, web off; `extra` adds sections.
 */
export function killTestConfig(
  o: { stateDir: string; modemSim: ModemSimClient; mmscSim: MmscSim; sinkPort: number; smtpInPort: number; auth: { user: string; pass: string } },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    stateDir: o.stateDir,
    box: { ownNumber: OWN },
    modem: { port: o.modemSim.path, profile: 'generic', smsStorage: 'ME' },
    sms: { statusReports: false },
    bearer: { kind: 'system' },
    mmsc: { url: o.mmscSim.url, proxy: `127.0.0.1:${o.mmscSim.port}`, carrierProfile: 'generic', backoff: { initialSeconds: 1, maxSeconds: 2 } },
    mail: {
      out: { smtp: { host: '127.0.0.1', port: o.sinkPort, secure: false, starttls: false }, fromDomain: 'mmsgw.localhost', replyTo: 'box+{number}@mmsgw.localhost', defaultMailbox: 'inbox@company.test' },
      in: {
        smtpListener: { enabled: true, host: '127.0.0.1', port: o.smtpInPort, users: [{ user: o.auth.user, password: o.auth.pass }], allowInsecureAuth: true },
        authorisation: { allowedDomains: ['mmsgw.localhost'] },
        limits: { perSenderPerHour: 100_000, perSenderPerDay: 1_000_000 },
      },
    },
    web: { enabled: false },
    ...extra,
  };
}

/** The environment of one window: simulators, sink, config, state directory. */
class Bench {
  readonly once: string;
  readonly log: string;
  private gw: Gw | undefined;
  private constructor(
    readonly dir: string,
    readonly configPath: string,
    readonly smtpInPort: number,
    readonly sink: MailSink,
    readonly modemSim: ModemSimClient,
    readonly mmscSim: MmscSim,
    private readonly point: CrashPointName,
  ) {
    this.once = join(dir, 'crashed');
    this.log = join(dir, 'gateway.log');
  }

  static async open(w: CrashWindow): Promise<Bench> {
    const dir = mkdtempSync(join(tmpdir(), 'mmsgw-kill-'));
    const sink = await new MailSink().start();
    const modemSim = await startModemSim({ profile: 'generic', baudRate: 0, link: join(dir, 'modem.pty') });
    const mmscSim = await startMmscSim({ modemSim, pushFrom: '+15550109999' });
    const smtpInPort = await freePort();
    const configPath = join(dir, 'mmsgw.yaml');
    writeFileSync(
      configPath,
      stringify(
        killTestConfig({ stateDir: join(dir, 'state'), modemSim, mmscSim, sinkPort: sink.port, smtpInPort, auth: AUTH }, {
          outbound: { uncertain: { sms: w.uncertain ?? 'resend', mms: w.uncertain ?? 'hold' } },
        }),
      ),
    );
    return new Bench(dir, configPath, smtpInPort, sink, modemSim, mmscSim, w.point);
  }

  /** Starts the gateway with the window's crash point armed (it fires while the once-file is absent). */
  start(): Gw {
    this.gw = startGateway(this.configPath, { MMSGW_CRASH_AT: this.point, MMSGW_CRASH_ONCE: this.once }, this.log);
    return this.gw;
  }

  get current(): Gw | undefined {
    return this.gw;
  }

  /** Read-only look at the store (the gateway keeps writing; WAL lets us read). */
  query<T>(fn: (db: Database.Database) => T): T | undefined {
    const path = join(this.dir, 'state', 'mmsgw.db');
    if (!existsSync(path)) return undefined;
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      return fn(db);
    } catch {
      return undefined;
    } finally {
      db.close();
    }
  }

  /** Jobs still to run, apart from mails to senders. */
  pendingJobs(): number {
    return this.query((db) => db.prepare("SELECT count(*) FROM jobs WHERE state IN ('queued','running') AND kind != 'notify-sender'").pluck().get() as number) ?? 1;
  }

  async close(): Promise<void> {
    await stopGateway(this.gw);
    await this.mmscSim.stop();
    await this.modemSim.stop();
    await this.sink.stop();
    if (!process.env['MMSGW_KEEP_TEST_DIRS']) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Submits a mail to the box's SMTP listener; resolves true on 250. */
async function submitMail(b: Bench, marker: string, kind: 'sms' | 'mms', messageId: string): Promise<boolean> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: b.smtpInPort, secure: false, ignoreTLS: true, auth: AUTH, connectionTimeout: 10_000, socketTimeout: 20_000 });
  try {
    await t.sendMail({
      from: SENDER,
      to: `box+1555031${marker.replace(/\D/g, '').padStart(4, '0').slice(-4)}@mmsgw.localhost`,
      subject: kind === 'mms' ? marker : '',
      text: `${marker} hello`,
      messageId,
      ...(kind === 'mms' ? { attachments: [{ filename: 'pic.gif', content: GIF, contentType: 'image/gif' }] } : {}),
    });
    return true;
  } catch (e) {
    if (process.env['MMSGW_KILL_DEBUG']) process.stderr.write(`submit ${marker}: ${(e as Error).message}\n`);
    return false;
  } finally {
    t.close();
  }
}

/** How many copies of `marker` reached the far side of `flow`, and how many carried distinct Message-IDs. */
async function copies(b: Bench, flow: Flow, marker: string): Promise<{ n: number; ids: number }> {
  if (flow === 'sms-in' || flow === 'mms-in') {
    const ids = new Set<string>();
    let n = 0;
    for (const mail of [...b.sink.mails]) {
      if (!mail.envelopeTo.includes('inbox@company.test')) continue;
      const p = await parsed(mail);
      if (!`${p.subject ?? ''}\n${p.text ?? ''}`.includes(marker)) continue;
      n++;
      ids.add(p.messageId ?? `none-${n}`);
    }
    return { n, ids: ids.size };
  }
  if (flow === 'mms-out') {
    const n = b.mmscSim.sent().filter((s) => s.pdu.subject === marker).length;
    return { n, ids: n };
  }
  let n = 0;
  for (const s of await b.modemSim.sent()) {
    const d = decodeSmsPdu(s.pdu);
    if (d.ok && d.value.type === 'submit' && d.value.text?.includes(marker)) n++;
  }
  return { n, ids: n };
}

/** Outbound messages of this marker flagged uncertain, and whether they are held. */
function flags(b: Bench, marker: string, flow: Flow): { uncertain: number; held: boolean; msgIds: number[] } {
  if (flow !== 'sms-out' && flow !== 'mms-out' && flow !== 'mail-in') return { uncertain: 0, held: false, msgIds: [] };
  return (
    b.query((db) => {
      const ids = (flow === 'mms-out'
        ? db.prepare("SELECT id FROM messages WHERE direction = 'out' AND subject = ?").pluck().all(marker)
        : db.prepare("SELECT DISTINCT p.msg_id FROM parts p JOIN messages m ON m.id = p.msg_id WHERE m.direction = 'out' AND CAST(p.inline_body AS TEXT) LIKE ?").pluck().all(`%${marker}%`)) as number[];
      let uncertain = 0;
      let held = false;
      for (const id of ids) {
        uncertain += db.prepare('SELECT count(*) FROM submissions WHERE msg_id = ? AND uncertain > 0').pluck().get(id) as number;
        held ||= db.prepare('SELECT state FROM messages WHERE id = ?').pluck().get(id) === 'held';
      }
      return { uncertain, held, msgIds: ids };
    }) ?? { uncertain: 0, held: false, msgIds: [] }
  );
}

/** Notices to the sender about an uncertain send: "Maybe not sent" (held) or "Sent, possibly twice". */
async function noticesAbout(b: Bench, subject: string | undefined, msgIds: readonly number[]): Promise<number> {
  let n = 0;
  for (const mail of [...b.sink.mails]) {
    if (!mail.envelopeTo.includes(SENDER)) continue;
    const p = await parsed(mail);
    const s = p.subject ?? '';
    if (!/^(Maybe not sent|Sent, possibly twice):/.test(s)) continue;
    if (subject !== undefined ? s.includes(subject) : msgIds.some((id) => s.includes(`#${id}`))) n++;
  }
  return n;
}

/** `mmsgw jobs --uncertain --json` against the window's state directory: how many rows. */
function listUncertainCli(b: Bench): number {
  const r = spawnSync(process.execPath, [join(root, 'bin/mmsgw.mjs'), 'jobs', '--uncertain', '--json', '--state-dir', join(b.dir, 'state')], {
    env: { ...process.env, MMSGW_DEV: '1', MMSGW_LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`mmsgw jobs --uncertain failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as unknown[]).length;
}

async function trigger(b: Bench, flow: Flow, marker: string, i: number, messageId: string, largeMms = false): Promise<void> {
  switch (flow) {
    case 'sms-in':
      for (const p of encodeDeliver({ from: `+1555030${String(i).padStart(4, '0')}`, text: `${marker} hello`, reference: i & 0xff })) await b.modemSim.deliverSms(p.hex);
      return;
    case 'mms-in':
      await b.mmscSim.submitFromHandset({
        from: `+1555020${String(i).padStart(4, '0')}`,
        to: OWN,
        subject: marker,
        parts: [{ contentType: 'text/plain', text: `${marker} picture` }, ...(largeMms ? [{ contentType: 'image/jpeg', body: randomBytes(20_000), name: 'pic.jpg' }] : [])],
      });
      return;
    case 'sms-out':
    case 'mail-in':
      // The mail client sees the connection drop when the gateway dies mid-transaction.
      void submitMail(b, marker, 'sms', messageId);
      return;
    case 'mms-out':
      void submitMail(b, marker, 'mms', messageId);
      return;
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` (the gateway's SMTP listener: it is up). */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/** Waits until `pred` holds (polling), or `ms` passed; returns whether it held. */
export async function until(pred: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await pred()) return true;
    await sleep(100);
  }
  return false;
}

/**
 * `kills` targeted kills in window `w`, one message each. Throws when the gateway does not
 * reach the crash point (the window was not exercised) or does not come back.
 */
export async function runWindow(w: CrashWindow, kills: number, onKill?: (i: number) => void): Promise<WindowResult> {
  const b = await Bench.open(w);
  const started = Date.now();
  let once = 0, lost = 0, duplicated = 0, duplicatedFlagged = 0, flaggedUncertain = 0, held = 0, listedUncertain = 0;
  const told = new Set<string>();
  try {
    // First start: unarmed until the gateway is up and idle.
    writeFileSync(b.once, 'warm-up\n');
    b.start();
    if (!(await until(() => listening(b.smtpInPort), 60_000))) throw new Error(`gateway did not come up (log: ${b.log})`);
    for (let i = 0; i < kills; i++) {
      const marker = `[kill-${w.point}-${i}]`;
      const messageId = `<kill-${w.point}-${i}-${Date.now()}@mmsgw.localhost>`;
      const gw = b.current as Gw;
      rmSync(b.once, { force: true });
      await trigger(b, w.flow, marker, i, messageId, w.largeMms);
      const how = await within(gw.exited, 60_000);
      if (how !== 'SIGKILL') throw new Error(`${w.name}: kill ${i} — the gateway did not reach ${w.point} (${String(how)}; log: ${b.log})`);
      onKill?.(i);
      b.start();
      // Up again: the SMTP listener is the last thing the gateway starts.
      if (!(await until(() => listening(b.smtpInPort), 60_000))) throw new Error(`${w.name}: the gateway did not come back (log: ${b.log})`);
      if (w.flow === 'sms-out' || w.flow === 'mms-out' || w.flow === 'mail-in') {
        // The mail client's view: no 250, so it offers the same mail again (RFC 5321 §4.5.4.1).
        const accepted = await until(() => submitMail(b, marker, w.flow === 'mms-out' ? 'mms' : 'sms', messageId), 60_000);
        if (!accepted) throw new Error(`${w.name}: the restarted gateway did not accept mail (log: ${b.log})`);
      }
      const flow: Flow = w.flow === 'mail-in' ? 'sms-out' : w.flow;
      await until(async () => (await copies(b, flow, marker)).n > 0 || flags(b, marker, w.flow).held, 30_000);
      await until(() => b.pendingJobs() === 0, 30_000);
      await sleep(300);
      const c = await copies(b, flow, marker);
      const f = flags(b, marker, w.flow);
      if (f.uncertain > 0) {
        const subject = w.flow === 'mms-out' ? marker : undefined;
        const noticed = await until(async () => (await noticesAbout(b, subject, f.msgIds)) > 0, 15_000);
        if (noticed) told.add(marker);
      }
      flaggedUncertain += f.uncertain > 0 ? 1 : 0;
      if (f.held) held++;
      if (c.n === 1) once++;
      else if (c.n === 0 && !f.held) lost++;
      else if (c.n > 1) {
        duplicated++;
        // Flagged: the store marked the send uncertain, or the copies share one Message-ID (a relay repeated after a lost 250).
        if (f.uncertain > 0 || c.ids === 1) duplicatedFlagged++;
      }
    }
    listedUncertain = listUncertainCli(b);
  } finally {
    await b.close();
  }
  return { name: w.name, point: w.point, kills, once, lost, duplicated, duplicatedFlagged, flaggedUncertain, held, senderTold: told.size, listedUncertain, msPerKill: Math.round((Date.now() - started) / Math.max(1, kills)) };
}

/** The table of issue 10's closing note. */
export function renderTable(rows: readonly WindowResult[]): string {
  const head = ['window', 'point', 'kills', 'once', 'lost', 'duplicated', 'dup. flagged', 'flagged uncertain', 'held', 'sender told', 'ms/kill'];
  const body = rows.map((r) => [r.name, r.point, r.kills, r.once, r.lost, r.duplicated, r.duplicatedFlagged, r.flaggedUncertain, r.held, r.senderTold, r.msPerKill].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
