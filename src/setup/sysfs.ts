import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import type { ProfileId } from '../modem/profiles/index.js';
import { knownUsbId, SIERRA_MBIM_ONLY, VENDOR_FAMILY, type UsbMode } from './usb-ids.js';

/**
 * Attached modems, found the way udev sees them: every USB device under
 * <sysfs>/bus/usb/devices with its ids and, per interface (`1-1.2:1.N`), the class, the bound
 * driver, and the tty (`ttyUSB2`, `tty/ttyACM0`), network (`net/wwan0`) and control
 * (`usbmisc/cdc-wdm0`) devices under it. `sysfsRoot` lets tests use a fake tree.
 */
export interface UsbInterface {
  readonly number: number;
  /** bInterfaceClass, two hex digits ("ff" vendor, "08" mass storage, "02" CDC). */
  readonly class: string;
  readonly driver?: string;
  readonly ttys: readonly string[];
  readonly nets: readonly string[];
  readonly controls: readonly string[];
}

export interface FoundModem {
  /** Kernel name, "1-1.2". */
  readonly usbName: string;
  readonly vendorId: string;
  readonly productId: string;
  readonly manufacturer?: string;
  readonly product?: string;
  readonly family?: ProfileId;
  /** Name from the known-id table, else the device's own strings. */
  readonly name: string;
  readonly mode: UsbMode | 'unknown';
  readonly interfaces: readonly UsbInterface[];
  /** tty names, the likeliest AT port first. */
  readonly ttys: readonly string[];
  readonly nets: readonly string[];
  /** What to do before this device can be used, when anything. */
  readonly advice?: string;
  readonly note?: string;
}

async function read(path: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).sort();
  } catch {
    return [];
  }
}

async function readInterface(dir: string): Promise<UsbInterface> {
  const entries = await list(dir);
  const ttys = [...entries.filter((e) => /^tty(USB|ACM)\d+$/.test(e)), ...(await list(join(dir, 'tty'))).filter((e) => /^tty/.test(e))];
  let driver: string | undefined;
  try {
    driver = basename(await fs.readlink(join(dir, 'driver')));
  } catch {
    driver = undefined;
  }
  return {
    number: parseInt((await read(join(dir, 'bInterfaceNumber'))) ?? 'ff', 16),
    class: ((await read(join(dir, 'bInterfaceClass'))) ?? '').toLowerCase(),
    ...(driver ? { driver } : {}),
    ttys: [...new Set(ttys)],
    nets: await list(join(dir, 'net')),
    controls: await list(join(dir, 'usbmisc')),
  };
}

/** USB devices that are, or may become, modems: a supported vendor, or any with a modem tty. */
export async function scanModems(sysfsRoot = '/sys'): Promise<FoundModem[]> {
  const base = join(sysfsRoot, 'bus', 'usb', 'devices');
  const out: FoundModem[] = [];
  for (const name of await list(base)) {
    if (name.includes(':') || name.startsWith('usb')) continue;
    const dir = join(base, name);
    const vendorId = (await read(join(dir, 'idVendor')))?.toLowerCase();
    const productId = (await read(join(dir, 'idProduct')))?.toLowerCase();
    if (!vendorId || !productId) continue;
    const interfaces: UsbInterface[] = [];
    for (const entry of await list(dir)) if (entry.startsWith(`${name}:`)) interfaces.push(await readInterface(join(dir, entry)));
    interfaces.sort((a, b) => a.number - b.number);
    const allTtys = interfaces.flatMap((i) => i.ttys);
    const family = VENDOR_FAMILY[vendorId];
    if (!family && allTtys.length === 0) continue;
    const known = knownUsbId(vendorId, productId);
    const manufacturer = await read(join(dir, 'manufacturer'));
    const product = await read(join(dir, 'product'));
    let mode: FoundModem['mode'] = known?.mode ?? 'unknown';
    let advice = known?.advice;
    if (mode === 'unknown') {
      if (allTtys.length > 0) mode = 'modem';
      else if (interfaces.some((i) => i.class === '08')) mode = 'storage';
      else if (interfaces.some((i) => i.nets.length > 0)) mode = 'network-only';
    }
    // A composition without serial functions (Sierra MBIM-only, a re-configured stick).
    if (mode === 'modem' && allTtys.length === 0) {
      mode = 'network-only';
      advice = family === 'sierra' ? SIERRA_MBIM_ONLY : 'no serial (AT) interface in this USB composition; see the firmware note of the family';
    }
    if (mode === 'storage' && !advice) advice = 'in storage (CD-ROM) mode: install usb-modeswitch and usb-modeswitch-data and re-plug it';
    const atFirst = known?.atInterface;
    const ordered = [...interfaces].sort((a, b) => Number(b.number === atFirst) - Number(a.number === atFirst) || a.number - b.number);
    out.push({
      usbName: name,
      vendorId,
      productId,
      ...(manufacturer ? { manufacturer } : {}),
      ...(product ? { product } : {}),
      ...(known?.family ?? family ? { family: (known?.family ?? family) as ProfileId } : {}),
      name: known?.name ?? ([manufacturer, product].filter(Boolean).join(' ') || `${vendorId}:${productId}`),
      mode,
      interfaces,
      ttys: ordered.flatMap((i) => i.ttys),
      nets: interfaces.flatMap((i) => i.nets),
      ...(advice ? { advice } : {}),
      ...(known ? { note: `firmware-notes/${known.note}` } : family ? { note: `firmware-notes/${family}.md` } : {}),
    });
  }
  return out;
}
