import type { ModemEntry } from '../config/index.js';
import { DeviceWatcher, type DeviceEntry, type DeviceEvent } from '../modem/devices.js';
import { areaLogger, type Logger } from '../util/log.js';
import { knownUsbId } from '../setup/usb-ids.js';
import type { ModemSet } from './modems.js';

/**
 * Hot-plug: the modems named by USB identity (`modems[].usb`) are opened when they are plugged
 * in and released when they are pulled, without restarting the gateway. A DeviceWatcher
 * (src/modem/devices.ts: inotify on the device directory, sysfs for the identity) tells which
 * tty is whose; on `add`/`match` the set opens the entry on that node, on `remove` it closes it
 * (ModemSet.remove: a send in flight there fails and its job goes to another allowed modem
 * under the uncertain-send rules of pipeline/send.ts) and lists it as absent. A USB reset that
 * renumbers the tty is a remove and an add. Events of one modem are handled one after the
 * other, so an unplug during an open closes what the open made.
 *
 * Modems named by `port` are not handled here (they wait for and follow their port by
 * themselves: src/modem/port-owner.ts); they are given to the watcher first so a USB entry
 * never takes a tty one of them names.
 */
export interface Hotplug {
  close(): Promise<void>;
}

export interface HotplugOptions {
  /** Default MMSGW_DEV_DIR, else /dev. */
  readonly devDir?: string;
  /** Default MMSGW_SYSFS_ROOT, else /sys. */
  readonly sysfsRoot?: string;
  /** Scan without events this often (a safety net against dropped inotify events). */
  readonly safetyMs?: number;
}

/** The device directory the watcher looks at: MMSGW_DEV_DIR (tests: the simulator's fake tree), else /dev. */
export function defaultDevDir(): string {
  return process.env['MMSGW_DEV_DIR'] || '/dev';
}

/** Starts watching for the USB-named entries; undefined (no watcher, no wake-ups) when there are none. */
export async function startHotplug(set: ModemSet, entries: readonly ModemEntry[], log: Logger, o: HotplugOptions = {}): Promise<Hotplug | undefined> {
  const byUsb = new Map(entries.filter((e) => e.usb !== null).map((e) => [e.id, e]));
  if (byUsb.size === 0) return undefined;
  const hlog = areaLogger(log, 'hotplug');
  for (const e of byUsb.values()) set.markAbsent(e);
  const watched: DeviceEntry[] = [
    ...entries.filter((e) => e.usb === null && e.modem.port.startsWith('/')).map((e) => ({ id: e.id, port: e.modem.port })),
    ...[...byUsb.values()].flatMap((e) => (e.usb ? [{ id: e.id, usb: e.usb }] : [])),
  ];
  const watcher = new DeviceWatcher({
    entries: watched,
    devDir: o.devDir ?? defaultDevDir(),
    ...(o.sysfsRoot !== undefined ? { sysfsRoot: o.sysfsRoot } : {}),
    ...(o.safetyMs !== undefined ? { safetyMs: o.safetyMs } : {}),
    // An entry that names no interface takes the AT port its USB id is known to have (an EC25's if02).
    atInterface: (vendorId: string, productId: string) => knownUsbId(vendorId, productId)?.atInterface,
    log: areaLogger(log, 'devices'),
  });
  // One queue per modem: plug and unplug of one device in the order they happened.
  const queues = new Map<string, Promise<void>>();
  const run = (id: string, step: () => Promise<void>): void => {
    const next = (queues.get(id) ?? Promise.resolve()).then(step).catch((e: unknown) => hlog.error({ err: e, modem: id }, 'hot-plug step failed'));
    queues.set(id, next);
  };
  const plugged = ({ device, entry }: DeviceEvent): void => {
    const e = entry !== undefined ? byUsb.get(entry) : undefined;
    if (!e) return;
    run(e.id, async () => {
      const held = set.get(e.id);
      if (held?.entry.modem.port === device.node) return;
      if (held) await set.remove(e.id);
      hlog.info({ modem: e.id, node: device.node, usb: device.identity }, 'modem plugged in');
      try {
        await set.add({ ...e, modem: { ...e.modem, port: device.node } });
      } catch (err) {
        hlog.error({ err, modem: e.id, node: device.node }, 'plugged-in modem not added');
        set.markAbsent(e);
      }
    });
  };
  watcher.on('add', plugged).on('match', plugged);
  watcher.on('remove', ({ device, entry }: DeviceEvent) => {
    const e = entry !== undefined ? byUsb.get(entry) : undefined;
    if (!e) return;
    run(e.id, async () => {
      if (set.get(e.id)?.entry.modem.port !== device.node) return; // not open there (its open failed)
      hlog.info({ modem: e.id, node: device.node, usb: device.identity }, 'modem unplugged');
      await set.remove(e.id);
      set.markAbsent(e);
    });
  });
  await watcher.start();
  hlog.info({ modems: [...byUsb.keys()], devDir: watcher.devDir }, 'watching for modems named by USB identity');
  return {
    close: async () => {
      await watcher.close();
      await Promise.all(queues.values());
    },
  };
}
