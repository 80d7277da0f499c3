/**
 * The demo's simulated world, started in one process (the demo's simulators process, or a
 * test's own): the modem simulator on a real pty (its own child process), the MMSC simulator,
 * the mail sink and the demo VASP, each with its control interface at a fixed place under the
 * state directory (./paths.ts). With `smsReportDelayMs` the simulated network answers every
 * SMS-SUBMIT that asks for one with an SMS-STATUS-REPORT "received by the SME".
 */
import { mkdirSync } from 'node:fs';
import { decodeSmsPdu, encodeStatusReport } from '../codec/sms/index.js';
import { listenMailControl } from '../sim/mail/control.js';
import { MailSink } from '../sim/mail/sink.js';
import { listenControlSocket } from '../sim/mmsc/control.js';
import { startMmscSim, type MmscSim } from '../sim/mmsc/index.js';
import { startModemSim, type ModemSimClient, type SentSms } from '../sim/modem/client.js';
import { listenVaspControl } from '../sim/vasp/control.js';
import { startVaspSim, type VaspSim } from '../sim/vasp/index.js';
import { MmsgwError } from '../util/errors.js';
import { demoPaths } from './paths.js';

export interface SimulatorsOptions {
  readonly stateDir: string;
  /** Modem simulator line speed (default 115200; 0 = unthrottled). */
  readonly baudRate?: number;
  readonly profile?: string;
  /** Delay before the MMSC pushes delivery reports for sent MMS (default 200 ms; null: no reports). */
  readonly reportDelayMs?: number | null;
  /** The SMSC's round trip for each AT+CMGS, in ms (default 150, the modem simulator's; 0: none). */
  readonly smscMs?: number;
  /** Delay before the network answers an SMS-SUBMIT with a status report; none or null: no reports. */
  readonly smsReportDelayMs?: number | null;
  /** The demo VASP's account at the box. */
  readonly vasp: { readonly vaspId: string; readonly user: string; readonly password: string };
}

/** Where each simulator listens: the `simulators` key of endpoints.json. */
export interface SimulatorEndpoints {
  readonly modem: { readonly pty: string; readonly control: string };
  readonly mmsc: { readonly url: string; readonly proxy: string; readonly control: string; readonly controlSocket: string };
  readonly mailSink: { readonly smtp: string; readonly control: string; readonly mailbox: string };
  readonly vasp: { readonly url: string; readonly control: string };
}

export interface Simulators {
  readonly modemSim: ModemSimClient;
  readonly mmscSim: MmscSim;
  readonly sink: MailSink;
  readonly vasp: VaspSim;
  readonly endpoints: SimulatorEndpoints;
  stop(): Promise<void>;
}

/** The OMA MMS push originator number the MMSC simulator sends its notifications from. */
export const PUSH_FROM = '+15550109999';

/** One modem simulator with its pty link and control socket at the demo's fixed places. */
export function startModemSimulator(stateDir: string, o: { readonly baudRate?: number; readonly profile?: string; readonly index?: number } = {}): Promise<ModemSimClient> {
  const paths = demoPaths(stateDir);
  mkdirSync(paths.sim, { recursive: true });
  return startModemSim({ profile: o.profile ?? 'generic', baudRate: o.baudRate ?? 115200, link: paths.modemLink(o.index), control: paths.modemControl(o.index) });
}

/**
 * The network's side of SMS status reports (3GPP 23.040 §9.2.2.3): after `delayMs`, every
 * submitted SMS with TP-SRR set gets an SMS-STATUS-REPORT with its TP-MR and TP-ST 0
 * ("short message received by the SME", §9.2.3.15).
 */
export function answerStatusReports(modem: ModemSimClient, delayMs: number): () => void {
  const timers = new Set<NodeJS.Timeout>();
  const onSent = (sms: SentSms): void => {
    const d = decodeSmsPdu(sms.pdu);
    if (!d.ok || d.value.type !== 'submit' || !d.value.statusReportRequest) return;
    const recipient = d.value.destination.number;
    const t = setTimeout(() => {
      timers.delete(t);
      const now = new Date();
      void modem.deliverStatusReport(encodeStatusReport({ messageReference: sms.mr, recipient, scts: now, dischargeTime: now, status: 0 }).hex).catch(() => undefined);
    }, delayMs);
    timers.add(t);
  };
  modem.on('sent', onSent);
  return () => {
    modem.off('sent', onSent);
    for (const t of timers) clearTimeout(t);
  };
}

/** sockaddr_un's sun_path holds 108 bytes with the terminating NUL (unix(7)). */
const MAX_SOCKET_PATH = 107;

export async function startSimulators(o: SimulatorsOptions): Promise<Simulators> {
  const paths = demoPaths(o.stateDir);
  const longest = [paths.modemControl(), paths.mmscControl, paths.mailControl, paths.vaspControl].find((p) => Buffer.byteLength(p) > MAX_SOCKET_PATH);
  if (longest !== undefined) throw new MmsgwError('DEMO_STATE_DIR_TOO_LONG', `the control socket ${longest} is longer than the ${MAX_SOCKET_PATH} bytes a unix socket path may have (unix(7)): use a shorter --state-dir`);
  mkdirSync(paths.sim, { recursive: true });
  const closers: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const sink = await new MailSink({ dir: paths.mailbox }).start();
    closers.push(() => sink.stop());
    const mailControl = await listenMailControl(sink, paths.mailControl, paths.mailbox);
    closers.push(() => mailControl.close());
    const modemSim = await startModemSimulator(o.stateDir, { ...(o.baudRate !== undefined ? { baudRate: o.baudRate } : {}), ...(o.profile !== undefined ? { profile: o.profile } : {}) });
    closers.push(() => modemSim.stop());
    if (o.smscMs !== undefined) await modemSim.configure({ submitMs: o.smscMs });
    if (o.smsReportDelayMs !== undefined && o.smsReportDelayMs !== null) {
      const stopReports = answerStatusReports(modemSim, o.smsReportDelayMs);
      closers.push(async () => stopReports());
    }
    const mmscSim = await startMmscSim({ modemSim, pushFrom: PUSH_FROM, ...(o.reportDelayMs !== null ? { reportDelayMs: o.reportDelayMs ?? 200 } : {}) });
    closers.push(() => mmscSim.stop());
    const mmscControl = await listenControlSocket(mmscSim, paths.mmscControl);
    closers.push(() => mmscControl.close());
    const vasp = await startVaspSim({ vaspId: o.vasp.vaspId, user: o.vasp.user, password: o.vasp.password });
    closers.push(() => vasp.stop());
    const vaspControl = await listenVaspControl(vasp, paths.vaspControl);
    closers.push(() => vaspControl.close());
    const endpoints: SimulatorEndpoints = {
      modem: { pty: modemSim.path, control: modemSim.controlPath },
      mmsc: { url: mmscSim.url, proxy: mmscSim.proxyUrl, control: `${mmscSim.proxyUrl}/_sim/`, controlSocket: paths.mmscControl },
      mailSink: { smtp: `smtp://127.0.0.1:${sink.port}`, control: paths.mailControl, mailbox: paths.mailbox },
      vasp: { url: vasp.url, control: paths.vaspControl },
    };
    return { modemSim, mmscSim, sink, vasp, endpoints, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
