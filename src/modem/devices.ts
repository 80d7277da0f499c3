import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { logger, type Logger } from '../util/log.js';
import { watchDirs, type DirWaiter } from './dir-watch.js';
import { MODEM_TTY, defaultSysfsRoot, identityOf, resolveTty, sameIdentity, usbPortOf, type UsbIdentity } from './usb.js';

/**
 * The device watcher: modems plugged in and out while the gateway runs, as udev's add/remove
 * events tell them, without udev and without polling. Linux facts relied on:
 *   - The kernel creates a tty's sysfs entry (/sys/class/tty/ttyUSB2) before devtmpfs makes
 *     its node (/dev/ttyUSB2), and removes both on disconnect (drivers/base/core.c device_add
 *     → devtmpfs_create_node); so when the node shows up, sysfs already says which USB
 *     interface it is (see ./usb.ts for the sysfs layout: idVendor, idProduct, serial,
 *     bInterfaceNumber).
 *   - Node creation and removal in /dev notify inotify watchers (./dir-watch.ts), as do udev's
 *     links under /dev/serial/by-id (systemd's 60-serial.rules), made a little later.
 * A change in a watched directory triggers a scan of the device directory (a few hundred
 * names); a safety timer (default 60 s) scans anyway in case inotify dropped events.
 *
 * Events (listeners get one object):
 *   'add'    { device, entry? }  a modem tty appeared (at start() for those already there)
 *   'match'  { device, entry }   a tty present earlier now matches an entry (its udev link came
 *                                after it, or the entries changed)
 *   'remove' { device, entry? }  it went; `entry` is the one it was matched to
 * Each entry is matched by at most one tty at a time, each tty by at most one entry (the
 * first in the list). An entry named by `port` only follows the USB function it was first
 * bound to: after a USB reset it is removed and added again under the new node (ttyUSB2 →
 * ttyUSB6), and a device that took its old name is not bound to it. Wiring it to the modem set:
 *
 *   const w = new DeviceWatcher({ entries });
 *   const up = ({ device, entry }: DeviceEvent) => entry && set.add({ ...byId(entry), port: device.node });
 *   w.on('add', up).on('match', up).on('remove', ({ entry }: DeviceEvent) => entry && set.remove(entry));
 *   await w.start();
 */

/** A modem tty: its node, its kernel name, the USB function it belongs to, udev links to it. */
export interface ModemDevice {
  /** The node to open: <devDir>/ttyUSB2. */
  readonly node: string;
  /** Kernel name, "ttyUSB2". */
  readonly tty: string;
  readonly identity: UsbIdentity;
  /** Links under <devDir>/serial/by-id that lead to it (when udev has made them). */
  readonly links: readonly string[];
}

/** A configured modem, as the watcher recognises it. At least one of `port` and `usb`. */
export interface DeviceEntry {
  readonly id: string;
  /** /dev/ttyUSB2, or a link to it (/dev/serial/by-id/…, the udev name /dev/mmsgw-modem). */
  readonly port?: string;
  /** USB identity: vendor id, and whatever else narrows it to one unit and one interface. */
  readonly usb?: {
    readonly vendorId: string;
    readonly productId?: string;
    readonly serial?: string;
    /** Bus port path, "1-1.2": the socket it sits in. */
    readonly usbPath?: string;
    /** bInterfaceNumber of the AT port; default: `atInterface(vendorId, productId)`. */
    readonly interfaceNumber?: number;
  };
}

export interface DeviceEvent {
  readonly device: ModemDevice;
  readonly entry?: string;
}

export interface DeviceWatcherOptions {
  /** Default /dev. */
  readonly devDir?: string;
  /** Default /sys (or MMSGW_SYSFS_ROOT). */
  readonly sysfsRoot?: string;
  readonly entries?: readonly DeviceEntry[];
  /** The AT interface of a known USB id, for entries that do not name one (e.g. knownUsbId()?.atInterface). */
  readonly atInterface?: (vendorId: string, productId: string) => number | undefined;
  /** Scan even without events this often. Default 60 s. */
  readonly safetyMs?: number;
  readonly log?: Logger;
}

/**
 * Whether `device` is the one `entry` names. `port` matches the node itself, a link leading to
 * it (resolved now), or one of its by-id links; `usb` matches the identity, the interface
 * defaulting to the known AT interface of the id — without either, only a device with a
 * single tty matches (`ttysOfDevice`).
 */
export async function matchEntry(entry: DeviceEntry, device: ModemDevice, options: { sysfsRoot?: string; atInterface?: DeviceWatcherOptions['atInterface']; ttysOfDevice?: number } = {}): Promise<boolean> {
  if (entry.port !== undefined) {
    const port = resolve(entry.port);
    if (port === device.node || device.links.includes(port)) return true;
    const t = await resolveTty(port, options.sysfsRoot ?? defaultSysfsRoot());
    if (t?.tty === device.tty && resolve(dirname(t.node)) === dirname(device.node)) return true;
    if (entry.usb === undefined) return false;
  }
  const u = entry.usb;
  if (u === undefined) return false;
  const id = device.identity;
  if (u.vendorId.toLowerCase() !== id.vendorId) return false;
  if (u.productId !== undefined && u.productId.toLowerCase() !== id.productId) return false;
  if (u.serial !== undefined && u.serial !== id.serial) return false;
  if (u.usbPath !== undefined && u.usbPath !== id.usbPath) return false;
  const iface = u.interfaceNumber ?? options.atInterface?.(id.vendorId, id.productId);
  if (iface !== undefined) return iface === id.interfaceNumber;
  return (options.ttysOfDevice ?? 1) === 1;
}

export class DeviceWatcher extends EventEmitter {
  readonly devDir: string;
  readonly sysfsRoot: string;
  private entries: readonly DeviceEntry[];
  private readonly o: DeviceWatcherOptions;
  private readonly log: Logger;
  private readonly known = new Map<string, ModemDevice>();
  /** tty → entry id. */
  private readonly bound = new Map<string, string>();
  /** entry id → the USB function a port-only entry was bound to (it follows it across renumbering). */
  private readonly followed = new Map<string, UsbIdentity>();
  private readonly refused = new Set<string>();
  private waiter: DirWaiter | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(options: DeviceWatcherOptions = {}) {
    super();
    this.o = options;
    this.devDir = resolve(options.devDir ?? '/dev');
    this.sysfsRoot = options.sysfsRoot ?? defaultSysfsRoot();
    this.entries = options.entries ?? [];
    this.log = options.log ?? logger('devices');
  }

  /** Scans once (emitting 'add' for every modem tty already there), then watches. */
  async start(): Promise<void> {
    const waiter = (this.waiter = watchDirs(this.dirs()));
    await this.scan();
    this.running = this.loop(waiter);
  }

  /** The modem ttys present now. */
  devices(): ModemDevice[] {
    return [...this.known.values()];
  }

  /** The tty an entry is bound to now, if any. */
  match(entry: DeviceEntry | string): ModemDevice | undefined {
    const id = typeof entry === 'string' ? entry : entry.id;
    for (const [tty, e] of this.bound) if (e === id) return this.known.get(tty);
    return undefined;
  }

  /** Replaces the configured entries: bindings whose entry is gone are dropped (no event), unbound ttys are matched again. */
  async setEntries(entries: readonly DeviceEntry[]): Promise<void> {
    this.entries = entries;
    for (const [tty, id] of [...this.bound]) if (!entries.some((e) => e.id === id)) this.bound.delete(tty);
    for (const id of [...this.followed.keys()]) if (!entries.some((e) => e.id === id && e.usb === undefined)) this.followed.delete(id);
    await this.scan();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiter?.close();
    await this.running;
  }

  private dirs(): string[] {
    const ports = this.entries.flatMap((e) => (e.port !== undefined ? [dirname(resolve(e.port))] : []));
    return [this.devDir, join(this.devDir, 'serial', 'by-id'), ...ports];
  }

  private async loop(first: DirWaiter): Promise<void> {
    let waiter = first;
    const safety = this.o.safetyMs ?? 60_000;
    while (!this.closed) {
      await waiter.next(safety);
      waiter.close();
      if (this.closed) return;
      // Armed again before looking, so nothing between this scan and the next wait is missed.
      waiter = this.waiter = watchDirs(this.dirs());
      await this.scan().catch((e: unknown) => this.log.warn({ err: e }, 'device scan failed'));
    }
    waiter.close();
  }

  private async links(): Promise<Map<string, string[]>> {
    const byId = join(this.devDir, 'serial', 'by-id');
    const out = new Map<string, string[]>();
    let names: string[];
    try {
      names = await fs.readdir(byId);
    } catch {
      return out;
    }
    for (const n of names) {
      const t = await resolveTty(join(byId, n), this.sysfsRoot);
      if (t) out.set(t.tty, [...(out.get(t.tty) ?? []), join(byId, n)]);
    }
    return out;
  }

  private scanning: Promise<void> | undefined;

  /** Single flight: a scan asked for while one runs runs again after it. */
  private scan(): Promise<void> {
    const next = (this.scanning ?? Promise.resolve()).then(() => this.scanOnce());
    this.scanning = next.finally(() => {
      if (this.scanning === next) this.scanning = undefined;
    });
    return next;
  }

  private async scanOnce(): Promise<void> {
    let names: string[];
    try {
      names = (await fs.readdir(this.devDir)).filter((n) => MODEM_TTY.test(n)).sort();
    } catch {
      names = [];
    }
    const links = await this.links();
    const now = new Map<string, ModemDevice>();
    for (const tty of names) {
      const port = await usbPortOf(tty, this.sysfsRoot);
      if (!port) continue; // not on USB, or its sysfs entry already gone
      now.set(tty, { node: join(this.devDir, tty), tty, identity: identityOf(port), links: links.get(tty) ?? [] });
    }
    for (const [tty, device] of this.known) {
      const still = now.get(tty);
      // Gone, or the name now belongs to another device (a remove and an add between scans).
      if (still && sameDevice(still, device)) continue;
      this.known.delete(tty);
      const entry = this.bound.get(tty);
      this.bound.delete(tty);
      this.log.info({ tty, usb: device.identity, entry }, 'modem port removed');
      this.emit('remove', { device, ...(entry !== undefined ? { entry } : {}) } satisfies DeviceEvent);
    }
    const fresh: ModemDevice[] = [];
    for (const [tty, device] of now) {
      if (this.known.has(tty)) this.known.set(tty, device); // links may have changed
      else fresh.push(device);
    }
    for (const device of fresh) this.known.set(device.tty, device);
    for (const device of fresh) {
      const entry = await this.bind(device);
      this.log.info({ tty: device.tty, usb: device.identity, entry }, 'modem port added');
      this.emit('add', { device, ...(entry !== undefined ? { entry } : {}) } satisfies DeviceEvent);
    }
    // Present earlier, unbound then: a link that came after the node, or new entries.
    for (const device of this.known.values()) {
      if (this.bound.has(device.tty) || fresh.includes(device)) continue;
      const entry = await this.bind(device);
      if (entry !== undefined) this.emit('match', { device, entry } satisfies DeviceEvent);
    }
  }

  private matches(e: DeviceEntry, device: ModemDevice, siblings: number): Promise<boolean> {
    return matchEntry(e, device, { sysfsRoot: this.sysfsRoot, ttysOfDevice: siblings, ...(this.o.atInterface ? { atInterface: this.o.atInterface } : {}) });
  }

  private take(e: DeviceEntry, device: ModemDevice): string {
    this.bound.set(device.tty, e.id);
    if (e.usb === undefined) this.followed.set(e.id, device.identity);
    return e.id;
  }

  private async bind(device: ModemDevice): Promise<string | undefined> {
    const taken = new Set(this.bound.values());
    const siblings = [...this.known.values()].filter((d) => d.identity.usbPath === device.identity.usbPath).length;
    for (const e of this.entries) {
      if (taken.has(e.id)) continue;
      const follows = e.usb === undefined ? this.followed.get(e.id) : undefined;
      if (follows !== undefined) {
        // Bound before by its port name: now the same USB function under whatever name it has
        // (a USB reset renumbers it), never another device that took the old name.
        if (sameIdentity(follows, device.identity)) return this.take(e, device);
        const key = `${e.id} ${device.tty}`;
        if (!this.refused.has(key) && (await this.matches(e, device, siblings))) {
          this.refused.add(key);
          this.log.warn({ entry: e.id, tty: device.tty, has: device.identity, want: follows }, 'the port name of this entry now belongs to another device; not binding it (restart to accept a replacement)');
        }
        continue;
      }
      if (await this.matches(e, device, siblings)) return this.take(e, device);
    }
    return undefined;
  }
}

function sameDevice(a: ModemDevice, b: ModemDevice): boolean {
  const x = a.identity;
  const y = b.identity;
  return x.vendorId === y.vendorId && x.productId === y.productId && x.serial === y.serial && x.usbPath === y.usbPath && x.interfaceNumber === y.interfaceNumber;
}
