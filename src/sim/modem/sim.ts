/**
 * One simulated modem: state, command interpreter, network side and the faults, independent
 * of how its line is carried (the pty lives in ./server.ts). Power-up runs the profile's boot
 * sequence; a reboot drops what a real module drops (settings, PDP activations, unacknowledged
 * deliveries, anything half-written) and keeps what lives in SIM and NV memory.
 */
import { EventEmitter } from 'node:events';
import { AtEngine, type EngineHost } from './engine.js';
import type { Interleaver } from './interleave.js';
import { SmsNetwork, type DeliverOutcome } from './delivery.js';
import { buildTable } from './handlers.js';
import { dropContexts } from './commands/pdp.js';
import { registrationUrc, type RegName } from './commands/network.js';
import { createState, effectiveStat, registered, resetState, type CardIdentity, type ModemState, type SimState } from './state.js';
import { Wire, type Sink } from './wire.js';
import type { FinalResult, HandlerTable, ModemProfile, SignalReport } from './types.js';

export interface ModemSimOptions {
  readonly profile: ModemProfile;
  /** Output pacing in baud (8N1); 0 writes at full speed. */
  readonly baudRate: number;
  /** A PIN the SIM asks for at power-up; without one the SIM opens by itself. */
  readonly pin?: string;
  /** The SIM's identity (default: the test network 001-01). */
  readonly card?: CardIdentity;
  /** APNs the simulated network accepts (default: any). */
  readonly apns?: readonly string[];
  /** Extra command handlers (the AT HTTP stack). */
  readonly extraHandlers?: HandlerTable;
}

export interface RegistrationUpdate {
  stat?: number;
  lac?: number;
  ci?: number;
  act?: number;
}

const REG_NAMES: readonly RegName[] = ['+CREG', '+CGREG', '+CEREG'];
const USB_RESET_GRACE_MS = 100;

export class ModemSim extends EventEmitter {
  readonly state: ModemState;
  readonly profile: ModemProfile;
  readonly wire: Wire;
  readonly engine: AtEngine;
  readonly network: SmsNetwork;
  private readonly table: HandlerTable;
  private readonly timers = new Set<NodeJS.Timeout>();
  private lastReported = '';
  private lastAct = -1;

  constructor(opts: ModemSimOptions) {
    super();
    this.profile = opts.profile;
    this.state = createState(opts.profile, opts.pin, opts.card, opts.apns);
    this.wire = new Wire(undefined, opts.baudRate);
    this.table = buildTable(opts.profile, opts.extraHandlers ?? {});
    // The network's callbacks reach the engine lazily; both exist before any of them runs.
    this.network = new SmsNetwork({
      state: this.state,
      profile: this.profile,
      urc: (line) => this.engine.urc(line),
      linkReserved: () => this.engine.reserved(),
      receiving: () => !this.engine.offline && this.state.settings.cfun === 1,
      emit: (event, data) => this.emitEvent(event, data),
    });
    const host: EngineHost = {
      state: this.state,
      profile: this.profile,
      network: this.network,
      wire: this.wire,
      handlers: () => this.table,
      emit: (event, data) => this.emitEvent(event, data),
      schedule: (ms, fn) => this.schedule(ms, fn),
      reboot: () => this.resetCommand(),
      registrationChanged: () => this.registrationChanged(),
    };
    this.engine = new AtEngine(host);
    this.engine.offline = true;
  }

  emitEvent(event: string, data: unknown): void {
    this.emit('event', event, data);
  }

  /** Connects the modem's output to a line (the pty master). */
  attach(sink: Sink): void {
    this.wire.setSink(sink);
  }

  detach(): void {
    this.wire.setSink(undefined);
  }

  input(bytes: Buffer): void {
    this.engine.input(bytes);
  }

  schedule(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Power is gone: nothing runs, what was in flight is lost. */
  powerOff(): void {
    this.clearTimers();
    this.engine.reset();
    this.engine.offline = true;
    this.engine.hungUntil = 0;
    this.network.reset();
    dropContexts(this.state);
    resetState(this.state, this.profile);
    this.lastReported = '';
    this.lastAct = -1;
  }

  /** Power-up: after the boot time the banner URCs (unless `banner` is false), then the modem answers. */
  boot(delayMs = this.profile.bootMs, banner = true): void {
    this.engine.offline = true;
    this.schedule(delayMs, () => {
      this.engine.offline = false;
      const lines = banner ? this.profile.bootUrcs : [];
      // The card is read after power-up: meanwhile SIM commands answer "SIM busy", and the
      // lines about the SIM (+CPIN:, SMS DONE…) come once it has been read.
      const busyMs = banner ? (this.profile.simBusyMs ?? 0) : 0;
      this.state.sim.busyUntil = Date.now() + busyMs;
      const isSimLine = (line: string): boolean => line.startsWith('+CPIN:') || this.profile.simUrcs.includes(line);
      for (const line of lines.filter((l) => !isSimLine(l))) this.engine.urc(line);
      const simLines = (): void => {
        for (const line of lines.filter(isSimLine)) {
          const simState = this.state.sim.state;
          if (this.profile.simUrcs.includes(line) && simState !== 'ready') {
            if (line === '+CPIN: READY' && (simState === 'pin' || simState === 'puk')) this.engine.urc(`+CPIN: SIM ${simState.toUpperCase()}`);
            continue;
          }
          this.engine.urc(line);
        }
      };
      if (busyMs > 0) this.schedule(busyMs, simLines);
      else simLines();
      this.startPeriodic();
      this.registrationChanged();
      this.emitEvent('ready', { profile: this.profile.name });
    });
  }

  reboot(delayMs?: number): void {
    this.powerOff();
    this.emitEvent('reboot', {});
    this.boot(delayMs);
  }

  /**
   * Set by the line owner: drops the USB device for ms and brings it back (a module that
   * re-enumerates on reset). Without it a reset keeps the line.
   */
  usbReset: ((ms: number) => void) | undefined;

  /** AT+CFUN=1,1: on USB modules the tty vanishes shortly after the OK and returns booted. */
  private resetCommand(): void {
    if (this.profile.resetDropsUsb && this.usbReset) {
      const drop = this.usbReset;
      this.engine.offline = true;
      // The firmware lets the OK leave before the USB device goes.
      this.schedule(USB_RESET_GRACE_MS, () => drop(this.profile.bootMs));
      return;
    }
    this.reboot();
  }

  private startPeriodic(): void {
    for (const p of this.profile.periodicUrcs ?? []) {
      const tick = (): void => {
        const line = p.line(this.state);
        if (line !== undefined) this.engine.urc(line);
        this.schedule(p.everyMs, tick);
      };
      this.schedule(p.everyMs, tick);
    }
  }

  /** Writes the +CxREG (and vendor) URCs that a change of registration calls for. */
  registrationChanged(): void {
    if (!registered(this.state)) {
      for (const cid of dropContexts(this.state)) this.emitEvent('pdp', { cid, active: false });
    }
    const net = this.state.network;
    const stat = effectiveStat(this.state);
    const key = `${stat}/${net.lac}/${net.ci}/${net.act}`;
    if (key === this.lastReported || this.engine.offline) return;
    const prevStat = this.lastReported.split('/')[0];
    this.lastReported = key;
    for (const name of REG_NAMES) {
      const n = this.state.settings[name === '+CREG' ? 'creg' : name === '+CGREG' ? 'cgreg' : 'cereg'];
      // n=1 reports only a change of <stat>; n=2 also a change of cell (27.007 §7.2).
      if (n === 1 && prevStat === String(stat)) continue;
      const urc = registrationUrc(this.state, this.profile, name);
      if (urc !== undefined) this.engine.urc(urc);
    }
    const act = registered(this.state) ? net.act : -1;
    if (act !== this.lastAct) {
      this.lastAct = act;
      const urc = act >= 0 ? this.profile.modeUrc?.(this.state, act) : undefined;
      if (urc !== undefined) this.engine.urc(urc);
    }
    this.emitEvent('registration', { stat, lac: net.lac, ci: net.ci, act: net.act });
  }

  setRegistration(update: RegistrationUpdate): void {
    Object.assign(this.state.network, Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined)));
    this.registrationChanged();
  }

  setSignal(update: Partial<SignalReport>): void {
    const before = this.state.signal;
    this.state.signal = { ...before, ...update };
    if (before.rssi !== this.state.signal.rssi) {
      const urc = this.profile.signalUrc?.(this.state, this.state.signal);
      if (urc !== undefined) this.engine.urc(urc);
    }
  }

  setSim(simState: SimState): void {
    this.state.sim.state = simState;
    if (simState === 'ready') this.state.sim.pinTries = 3;
    this.registrationChanged();
  }

  /**
   * The network delivers an SMS now, or (`during`, a command prefix such as '+CMGL') while the
   * next command with that prefix runs, after its answer is made: a listing that does not show
   * the message, with the indication arriving while the reply is on its way.
   */
  deliverSms(pdu: string, cls?: number, during?: string): DeliverOutcome {
    if (during === undefined) return this.network.deliver('sms', pdu, cls);
    this.engine.duringNext.push({ prefix: during.toUpperCase().replace(/^AT/, ''), fn: () => void this.network.deliver('sms', pdu, cls) });
    return { status: 'scheduled' };
  }

  deliverStatusReport(pdu: string, during?: string): DeliverOutcome {
    if (during === undefined) return this.network.deliver('status-report', pdu);
    this.engine.duringNext.push({ prefix: during.toUpperCase().replace(/^AT/, ''), fn: () => void this.network.deliver('status-report', pdu) });
    return { status: 'scheduled' };
  }

  get interleaver(): Interleaver {
    return this.engine.interleaver;
  }

  /** Random bytes (or the given ones) written straight onto the line. */
  garbage(bytes: number | Uint8Array): void {
    const data = typeof bytes === 'number' ? Buffer.from(Array.from({ length: bytes }, () => Math.floor(Math.random() * 256))) : Buffer.from(bytes);
    this.wire.write(data);
  }

  hang(ms: number | 'forever'): void {
    this.engine.hungUntil = ms === 'forever' ? Number.POSITIVE_INFINITY : Date.now() + ms;
  }

  resume(): void {
    this.engine.hungUntil = 0;
  }

  failNext(prefix: string, final: FinalResult, stage: 'command' | 'input'): void {
    const p = prefix.toUpperCase().replace(/^AT/, '');
    this.engine.failures.push({ prefix: p, final, stage });
  }

  /** Fills the receive memory: with copies of a PDU the TE can read, or with space it cannot. */
  storageFull(fillWith?: string): void {
    const mem = this.state.settings.cpms[2];
    if (fillWith === undefined) {
      this.state.storage.block(mem);
    } else {
      while (this.state.storage.put(mem, { stat: 0, pdu: fillWith, statusReport: false }) !== undefined) {
        // unread copies in every free slot, as after a long time with nobody reading
      }
    }
    const urc = this.profile.memoryFullUrc?.(mem);
    if (urc !== undefined) this.engine.urc(urc);
  }

  /** Gives blocked capacity back, as if the firmware had cleaned its store. */
  storageFreed(): void {
    this.state.storage.unblock();
    this.network.memoryAvailable();
  }

  stop(): void {
    this.clearTimers();
    this.engine.reset();
    this.engine.offline = true;
    this.network.stop();
    this.wire.clear();
    this.wire.setSink(undefined);
  }
}
