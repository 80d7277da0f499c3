import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * The USB device behind a tty, found through sysfs: /sys/class/tty/ttyUSB2/device links into
 * the interface directory (…/1-1.2/1-1.2:1.2/ttyUSB2), whose parent holding `idVendor` is the
 * USB device (`1-1.2`). `sysfsRoot` lets tests point at a temporary tree.
 */
export interface UsbDevice {
  /** Kernel name, e.g. "1-1.2" — what drivers/usb/{unbind,bind} take. */
  readonly name: string;
  readonly sysPath: string;
  readonly vendorId: string;
  readonly productId: string;
}

async function readTrim(path: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

export async function findUsbDevice(ttyPath: string, sysfsRoot = '/sys'): Promise<UsbDevice | undefined> {
  let node: string;
  try {
    node = basename(await fs.realpath(ttyPath));
  } catch {
    return undefined;
  }
  let dir: string;
  try {
    dir = await fs.realpath(join(sysfsRoot, 'class', 'tty', node, 'device'));
  } catch {
    return undefined;
  }
  for (let i = 0; i < 6 && dir !== dirname(dir); i++, dir = dirname(dir)) {
    const vendorId = await readTrim(join(dir, 'idVendor'));
    if (vendorId !== undefined) {
      const productId = (await readTrim(join(dir, 'idProduct'))) ?? '';
      return { name: basename(dir), sysPath: dir, vendorId: vendorId.toLowerCase(), productId: productId.toLowerCase() };
    }
  }
  return undefined;
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
  const root = options.sysfsRoot ?? '/sys';
  const write = options.write ?? writeSysfs;
  await write(join(root, 'bus', 'usb', 'drivers', 'usb', 'unbind'), device.name);
  await new Promise((r) => setTimeout(r, options.pauseMs ?? 1000));
  await write(join(root, 'bus', 'usb', 'drivers', 'usb', 'bind'), device.name);
}

/** power/control = "on": keeps the kernel from autosuspending the modem (a suspended modem misses URCs). */
export async function disableAutosuspend(device: UsbDevice, write: SysfsWriter = writeSysfs): Promise<void> {
  await write(join(device.sysPath, 'power', 'control'), 'on');
}
