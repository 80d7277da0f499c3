import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Gateway } from '../app/gateway.js';
import { demoConfigInput, parseConfig, type Config } from '../config/index.js';
import { MailSink } from '../sim/mail/sink.js';
import { startMmscSim, type MmscSim } from '../sim/mmsc/index.js';
import { startModemSim, type ModemSimClient } from '../sim/modem/client.js';
import { startVaspSim, type VaspSim } from '../sim/vasp/index.js';
import type { Logger } from '../util/log.js';
import { startDemoMm7, type DemoMm7 } from './mm7.js';

export interface DemoOptions {
  readonly stateDir: string;
  /** Modem simulator line speed (default 115200; 0 = unthrottled). */
  readonly baudRate?: number;
  readonly profile?: string;
  readonly log?: Logger;
  /** Delay before the MMSC pushes delivery reports for sent messages (default 200 ms). */
  readonly reportDelayMs?: number;
  /** Port of the web interface (default 8080, or a free port when 8080 is taken). */
  readonly webPort?: number;
  /** Serve the web interface (default true). */
  readonly web?: boolean;
}

/** Everything the embedded demo runs: simulators, mail sink, and the real gateway between them. */
export interface DemoEnvironment {
  readonly config: Config;
  readonly gateway: Gateway;
  readonly modemSim: ModemSimClient;
  readonly mmscSim: MmscSim;
  readonly sink: MailSink;
  /** Where the SMTP listener (email → SMS/MMS) listens. */
  readonly smtpInPort: number;
  /** The demo VASP on MM7 and the box's MM7 endpoint it uses, where the environment has one. */
  readonly mm7?: DemoMm7;
  readonly vasp?: VaspSim;
  stop(): Promise<void>;
}

/** The embedded demo: the environment above, always with its demo VASP on MM7. */
export interface EmbeddedDemo extends DemoEnvironment {
  readonly mm7: DemoMm7;
  readonly vasp: VaspSim;
}

/** A free TCP port on loopback (for the listener, which is configured by number). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** `preferred` when nothing listens on it on loopback, else a free port. */
export function portOr(preferred: number): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(freePort()));
    s.listen(preferred, '127.0.0.1', () => s.close(() => resolve(preferred)));
  });
}

/**
 * Starts the whole system on this machine with no hardware: the modem simulator on a real
 * pty, the MMSC simulator on HTTP, a mail sink on SMTP, and the gateway with the embedded
 * configuration pointed at them.
 */
export async function startDemo(o: DemoOptions): Promise<EmbeddedDemo> {
  mkdirSync(o.stateDir, { recursive: true });
  const sink = await new MailSink({ dir: join(o.stateDir, 'mailbox') }).start();
  const modemSim = await startModemSim({ profile: o.profile ?? 'generic', baudRate: o.baudRate ?? 115200, link: join(o.stateDir, 'modem.pty') });
  const mmscSim = await startMmscSim({ modemSim, reportDelayMs: o.reportDelayMs ?? 200, pushFrom: '+15550109999' });
  const smtpInPort = await freePort();
  const vaspPassword = randomBytes(12).toString('base64url');
  const vasp = await startVaspSim({ vaspId: 'demo-vasp', user: 'demo-vasp', password: vaspPassword });
  const webPort = o.webPort ?? (await portOr(8080));
  const base = demoConfigInput();
  const config = parseConfig({
    ...base,
    stateDir: o.stateDir,
    modem: { ...base.modem, port: modemSim.path, profile: (o.profile ?? 'generic') as 'generic' },
    mmsc: { ...base.mmsc, url: mmscSim.url, proxy: `127.0.0.1:${mmscSim.proxyPort}` },
    mail: {
      ...base.mail,
      out: { ...base.mail?.out, smtp: { host: '127.0.0.1', port: sink.port, secure: false, starttls: false } },
      in: { ...base.mail?.in, smtpListener: { enabled: true, host: '127.0.0.1', port: smtpInPort } },
    },
    mm7: { enabled: true, retry: { initialSeconds: 1, maxSeconds: 30 }, vasps: [{ vaspId: 'demo-vasp', user: 'demo-vasp', password: vaspPassword, url: vasp.url }] },
    web: { ...base.web, enabled: o.web ?? true, host: '127.0.0.1', port: webPort },
  });
  let gateway: Gateway;
  try {
    gateway = await Gateway.start({ config, ...(o.log ? { log: o.log } : {}) });
  } catch (e) {
    await vasp.stop();
    await mmscSim.stop();
    await modemSim.stop();
    await sink.stop();
    throw e;
  }
  const mm7 = await startDemoMm7(gateway, o.stateDir, vasp, { vaspId: 'demo-vasp', user: 'demo-vasp', password: vaspPassword });
  return {
    config,
    gateway,
    mm7,
    vasp,
    modemSim,
    mmscSim,
    sink,
    smtpInPort,
    async stop() {
      await mm7.close();
      await gateway.stop();
      await vasp.stop();
      await mmscSim.stop();
      await modemSim.stop();
      await sink.stop();
    },
  };
}
