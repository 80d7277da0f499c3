import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import type { Config } from '../config/index.js';
import { configForModem, modemStateDir, type ModemEntry } from '../config/modems.js';
import { modemHealth, writeModemsIndex, type Modem, type ModemHealth, type ModemStatus } from '../modem/index.js';
import { MmsgwError } from '../util/errors.js';
import { areaLogger, childLogger, type Logger } from '../util/log.js';
import { needsSimIdentity, waitForSimIdentity } from './carrier-settings.js';
import { createMm1, type Mm1Wiring } from './mmsc.js';
import { openModem } from './modem.js';

/** How long adding a modem waits for its SIM identity when its MMS settings come from the SIM. */
const SIM_IDENTITY_WAIT_MS = 60_000;

/** One modem of the set: its configuration entry, the Modem (AT engine, recovery ladder, health) and its MM1 client. */
export interface ModemUnit {
  readonly id: string;
  readonly entry: ModemEntry;
  /** The configuration as this modem sees it (configForModem). */
  readonly config: Config;
  readonly modem: Modem;
  /** Undefined when no MMSC is known for this SIM (SMS only). */
  readonly mm1: Mm1Wiring | undefined;
  /** Where its status file is (`<dir>/modem-status.json`). */
  readonly statusDir: string;
}

/** What status, doctor, the web interface and the API show of each modem. */
export interface ModemView {
  readonly id: string;
  readonly number: string | null;
  readonly port: string;
  readonly profile: string | null;
  readonly sends: boolean;
  readonly status: ModemStatus;
  readonly health: ModemHealth;
}

/** An SMS a modem handed over, with the modem's id (the no-loss contract of Modem.onSms holds). */
export type SetSmsHandler = (unit: ModemUnit, sms: Parameters<Parameters<Modem['onSms']>[0]>[0]) => Promise<void>;

export interface ModemSetOptions {
  readonly config: Config;
  readonly log: Logger;
  /** Called for every received SMS, before the modem deletes it. */
  readonly onSms: SetSmsHandler;
  /** Opens a modem (tests inject; default openModem on the entry's view). */
  readonly open?: (view: Config, log: Logger, entry: ModemEntry) => Promise<Modem>;
  readonly simIdentityWaitMs?: number;
}

/**
 * The box's modems: one Modem and one MM1 client per configured entry, each with its own AT
 * engine, recovery ladder, health and carrier settings, over one store and one pipeline.
 * `add` and `remove` pick up or release a modem at run time (a USB modem plugged in or out);
 * `remove` lets a send in flight on that modem end (it fails, and its job is retried on
 * another modem under the uncertain-send rules of pipeline/send.ts).
 *
 * Events: 'add' (ModemUnit), 'remove' (ModemUnit), 'status' (ModemUnit, ModemStatus).
 */
export class ModemSet extends EventEmitter {
  private readonly units = new Map<string, ModemUnit>();
  /** Modems named by USB identity that are not plugged in: shown as `absent` until `add`. */
  private readonly absent = new Map<string, ModemEntry>();
  private readonly pending = new Set<string>();
  /** Position of each modem: the configuration's order, whatever order their ports open in. */
  private readonly order = new Map<string, number>();
  private nextOrder = 0;
  /** SMS are handed over only once the pipeline runs (`rearm`); until then they wait on the SIM. */
  private armed = false;
  /** closeAll: the list file keeps the last modems, so status shows their last word. */
  private closing = false;
  private readonly statusListeners = new Map<string, (s: ModemStatus) => void>();

  constructor(private readonly o: ModemSetOptions) {
    super();
  }

  /** Opens the modem of `entry` (waiting for its port when it is not there yet) and adds it. */
  async add(entry: ModemEntry): Promise<ModemUnit> {
    if (this.units.has(entry.id) || this.pending.has(entry.id)) throw new MmsgwError('MODEM_DUPLICATE', `modem '${entry.id}' is already in the set`);
    const clash = [...this.units.values()].find((u) => u.entry.modem.port === entry.modem.port);
    if (clash) throw new MmsgwError('MODEM_DUPLICATE', `port ${entry.modem.port} is already held by modem '${clash.id}'`);
    this.pending.add(entry.id);
    if (!this.order.has(entry.id)) this.order.set(entry.id, this.nextOrder++);
    try {
      const view = configForModem(this.o.config, entry);
      const statusDir = modemStateDir(this.o.config, entry);
      mkdirSync(statusDir, { recursive: true, mode: 0o700 });
      const log = childLogger(this.o.log, { modem: entry.id });
      const modem = await (this.o.open ?? ((v, l) => openModem(v, l)))(view, areaLogger(log, 'modem'), entry);
      // MMS settings left to the carrier database need the SIM: wait (bounded) for a late modem.
      const waitMs = this.o.simIdentityWaitMs ?? SIM_IDENTITY_WAIT_MS;
      if (needsSimIdentity(view) && !(await waitForSimIdentity(modem, waitMs))) log.warn({ waitedMs: waitMs }, 'no SIM identity yet: MMS settings cannot be looked up');
      let mm1: Mm1Wiring | undefined;
      try {
        mm1 = await createMm1(view, modem, areaLogger(log, 'mm1'));
      } catch (e) {
        await modem.close();
        throw e;
      }
      const unit: ModemUnit = { id: entry.id, entry, config: view, modem, mm1, statusDir };
      const onStatus = (s: ModemStatus): void => void this.emit('status', unit, s);
      modem.on('status', onStatus);
      this.statusListeners.set(entry.id, onStatus);
      this.units.set(entry.id, unit);
      this.absent.delete(entry.id);
      if (this.armed) modem.onSms((sms) => this.o.onSms(unit, sms));
      this.writeIndex();
      this.emit('add', unit);
      return unit;
    } finally {
      this.pending.delete(entry.id);
    }
  }

  /** Closes the modem `id` and drops it from the set; false when there is none. */
  async remove(id: string): Promise<boolean> {
    const unit = this.units.get(id);
    if (!unit) return false;
    this.units.delete(id);
    const onStatus = this.statusListeners.get(id);
    if (onStatus) unit.modem.off('status', onStatus);
    this.statusListeners.delete(id);
    this.writeIndex();
    await unit.modem.close();
    await unit.mm1?.close();
    this.emit('remove', unit);
    return true;
  }

  /** Lists `entry` (a modem named by USB identity, not plugged in) as absent until it is added. */
  markAbsent(entry: ModemEntry): void {
    if (this.units.has(entry.id)) return;
    if (!this.order.has(entry.id)) this.order.set(entry.id, this.nextOrder++);
    this.absent.set(entry.id, entry);
    this.writeIndex();
  }

  get(id: string): ModemUnit | undefined {
    return this.units.get(id);
  }

  /** The modems in the order they were added. */
  list(): ModemUnit[] {
    return [...this.units.values()].sort((a, b) => (this.order.get(a.id) ?? 0) - (this.order.get(b.id) ?? 0));
  }

  /** Starts (or restarts, after intake was paused: disk full) handing every modem's SMS to the handler; stored ones first. */
  rearm(): void {
    this.armed = true;
    for (const u of this.units.values()) u.modem.onSms((sms) => this.o.onSms(u, sms));
  }

  /** The first modem (the one `modem-status.json`, MQTT and hooks describe). */
  first(): ModemUnit | undefined {
    return this.list().find((u) => u.entry.primary) ?? this.list()[0];
  }

  /**
   * The own number of a modem: configured (`number`, `box.numbers[].port`), else for the first
   * modem `box.ownNumber` (as with one modem), else for the others what its SIM tells (+CNUM).
   */
  numberOf(id: string): string | undefined {
    const u = this.units.get(id);
    if (!u) return undefined;
    if (u.entry.number !== null) return u.entry.number;
    // The first modem: what one modem always had (box.ownNumber, else the first unbound box number).
    if (u.entry.primary) return this.o.config.box.ownNumber ?? this.o.config.box.numbers.find((n) => n.port === null)?.number;
    return u.modem.status().msisdn;
  }

  /** The modem holding own number `number`. */
  byNumber(number: string): ModemUnit | undefined {
    return this.list().find((u) => this.numberOf(u.id) === number);
  }

  views(): ModemView[] {
    const present = this.list().map((u): ModemView => {
      const status = u.modem.status();
      return { id: u.id, number: this.numberOf(u.id) ?? null, port: u.entry.modem.port, profile: status.profile ?? null, sends: u.entry.limits.send, status, health: modemHealth(status) };
    });
    const absent = [...this.absent.values()].map((e): ModemView => {
      const status: ModemStatus = { port: e.modem.port, state: 'absent', sim: 'unknown', registration: { state: 'unknown' } };
      return { id: e.id, number: e.number, port: e.modem.port, profile: null, sends: e.limits.send, status, health: modemHealth(status) };
    });
    return [...present, ...absent].sort((a, b) => (this.order.get(a.id) ?? 0) - (this.order.get(b.id) ?? 0));
  }

  async closeAll(): Promise<void> {
    this.closing = true;
    for (const id of [...this.units.keys()].reverse()) await this.remove(id);
  }

  private statusDirOf(id: string): string {
    const u = this.units.get(id);
    if (u) return u.statusDir;
    const e = this.absent.get(id);
    return e ? modemStateDir(this.o.config, e) : '';
  }

  /** `<stateDir>/modems.json`: id, port, number and status directory of each modem, for the commands run beside the gateway. */
  private writeIndex(): void {
    if (this.closing) return;
    const list = this.views().map((v) => ({ id: v.id, port: v.port, number: v.number, statusDir: this.statusDirOf(v.id), sends: v.sends, ...(v.status.state === 'absent' ? { absent: true } : {}) }));
    try {
      writeModemsIndex(this.o.config.stateDir, list);
    } catch (e) {
      this.o.log.warn({ err: e }, 'could not write the modem list for status');
    }
  }
}
