import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { Gateway } from '../app/gateway.js';
import { demoConfigInput, parseConfig, type Config } from '../config/index.js';
import type { MailSink } from '../sim/mail/sink.js';
import type { MmscSim } from '../sim/mmsc/index.js';
import type { ModemSimClient } from '../sim/modem/client.js';
import type { VaspSim } from '../sim/vasp/index.js';
import type { Durability } from '../store/index.js';
import type { Logger } from '../util/log.js';
import { startDemoMm7, type DemoMm7 } from './mm7.js';
import { localNetwork, type DemoNetwork } from './network.js';
import { demoPaths } from './paths.js';
import type { SimulatorEndpoints } from './simulators.js';
import { newVaspAccount, type VaspAccount } from './vasp-account.js';

export { newVaspAccount, type VaspAccount };

export interface DemoOptions {
  readonly stateDir: string;
  /** Modem simulator line speed (default 115200; 0 = unthrottled). */
  readonly baudRate?: number;
  readonly profile?: string;
  readonly log?: Logger;
  /** Delay before the MMSC pushes delivery reports for sent messages (default 200 ms; null: no reports). */
  readonly reportDelayMs?: number | null;
  /** The SMSC's round trip for each AT+CMGS in ms (default 150; 0: the line and the gateway alone). */
  readonly smscMs?: number;
  /** Delay before the network answers a sent SMS with a status report (default 200 ms; null: no reports). */
  readonly smsReportDelayMs?: number | null;
  /** `storage.durability` of the demo's gateway (default the configuration's: commit). */
  readonly durability?: Durability;
  /** Port of the web interface (default 8080, or a free port when 8080 is taken). */
  readonly webPort?: number;
  /** Serve the web interface (default true). */
  readonly web?: boolean;
}


/** What the driver, the seed and the demo's API and MM7 parts need: the gateway and the simulated world. */
export interface DemoCore {
  readonly config: Config;
  readonly gateway: Gateway;
  readonly net: DemoNetwork;
  /** Where the SMTP listener (email → SMS/MMS) listens. */
  readonly smtpInPort: number;
  readonly simulators: SimulatorEndpoints;
  /** The demo VASP on MM7 and the box's MM7 endpoint it uses. */
  readonly mm7: DemoMm7;
  stop(): Promise<void>;
}

/** The demo with its simulators in this process (tests use their objects directly). */
export interface DemoEnvironment extends DemoCore {
  readonly modemSim: ModemSimClient;
  readonly mmscSim: MmscSim;
  readonly sink: MailSink;
  readonly vasp: VaspSim;
}

/** The embedded demo (the same, kept for its users). */
export type EmbeddedDemo = DemoEnvironment;

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

/** The embedded configuration pointed at the simulators. */
export function demoConfig(o: DemoOptions, sims: SimulatorEndpoints, ports: { readonly smtpIn: number; readonly web: number }, vasp: VaspAccount): Config {
  const base = demoConfigInput();
  const proxy = new URL(sims.mmsc.proxy);
  return parseConfig({
    ...base,
    stateDir: o.stateDir,
    ...(o.durability !== undefined ? { storage: { ...base.storage, durability: o.durability } } : {}),
    modem: { ...base.modem, port: demoPaths(o.stateDir).modemLink(), profile: (o.profile ?? 'generic') as 'generic' },
    mmsc: { ...base.mmsc, url: sims.mmsc.url, proxy: `${proxy.hostname}:${proxy.port}` },
    mail: {
      ...base.mail,
      out: { ...base.mail?.out, smtp: { host: '127.0.0.1', port: Number(new URL(sims.mailSink.smtp).port), secure: false, starttls: false } },
      in: { ...base.mail?.in, smtpListener: { enabled: true, host: '127.0.0.1', port: ports.smtpIn } },
    },
    mm7: { enabled: true, retry: { initialSeconds: 1, maxSeconds: 30 }, vasps: [{ ...vasp, url: sims.vasp.url }] },
    web: { ...base.web, enabled: o.web ?? true, host: '127.0.0.1', port: ports.web },
  });
}

/** Starts the gateway on `config` and the demo's MM7 endpoint; on failure runs `cleanup`. */
export async function startDemoGateway(o: DemoOptions, config: Config, net: DemoNetwork, vasp: VaspAccount, cleanup: () => Promise<void>): Promise<{ gateway: Gateway; mm7: DemoMm7 }> {
  let gateway: Gateway | undefined;
  try {
    gateway = await Gateway.start({ config, ...(o.log ? { log: o.log } : {}) });
    if (!net.vasp) throw new Error('the demo network has no VASP');
    const mm7 = await startDemoMm7(gateway, o.stateDir, net.vasp, vasp);
    return { gateway, mm7 };
  } catch (e) {
    await gateway?.stop().catch(() => undefined);
    await cleanup();
    throw e;
  }
}

/**
 * Starts the whole system in this process with no hardware: the modem simulator on a real
 * pty (its own child process), the MMSC simulator on HTTP, a mail sink on SMTP, the demo VASP,
 * and the gateway with the embedded configuration pointed at them. `mmsgw demo` runs the
 * simulators in a process of their own instead (./split.ts).
 */
export async function startDemo(o: DemoOptions): Promise<DemoEnvironment> {
  mkdirSync(o.stateDir, { recursive: true });
  const vaspAccount = newVaspAccount();
  // Loaded here, not at the top: the demo's gateway process (./split.ts) never runs a simulator.
  const { startSimulators } = await import('./simulators.js');
  const sims = await startSimulators({
    stateDir: o.stateDir,
    vasp: vaspAccount,
    ...(o.baudRate !== undefined ? { baudRate: o.baudRate } : {}),
    ...(o.profile !== undefined ? { profile: o.profile } : {}),
    ...(o.reportDelayMs !== undefined ? { reportDelayMs: o.reportDelayMs } : {}),
    ...(o.smscMs !== undefined ? { smscMs: o.smscMs } : {}),
    ...(o.smsReportDelayMs !== null ? { smsReportDelayMs: o.smsReportDelayMs ?? 200 } : {}),
  });
  const net = localNetwork({ ...sims, mailbox: demoPaths(o.stateDir).mailbox });
  const smtpInPort = await freePort();
  const webPort = o.webPort ?? (await portOr(8080));
  const config = demoConfig(o, sims.endpoints, { smtpIn: smtpInPort, web: webPort }, vaspAccount);
  const { gateway, mm7 } = await startDemoGateway(o, config, net, vaspAccount, () => sims.stop());
  return {
    config,
    gateway,
    net,
    mm7,
    vasp: sims.vasp,
    modemSim: sims.modemSim,
    mmscSim: sims.mmscSim,
    sink: sims.sink,
    smtpInPort,
    simulators: sims.endpoints,
    async stop() {
      await mm7.close();
      await gateway.stop();
      await sims.stop();
    },
  };
}
