/**
 * Shared helpers for the end-to-end tests (test/e2e/): the assembled gateway on real parts —
 * the modem simulator process on a real pty, the MMSC simulator over HTTP, an SMTP mail sink,
 * the box's SMTP listener — with the configuration adjustable per test, plus the checks every
 * test needs (wait for a condition, mails by marker, a second MIME parser in Python).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { Gateway } from '../../src/app/gateway.js';
import { demoConfigInput, parseConfig, type Config, type ConfigInput } from '../../src/config/index.js';
import { freePort } from '../../src/demo/environment.js';
import { MailSink, type SinkMail } from '../../src/sim/mail/sink.js';
import { startMmscSim, type MmscSim } from '../../src/sim/mmsc/index.js';
import { startModemSim, type ModemSimClient, type PreloadedSms } from '../../src/sim/modem/client.js';

export const OWN_NUMBER = '+15550100001';

export interface E2eOptions {
  /** Modem simulator line speed; 0 (default here) = unthrottled. */
  readonly baudRate?: number;
  /** Delay before the MMSC simulator pushes automatic delivery reports; undefined = none. */
  readonly reportDelayMs?: number;
  /** Adjusts the demo configuration (short backoff is already set). */
  readonly configure?: (c: ConfigInput) => ConfigInput;
  /** SMS already in the modem's storage when it powers up. */
  readonly storage?: readonly PreloadedSms[];
  /** The mail sink refuses a mail with this SMTP reply when it returns one (to test relay retries). */
  readonly sinkRefuse?: () => { code: number; message: string } | undefined;
  /** A PIN the simulated SIM asks for at power-up. */
  readonly pin?: string;
  /**
   * The modem simulator shows itself as a USB modem under `<dir>/usb` (ttyUSBn, by-id link,
   * sysfs; src/sim/modem/usb-tree.ts), the gateway's port is its plain ttyUSB node, and the
   * gateway reads that sysfs tree (MMSGW_SYSFS_ROOT, for this test process).
   */
  readonly usb?: boolean;
  /** Start the gateway right away (default true). */
  readonly startGateway?: boolean;
}

export interface E2eEnv {
  readonly dir: string;
  readonly config: Config;
  readonly modemSim: ModemSimClient;
  readonly mmscSim: MmscSim;
  readonly sink: MailSink;
  readonly smtpInPort: number;
  /** The running gateway (throws when stopped). */
  readonly gateway: Gateway;
  startGateway(): Promise<Gateway>;
  stopGateway(): Promise<void>;
  /** Stop and start the gateway on the same state directory and configuration. */
  restart(): Promise<Gateway>;
  stop(): Promise<void>;
}

/**
 * Starts the demo environment like src/demo/environment.ts does, but with a temp state
 * directory, an adjustable configuration and a gateway that can be restarted.
 */
export async function startE2e(o: E2eOptions = {}): Promise<E2eEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-e2e-'));
  const cleanups: (() => Promise<void> | void)[] = [() => { if (!process.env.MMSGW_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true }); }];
  const undo = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  try {
    const sink = await new MailSink(o.sinkRefuse ? { refuse: o.sinkRefuse } : {}).start();
    cleanups.push(() => sink.stop());
    const modemSim = await startModemSim({ profile: 'generic', baudRate: o.baudRate ?? 0, ...(o.usb ? { usbDir: join(dir, 'usb') } : { link: join(dir, 'modem.pty') }), ...(o.storage ? { storage: o.storage } : {}), ...(o.pin !== undefined ? { pin: o.pin } : {}) });
    cleanups.push(() => modemSim.stop());
    if (modemSim.usb) {
      const was = process.env.MMSGW_SYSFS_ROOT;
      process.env.MMSGW_SYSFS_ROOT = modemSim.usb.sysfsRoot;
      cleanups.push(() => {
        if (was === undefined) delete process.env.MMSGW_SYSFS_ROOT;
        else process.env.MMSGW_SYSFS_ROOT = was;
      });
    }
    const mmscSim = await startMmscSim({ modemSim, pushFrom: '+15550109999', ...(o.reportDelayMs !== undefined ? { reportDelayMs: o.reportDelayMs } : {}) });
    cleanups.push(() => mmscSim.stop());
    const smtpInPort = await freePort();
    const base = demoConfigInput();
    let input: ConfigInput = {
      ...base,
      stateDir: join(dir, 'state'),
      logLevel: 'warn',
      modem: { ...base.modem, port: modemSim.usb?.tty ?? modemSim.path, profile: 'generic' },
      mmsc: { ...base.mmsc, url: mmscSim.url, proxy: `127.0.0.1:${mmscSim.proxyPort}`, backoff: { initialSeconds: 1, maxSeconds: 2 } },
      mail: {
        ...base.mail,
        out: { ...base.mail?.out, smtp: { host: '127.0.0.1', port: sink.port, secure: false, starttls: false } },
        in: { ...base.mail?.in, smtpListener: { enabled: true, host: '127.0.0.1', port: smtpInPort } },
      },
      web: { enabled: false },
    };
    if (o.configure) input = o.configure(input);
    const config = parseConfig(input);
    let gw: Gateway | undefined;
    const env: E2eEnv = {
      dir,
      config,
      modemSim,
      mmscSim,
      sink,
      smtpInPort,
      get gateway(): Gateway {
        if (!gw) throw new Error('the gateway is not running');
        return gw;
      },
      async startGateway() {
        if (gw) throw new Error('the gateway is already running');
        gw = await Gateway.start({ config });
        return gw;
      },
      async stopGateway() {
        const g = gw;
        gw = undefined;
        await g?.stop();
      },
      async restart() {
        await env.stopGateway();
        return env.startGateway();
      },
      async stop() {
        await env.stopGateway().catch(() => undefined);
        await undo();
      },
    };
    cleanups.push(() => env.stopGateway());
    if (o.startGateway ?? true) await env.startGateway();
    return env;
  } catch (e) {
    await undo();
    throw e;
  }
}

/** Runs `fn` with a fresh environment, stopping everything afterwards (also on failure). */
export async function withE2e<T>(o: E2eOptions, fn: (env: E2eEnv) => Promise<T>): Promise<T> {
  const env = await startE2e(o);
  try {
    return await fn(env);
  } finally {
    await env.stop();
  }
}

/** Polls `pred` until it returns a truthy value; throws with `what` (and `detail()`) after timeoutMs. */
export async function waitUntil<T>(pred: () => T | Promise<T>, timeoutMs: number, what: string, detail?: () => unknown): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await pred();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) {
      const d = detail ? ` — ${JSON.stringify(detail(), null, 1)}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${d}`);
    }
    await sleep(100);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

const parsedCache = new WeakMap<SinkMail, Promise<ParsedMail>>();

/** mailparser's view of a sink mail (cached). */
export function parsed(mail: SinkMail): Promise<ParsedMail> {
  let p = parsedCache.get(mail);
  if (!p) {
    p = simpleParser(mail.raw);
    parsedCache.set(mail, p);
  }
  return p;
}

/** Mails at the sink whose subject or text contains `marker`. */
export async function mailsWith(sink: MailSink, marker: string): Promise<{ mail: SinkMail; parsed: ParsedMail }[]> {
  const out: { mail: SinkMail; parsed: ParsedMail }[] = [];
  for (const mail of [...sink.mails]) {
    const p = await parsed(mail);
    if (`${p.subject ?? ''}\n${p.text ?? ''}`.includes(marker)) out.push({ mail, parsed: p });
  }
  return out;
}

/** One MIME leaf as Python's `email` package sees it. */
export interface PyPart {
  contentType: string;
  charset: string | null;
  filename: string | null;
  disposition: string | null;
  sha256: string;
  size: number;
  /** Decoded text of text/* leaves. */
  text: string | null;
}

export interface PyMail {
  defects: string[];
  subject: string;
  from: string;
  replyTo: string | null;
  messageId: string | null;
  parts: PyPart[];
}

const PY_PARSE = String.raw`
import sys, json, hashlib, email
from email import policy
raw = sys.stdin.buffer.read()
msg = email.message_from_bytes(raw, policy=policy.default)
defects = [type(d).__name__ for d in msg.defects]
parts = []
for p in msg.walk():
    defects += [type(d).__name__ for d in p.defects]
    if p.is_multipart():
        continue
    payload = p.get_payload(decode=True) or b''
    text = None
    if p.get_content_maintype() == 'text':
        text = p.get_content()
    parts.append({'contentType': p.get_content_type(), 'charset': p.get_content_charset(), 'filename': p.get_filename(),
                  'disposition': p.get_content_disposition(), 'sha256': hashlib.sha256(payload).hexdigest(), 'size': len(payload), 'text': text})
print(json.dumps({'defects': defects, 'subject': str(msg['subject'] or ''), 'from': str(msg['from'] or ''),
                  'replyTo': str(msg['reply-to']) if msg['reply-to'] else None, 'messageId': str(msg['message-id']) if msg['message-id'] else None,
                  'parts': parts}))
`;

/** Parses a raw mail with python3's `email` package (an independent MIME parser). */
export function pythonParse(raw: Buffer): PyMail {
  const r = spawnSync('python3', ['-c', PY_PARSE], { input: raw, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python3 email parse failed: ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString('utf8')) as PyMail;
}

/** The box's plus-address for a remote number (demo config: box+{number}@mmsgw.localhost). */
export function boxAddress(number: string): string {
  return `box+${number.replace(/^\+/, '')}@mmsgw.localhost`;
}
