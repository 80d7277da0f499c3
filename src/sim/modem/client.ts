/**
 * The test and demo side of the modem simulator. `startModemSim()` spawns the simulator as
 * its own process on a real pty and connects to its control socket; `connectModemSim()`
 * attaches to one already running (`mmsgw sim --control PATH`). The gateway under test opens
 * `handle.path` with serialport, exactly as it would open /dev/ttyUSB2.
 *
 *   const modem = await startModemSim({ profile: 'quectel' });
 *   await modem.deliverSms('07911326040000F0040B911346610089F60000208062917314800CC8F71D14969741F977FD07');
 *   modem.on('sent', (sms) => …);
 *   await modem.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MmsgwError } from '../../util/errors.js';
import { READY_MARK } from './cli.js';
import type { ControlMessage } from './control.js';
import type { DeliverOutcome, SmsKind } from './delivery.js';
import type { PreloadedSms } from './server.js';
import type { SentSms, SimState } from './state.js';
import type { StorageEntry } from './storage.js';
import type { SimUsbState } from './usb-tree.js';
import type { SignalReport } from './types.js';
import { readyLine } from '../../util/ready-line.js';

export type { DeliverOutcome, PreloadedSms, SentSms, SimUsbState, StorageEntry };

export interface StartModemSimOptions {
  /** generic | huawei | quectel | simcom | sierra | zte (default generic). */
  readonly profile?: string;
  /** Output pacing in baud, 8N1 (default 115200); 0 = full speed. */
  readonly baudRate?: number;
  /** A symlink kept pointing at the pty, across unplug/replug. */
  readonly link?: string;
  /** Where the control socket listens (--control; default: a new temporary directory). */
  readonly control?: string;
  /** Messages already in storage at start. */
  readonly storage?: readonly PreloadedSms[];
  /** A PIN the SIM asks for at power-up. */
  readonly pin?: string;
  /** The SIM's IMSI, ICCID and SPN (--imsi, --iccid, --spn). */
  readonly imsi?: string;
  readonly iccid?: string;
  readonly spn?: string;
  /** APNs the network accepts (--apns). */
  readonly apns?: readonly string[];
  /**
   * Appear as a USB modem under this directory (`dev/ttyUSBn`, `dev/serial/by-id/…`, `sys/…`;
   * several simulators may share one): `path` is then the by-id link, and `usbReset()` brings
   * the device back under other ttyUSB numbers.
   */
  readonly usbDir?: string;
  readonly usbSerial?: string;
  /** USB bus path (kernel device name), e.g. "1-1.2". */
  readonly usbPath?: string;
  /** How long to wait for the simulator process to come up (default 30 s: a loaded Pi is slow). */
  readonly startTimeoutMs?: number;
}

export interface StorageSnapshot {
  readonly SM: StorageEntry[];
  readonly ME: StorageEntry[];
  readonly used: Record<string, { used: number; total: number }>;
  /** Messages the simulated network still holds (awaiting +CNMA, retry, memory full). */
  readonly network: { kind: SmsKind; pdu: string; reason: string }[];
}

export type ErrorSpec = string | { readonly cms: number } | { readonly cme: number };

interface Pending {
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
}

export class ModemSimClient extends EventEmitter {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private buffer = '';
  private closed = false;
  private currentPath: string;
  private usbState: SimUsbState | undefined;

  constructor(
    private readonly socket: Socket,
    path: string,
    /** The symlink the path stays on, if any. */
    private readonly link: string | undefined,
    readonly controlPath: string,
    private readonly child?: ChildProcess,
    usb?: SimUsbState,
  ) {
    super();
    this.currentPath = path;
    this.usbState = usb;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.data(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.closedConnection());
    socket.unref();
    this.on('plugged', (d: { path: string; tty?: string }) => {
      this.currentPath = this.link ?? d.path;
      if (this.usbState) this.usbState = { ...this.usbState, tty: d.tty };
    });
    this.on('unplugged', () => {
      if (this.usbState) this.usbState = { ...this.usbState, tty: undefined };
    });
  }

  /** The device the gateway opens: the link if one was asked for, else the current /dev/pts/N. */
  get path(): string {
    return this.currentPath;
  }

  /** The simulated USB device (usbDir): its dev and sys directories, by-id link and current ttyUSB node. */
  get usb(): SimUsbState | undefined {
    return this.usbState;
  }

  /** Asks the simulator where its line is now (for a client attached to a running one). */
  async refreshPath(): Promise<string> {
    const status = await this.call<{ path: string; usb?: SimUsbState }>('status');
    this.usbState = status.usb;
    this.currentPath = this.link ?? status.usb?.byId ?? status.path;
    return this.currentPath;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private data(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      let msg: ControlMessage;
      try {
        msg = JSON.parse(line) as ControlMessage;
      } catch {
        continue;
      }
      if ('event' in msg) {
        this.emit(msg.event, msg.data);
        continue;
      }
      const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
      if (!p || typeof msg.id !== 'number') continue;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) this.socket.unref();
      if ('error' in msg) p.reject(new MmsgwError(msg.error.code, msg.error.message));
      else p.resolve(msg.result);
    }
  }

  private closedConnection(): void {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new MmsgwError('SIM_CLOSED', 'modem simulator control channel closed'));
    this.pending.clear();
    this.emit('close');
  }

  /** Calls a control method (docs/SIMULATOR.md lists them). */
  call<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    if (this.closed) return Promise.reject(new MmsgwError('SIM_CLOSED', 'modem simulator control channel closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.ref();
      this.socket.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  /** Resolves with the data of the next `event` (rejects after timeoutMs). */
  nextEvent<T = unknown>(event: string, timeoutMs = 5000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off(event, on);
        reject(new MmsgwError('SIM_TIMEOUT', `no '${event}' event within ${timeoutMs} ms`));
      }, timeoutMs);
      const on = (data: T): void => {
        clearTimeout(timer);
        resolve(data);
      };
      this.once(event, on);
    });
  }

  status(): Promise<Record<string, unknown>> {
    return this.call('status');
  }

  /** The network delivers an SMS-DELIVER (hex with SMSC); +CNMI decides +CMTI or +CMT. */
  /** `during` ('+CMGL', '+CMGS'): delivered while the next such command runs (its indication inside or after the reply). */
  deliverSms(sms: string | { pdu: string; class?: 0 | 1 | 2 | 3; during?: string }): Promise<DeliverOutcome> {
    return this.call('deliverSms', typeof sms === 'string' ? { pdu: sms } : { ...sms });
  }

  /** The network delivers an SMS-STATUS-REPORT; +CNMI <ds> decides +CDS or +CDSI. */
  deliverStatusReport(pdu: string, options: { during?: string } = {}): Promise<DeliverOutcome> {
    return this.call('deliverStatusReport', { pdu, ...options });
  }

  setRegistration(r: { stat?: number; lac?: number; ci?: number; act?: number }): Promise<void> {
    return this.call('setRegistration', r);
  }

  setSignal(s: Partial<SignalReport>): Promise<void> {
    return this.call('setSignal', s);
  }

  setSim(state: SimState): Promise<void> {
    return this.call('setSim', { state });
  }

  /** Every SMS the gateway submitted with AT+CMGS, oldest first. */
  sent(): Promise<SentSms[]> {
    return this.call('sent');
  }

  storage(): Promise<StorageSnapshot> {
    return this.call('storage');
  }

  /** Writes random bytes (a count) or the given bytes onto the line at once. */
  garbage(bytes: number | Uint8Array): Promise<void> {
    return this.call('garbage', typeof bytes === 'number' ? { bytes } : { hex: Buffer.from(bytes).toString('hex') });
  }

  /** The next `count` replies arrive cut into pieces over several writes. */
  splitNext(count = 1): Promise<void> {
    return this.call('splitNext', { count });
  }

  /** The next reply and this URC go out in one write (the URC before or after the reply). */
  mergeNext(urc: string, position: 'before' | 'after' = 'before'): Promise<void> {
    return this.call('mergeNext', { urc, position });
  }

  /** The next reply carries this URC between its information text and its final result. */
  urcInsideNextResponse(urc: string): Promise<void> {
    return this.call('urcInsideNextResponse', { urc });
  }

  /** Writes an unsolicited result line as the modem would (held while a command runs). */
  urc(line: string): Promise<void> {
    return this.call('urc', { urc: line });
  }

  /** The modem stops answering (input is dropped) for ms, or until resume()/reboot(). */
  hang(ms: number | 'forever'): Promise<void> {
    return this.call('hang', { ms });
  }

  resume(): Promise<void> {
    return this.call('resume');
  }

  /**
   * The next command starting with `prefix` ('+CMGS', '+CPMS?') fails with `error`: a literal
   * final line ('+CMS ERROR: 500', '+CME ERROR: SIM busy', 'ERROR') or a code formatted as
   * +CMEE says. Stage 'input' fails only after a prompted body was read (the SMS is not sent).
   */
  failNext(prefix: string, error: ErrorSpec, opts: { stage?: 'command' | 'input' } = {}): Promise<void> {
    return this.call('failNext', { prefix, error, ...opts });
  }

  /** Resets the modem: state to defaults, boot URCs after delayMs (default: the profile's). */
  reboot(opts: { delayMs?: number } = {}): Promise<void> {
    return this.call('reboot', opts);
  }

  /** The device vanishes now; a new pty appears after ms (event 'plugged' with its path). */
  unplug(ms: number): Promise<{ path: string }> {
    return this.call('unplug', { ms });
  }

  /**
   * A USB reset: the device vanishes now and re-enumerates after ms (default: the profile's
   * boot time); with usbDir, under new ttyUSB numbers (event 'plugged' with `tty`). Resolves
   * with the AT port's node before the reset.
   */
  usbReset(ms?: number): Promise<{ tty?: string }> {
    return this.call('usbReset', ms === undefined ? {} : { ms });
  }

  /** Fills the receive memory: with copies of a PDU, or (without one) with unusable space. */
  storageFull(opts: { fillWith?: string } = {}): Promise<void> {
    return this.call('storageFull', opts);
  }

  /** Releases space taken by storageFull() without a PDU. */
  storageFreed(): Promise<void> {
    return this.call('storageFreed');
  }

  /** Network timers (+CNMA timeout, SMSC redelivery interval, AT+CMGS round trip) and the line's baud rate. */
  configure(t: {
    ackTimeoutMs?: number;
    redeliveryMs?: number;
    submitMs?: number;
    baudRate?: number;
    /** URCs inside replies (src/sim/modem/interleave.ts): seed, rate of the firmware's own lines, indications inside, extra places. */
    interleave?: { seed?: number; rate?: number; indications?: boolean; at?: ('before-text' | 'between-lines' | 'before-final' | 'at-prompt')[] };
  }): Promise<Record<string, unknown>> {
    return this.call('configure', t);
  }

  /** Leaves the simulator running and closes this client's control connection. */
  disconnect(): void {
    this.socket.destroy();
  }

  /** Stops the simulator (and its process, when this client started it). */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await this.call('stop').catch(() => undefined);
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
    } else if (!child) {
      await this.call('stop').catch(() => undefined);
    }
    this.socket.destroy();
  }
}

function connectSocket(controlPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(controlPath);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

/** Attaches to a simulator started elsewhere (`mmsgw sim --control PATH`). */
export async function connectModemSim(controlPath: string): Promise<ModemSimClient> {
  const socket = await connectSocket(controlPath);
  const client = new ModemSimClient(socket, '', undefined, controlPath);
  await client.refreshPath();
  return client;
}

function entryArgs(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return ['--import', import.meta.resolve('tsx'), join(dirname(here), 'main.ts')];
  return [join(dirname(here), 'main.js')];
}

/** Spawns the simulator process and connects to it. */
export async function startModemSim(opts: StartModemSimOptions = {}): Promise<ModemSimClient> {
  const args = [...entryArgs(), '--exit-with-stdin', '--baud', String(opts.baudRate ?? 115200), '--profile', opts.profile ?? 'generic'];
  if (opts.link !== undefined) args.push('--link', opts.link);
  if (opts.control !== undefined) args.push('--control', opts.control);
  if (opts.pin !== undefined) args.push('--pin', opts.pin);
  if (opts.imsi !== undefined) args.push('--imsi', opts.imsi);
  if (opts.iccid !== undefined) args.push('--iccid', opts.iccid);
  if (opts.spn !== undefined) args.push('--spn', opts.spn);
  if (opts.apns !== undefined) args.push('--apns', opts.apns.join(','));
  if (opts.storage !== undefined) args.push('--storage-json', JSON.stringify(opts.storage));
  if (opts.usbDir !== undefined) args.push('--usb-dir', opts.usbDir);
  if (opts.usbSerial !== undefined) args.push('--usb-serial', opts.usbSerial);
  if (opts.usbPath !== undefined) args.push('--usb-path', opts.usbPath);
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const startMs = opts.startTimeoutMs ?? 30_000;
  const ready = await readyLine<{ path: string; control: string; usb?: SimUsbState }>(child, READY_MARK, startMs, {
    timeout: () => new MmsgwError('SIM_START_TIMEOUT', `modem simulator not ready within ${startMs} ms: ${stderr}`),
    exited: (code) => new MmsgwError('SIM_EXITED', `modem simulator exited (${code}) before it was ready: ${stderr}`),
  });
  // Keep draining stdout (its logs) so the child never blocks on a full pipe; with a log level
  // asked for, show them (MMSGW_LOG_LEVEL=debug includes the simulator's wire trace).
  if (process.env.MMSGW_LOG_LEVEL) child.stdout.pipe(process.stderr, { end: false });
  else child.stdout.resume();
  let socket: Socket;
  try {
    socket = await connectSocket(ready.control);
  } catch (e) {
    child.kill('SIGKILL');
    throw new MmsgwError('SIM_CONNECT_FAILED', `cannot reach the simulator's control socket ${ready.control}`, { cause: e });
  }
  const client = new ModemSimClient(socket, ready.path, opts.link ?? ready.usb?.byId, ready.control, child, ready.usb);
  child.once('exit', (code, signal) => client.emit('exit', { code, signal }));
  // A test that forgets stop() must not hang its runner: the child dies with our stdin pipe.
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
  return client;
}
