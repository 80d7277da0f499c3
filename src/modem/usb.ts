import { promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * The USB device behind a tty, found through sysfs as udev finds it. Linux facts relied on
 * (Documentation/ABI/testing/sysfs-bus-usb, drivers/usb/serial/bus.c):
 *   - /sys/class/tty/<tty>/device links to the tty's parent device: for usb-serial the port
 *     device (…/1-1.2/1-1.2:1.2/ttyUSB2), for cdc-acm the interface itself (…/1-1.2:1.0).
 *   - The USB interface directory (`<usb-path>:<config>.<interface>`) holds bInterfaceNumber
 *     (two hex digits: udev's ID_USB_INTERFACE_NUM); its parent, the USB device (`1-1.2`,
 *     the port path on the bus: the kernel name that drivers/usb/{unbind,bind} take), holds
 *     idVendor, idProduct and, when the firmware has one, serial (iSerialNumber).
 * `sysfsRoot` lets tests and the simulator point at a tree of their own (default /sys, or
 * MMSGW_SYSFS_ROOT for a gateway run against the simulator's fake USB tree).
 */
export interface UsbDevice {
  /** Kernel name, e.g. "1-1.2" — what drivers/usb/{unbind,bind} take. */
  readonly name: string;
  readonly sysPath: string;
  readonly vendorId: string;
  readonly productId: string;
  /** iSerialNumber, when the device has one. */
  readonly serial?: string;
}

/** One tty of a USB device: which interface it is, and its kernel name. */
export interface UsbPort {
  /** Kernel name of the tty, "ttyUSB2" / "ttyACM0" (the node is <devDir>/<tty>). */
  readonly tty: string;
  /** bInterfaceNumber (udev ID_USB_INTERFACE_NUM), e.g. 2 for a Quectel's AT port. */
  readonly interfaceNumber: number;
  readonly device: UsbDevice;
}

/** What stays the same when a modem re-enumerates under another ttyUSB number. */
export interface UsbIdentity {
  readonly vendorId: string;
  readonly productId: string;
  readonly serial?: string;
  /** The USB device's kernel name (bus port path), "1-1.2"; stable while it stays in its socket. */
  readonly usbPath: string;
  readonly interfaceNumber: number;
}

export function defaultSysfsRoot(): string {
  return process.env['MMSGW_SYSFS_ROOT'] || '/sys';
}

async function readTrim(path: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  return fs.lstat(path).then(
    () => true,
    () => false,
  );
}

/** Kernel tty names a modem's serial functions get (usb-serial drivers, cdc-acm). */
export const MODEM_TTY = /^tty(USB|ACM)\d+$/;

/**
 * The kernel name of the tty a path leads to: the first name along its symlink chain that
 * sysfs lists under class/tty. /dev/ttyUSB2 is its own answer; a udev link
 * (/dev/mmsgw-modem, /dev/serial/by-id/usb-…-if02-port0 → ../../ttyUSB2) is followed to it.
 * The simulator's device directory links ttyUSBn to a pty; the chain stops at ttyUSBn.
 */
export async function resolveTty(path: string, sysfsRoot = defaultSysfsRoot()): Promise<{ tty: string; node: string } | undefined> {
  let p = resolve(path);
  for (let hop = 0; hop < 16; hop++) {
    let st;
    try {
      st = await fs.lstat(p);
    } catch {
      return undefined;
    }
    if (await exists(join(sysfsRoot, 'class', 'tty', basename(p)))) return { tty: basename(p), node: p };
    if (!st.isSymbolicLink()) return undefined;
    try {
      p = resolve(dirname(p), await fs.readlink(p));
    } catch {
      return undefined; // removed meanwhile (udev takes its links down first)
    }
  }
  return undefined;
}

/** The USB interface and device above a tty name, or undefined when it is not on USB. */
export async function usbPortOf(tty: string, sysfsRoot = defaultSysfsRoot()): Promise<UsbPort | undefined> {
  let dir: string;
  try {
    dir = await fs.realpath(join(sysfsRoot, 'class', 'tty', tty, 'device'));
  } catch {
    return undefined;
  }
  let interfaceNumber: number | undefined;
  for (let i = 0; i < 6 && dir !== dirname(dir); i++, dir = dirname(dir)) {
    if (interfaceNumber === undefined) {
      const n = await readTrim(join(dir, 'bInterfaceNumber'));
      if (n !== undefined) interfaceNumber = parseInt(n, 16);
    }
    const vendorId = await readTrim(join(dir, 'idVendor'));
    if (vendorId !== undefined) {
      const productId = (await readTrim(join(dir, 'idProduct'))) ?? '';
      const serial = await readTrim(join(dir, 'serial'));
      const device: UsbDevice = { name: basename(dir), sysPath: dir, vendorId: vendorId.toLowerCase(), productId: productId.toLowerCase(), ...(serial ? { serial } : {}) };
      return { tty, interfaceNumber: interfaceNumber ?? -1, device };
    }
  }
  return undefined;
}

export async function findUsbDevice(ttyPath: string, sysfsRoot = defaultSysfsRoot()): Promise<UsbDevice | undefined> {
  const t = await resolveTty(ttyPath, sysfsRoot);
  return t ? (await usbPortOf(t.tty, sysfsRoot))?.device : undefined;
}

export function identityOf(port: UsbPort): UsbIdentity {
  const d = port.device;
  return { vendorId: d.vendorId, productId: d.productId, ...(d.serial ? { serial: d.serial } : {}), usbPath: d.name, interfaceNumber: port.interfaceNumber };
}

/**
 * Same modem function: same ids and interface, and the same serial number when the device has
 * one, else the same bus path (two units of one model without serials are told apart only by
 * the socket they sit in).
 */
export function sameIdentity(a: UsbIdentity, b: UsbIdentity): boolean {
  if (a.vendorId !== b.vendorId || a.productId !== b.productId || a.interfaceNumber !== b.interfaceNumber) return false;
  if (a.serial !== undefined || b.serial !== undefined) return a.serial === b.serial;
  return a.usbPath === b.usbPath;
}

/** Every modem-like tty sysfs knows now (class/tty/ttyUSB*, ttyACM*), with its USB port. */
export async function listUsbTtys(sysfsRoot = defaultSysfsRoot()): Promise<UsbPort[]> {
  let names: string[];
  try {
    names = (await fs.readdir(join(sysfsRoot, 'class', 'tty'))).filter((n) => MODEM_TTY.test(n));
  } catch {
    return [];
  }
  const out: UsbPort[] = [];
  for (const n of names.sort()) {
    const p = await usbPortOf(n, sysfsRoot);
    if (p) out.push(p);
  }
  return out;
}

export interface SysfsWriter {
  (path: string, data: string): Promise<void>;
}

export const writeSysfs: SysfsWriter = (path, data) => fs.writeFile(path, data);

/**
 * Unbinds and rebinds the device from the generic USB driver: the kernel tears down and
 * re-creates every interface (ttyUSB ports, wwan), as after a replug, without power loss.
 */
export async function rebindUsb(device: UsbDevice, options: { sysfsRoot?: string; write?: SysfsWriter; pauseMs?: number } = {}): Promise<void> {
  const root = options.sysfsRoot ?? defaultSysfsRoot();
  const write = options.write ?? writeSysfs;
  await write(join(root, 'bus', 'usb', 'drivers', 'usb', 'unbind'), device.name);
  await new Promise((r) => setTimeout(r, options.pauseMs ?? 1000));
  await write(join(root, 'bus', 'usb', 'drivers', 'usb', 'bind'), device.name);
}

/** power/control = "on": keeps the kernel from autosuspending the modem (a suspended modem misses URCs). */
export async function disableAutosuspend(device: UsbDevice, write: SysfsWriter = writeSysfs): Promise<void> {
  await write(join(device.sysPath, 'power', 'control'), 'on');
}
