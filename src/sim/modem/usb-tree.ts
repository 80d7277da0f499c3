/**
 * The simulated modem as the kernel and udev show a USB modem: a device directory standing
 * for /dev and a sysfs tree standing for /sys, both under one directory (`<dir>/dev`,
 * `<dir>/sys`) that several simulators may share. While plugged in:
 *
 *   dev/ttyUSB<n>                    one node per serial interface; the AT interface's is a
 *                                    symlink to the simulator's pty, the others to /dev/null
 *   dev/serial/by-id/usb-<Vendor>_<Model>_<Serial>-if<NN>-port0 -> ../../ttyUSB<n>
 *                                    the stable name systemd's 60-serial.rules gives a
 *                                    usb-serial port (ID_SERIAL, ID_USB_INTERFACE_NUM, port_number)
 *   sys/devices/platform/usb1/<usb-path>/            idVendor idProduct serial manufacturer product
 *     <usb-path>:1.<i>/                              bInterfaceNumber (hex) bInterfaceClass
 *       ttyUSB<n>/tty/ttyUSB<n>/{dev, device -> ../../../ttyUSB<n>}
 *   sys/class/tty/ttyUSB<n> -> ../../devices/…/ttyUSB<n>/tty/ttyUSB<n>
 *   sys/bus/usb/devices/<usb-path>, <usb-path>:1.<i> -> the directories above
 *
 * Unplugging (or a USB reset) removes all of it — udev's links first, then the nodes and the
 * sysfs entries — and plugging in creates it again under new tty numbers: usb-serial takes the
 * lowest free minor (drivers/usb/serial/usb-serial.c, allocate_minors()), and the minors of the
 * vanished ports stay taken while a program still holds them open (the port is released with
 * its last tty reference), so a gateway that had /dev/ttyUSB2 open finds its modem back as
 * /dev/ttyUSB6 (four serial interfaces: 0–3 held, 4–7 new, the AT one is the third).
 */
import { lstatSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, relative } from 'node:path';

/** What a profile's real unit enumerates as (ids and interface layout as in systemd/udev/70-mmsgw-modem.rules). */
export interface SimUsbModel {
  readonly vendorId: string;
  readonly productId: string;
  /** udev's ID_VENDOR / ID_MODEL: the device strings with white space made '_'. */
  readonly manufacturer: string;
  readonly product: string;
  /** bInterfaceNumber of every serial (ttyUSB) interface. */
  readonly serialInterfaces: readonly number[];
  /** The one that answers AT. */
  readonly atInterface: number;
}

export const SIM_USB_MODELS: Readonly<Record<string, SimUsbModel>> = {
  // No vendor: the 3GPP-only simulated modem, one serial interface.
  generic: { vendorId: '0000', productId: '0000', manufacturer: 'mmsgw', product: 'Simulated_Modem', serialInterfaces: [0], atInterface: 0 },
  quectel: { vendorId: '2c7c', productId: '0125', manufacturer: 'Quectel', product: 'EC25', serialInterfaces: [0, 1, 2, 3], atInterface: 2 },
  huawei: { vendorId: '12d1', productId: '1506', manufacturer: 'HUAWEI_MOBILE', product: 'HUAWEI_MOBILE', serialInterfaces: [0, 1, 2], atInterface: 2 },
  simcom: { vendorId: '1e0e', productId: '9001', manufacturer: 'SimTech__Incorporated', product: 'SimTech__Incorporated', serialInterfaces: [0, 1, 2, 3, 4], atInterface: 2 },
  sierra: { vendorId: '1199', productId: '9071', manufacturer: 'Sierra_Wireless__Incorporated', product: 'MC7455', serialInterfaces: [0, 2, 3], atInterface: 3 },
  zte: { vendorId: '19d2', productId: '0031', manufacturer: 'ZTE_Incorporated', product: 'ZTE_WCDMA_Technologies_MSM', serialInterfaces: [0, 1, 2], atInterface: 2 },
};

export interface SimUsbOptions {
  /** Holds dev/ and sys/; created when missing; may be shared by several simulators. */
  readonly dir: string;
  /** iSerialNumber (default: random, 12 hex digits). */
  readonly serial?: string;
  /** Kernel name of the device, its bus port path (default: the first free 1-1.<k>). */
  readonly usbPath?: string;
}

export interface SimUsbState {
  readonly devDir: string;
  readonly sysfsRoot: string;
  readonly usbPath: string;
  readonly serial: string;
  readonly vendorId: string;
  readonly productId: string;
  readonly atInterface: number;
  /** The stable udev name of the AT port. */
  readonly byId: string;
  /** The AT port's node now (dev/ttyUSB<n>), undefined while unplugged. */
  readonly tty: string | undefined;
}

function isThere(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function rel(from: string, to: string): string {
  return relative(from, to) || '.';
}

export class SimUsbTree {
  readonly devDir: string;
  readonly sysfsRoot: string;
  readonly usbPath: string;
  readonly serial: string;
  private readonly model: SimUsbModel;
  /** Interface number -> tty number while plugged in. */
  private ttys = new Map<number, number>();
  /** Minors of the ports that vanished last, still held open (see the header). */
  private held = new Set<number>();

  constructor(profile: string, options: SimUsbOptions) {
    this.model = SIM_USB_MODELS[profile] ?? SIM_USB_MODELS['generic']!;
    this.devDir = join(options.dir, 'dev');
    this.sysfsRoot = join(options.dir, 'sys');
    for (const d of [join(this.devDir, 'serial', 'by-id'), join(this.sysfsRoot, 'class', 'tty'), join(this.sysfsRoot, 'bus', 'usb', 'devices'), join(this.sysfsRoot, 'devices', 'platform', 'usb1')]) mkdirSync(d, { recursive: true });
    this.serial = options.serial ?? randomBytes(6).toString('hex').toUpperCase();
    this.usbPath = options.usbPath ?? this.freeUsbPath();
  }

  private freeUsbPath(): string {
    const taken = new Set(readdirSync(join(this.sysfsRoot, 'devices', 'platform', 'usb1')));
    for (let k = 1; ; k++) if (!taken.has(`1-1.${k}`)) return `1-1.${k}`;
  }

  get byId(): string {
    const m = this.model;
    return join(this.devDir, 'serial', 'by-id', `usb-${m.manufacturer}_${m.product}_${this.serial}-if${m.atInterface.toString(16).padStart(2, '0')}-port0`);
  }

  /** The AT port's node, or undefined while unplugged. */
  get tty(): string | undefined {
    const n = this.ttys.get(this.model.atInterface);
    return n === undefined ? undefined : join(this.devDir, `ttyUSB${n}`);
  }

  state(): SimUsbState {
    return { devDir: this.devDir, sysfsRoot: this.sysfsRoot, usbPath: this.usbPath, serial: this.serial, vendorId: this.model.vendorId, productId: this.model.productId, atInterface: this.model.atInterface, byId: this.byId, tty: this.tty };
  }

  private lowestFreeMinor(): number {
    for (let n = 0; ; n++) {
      if (this.held.has(n) || [...this.ttys.values()].includes(n)) continue;
      if (isThere(join(this.devDir, `ttyUSB${n}`)) || isThere(join(this.sysfsRoot, 'class', 'tty', `ttyUSB${n}`))) continue;
      return n;
    }
  }

  /** The device enumerates: sysfs and nodes first (the kernel), then the by-id link (udev). */
  plug(atPty: string): void {
    const m = this.model;
    const dev = join(this.sysfsRoot, 'devices', 'platform', 'usb1', this.usbPath);
    mkdirSync(dev, { recursive: true });
    writeFileSync(join(dev, 'idVendor'), `${m.vendorId}\n`);
    writeFileSync(join(dev, 'idProduct'), `${m.productId}\n`);
    writeFileSync(join(dev, 'serial'), `${this.serial}\n`);
    writeFileSync(join(dev, 'manufacturer'), `${m.manufacturer.replace(/_/g, ' ')}\n`);
    writeFileSync(join(dev, 'product'), `${m.product.replace(/_/g, ' ')}\n`);
    const bus = join(this.sysfsRoot, 'bus', 'usb', 'devices');
    symlinkSync(rel(bus, dev), join(bus, this.usbPath));
    for (const i of m.serialInterfaces) {
      const n = this.lowestFreeMinor();
      this.ttys.set(i, n);
      const name = `ttyUSB${n}`;
      const ifName = `${this.usbPath}:1.${i}`;
      const iface = join(dev, ifName);
      const classDir = join(iface, name, 'tty', name);
      mkdirSync(classDir, { recursive: true });
      writeFileSync(join(iface, 'bInterfaceNumber'), `${i.toString(16).padStart(2, '0')}\n`);
      writeFileSync(join(iface, 'bInterfaceClass'), 'ff\n');
      // ttyUSB is char major 188 (Documentation/admin-guide/devices.txt).
      writeFileSync(join(classDir, 'dev'), `188:${n}\n`);
      symlinkSync(join('..', '..', '..', name), join(classDir, 'device'));
      symlinkSync(rel(bus, iface), join(bus, ifName));
      const cls = join(this.sysfsRoot, 'class', 'tty');
      symlinkSync(rel(cls, classDir), join(cls, name));
      symlinkSync(i === m.atInterface ? atPty : '/dev/null', join(this.devDir, name));
    }
    this.held.clear();
    const at = this.ttys.get(m.atInterface);
    if (at !== undefined) symlinkSync(join('..', '..', `ttyUSB${at}`), this.byId);
  }

  /** The device goes: udev's link, then the nodes and sysfs entries. Its minors stay held. */
  unplug(): void {
    rmSync(this.byId, { force: true });
    for (const n of this.ttys.values()) {
      rmSync(join(this.devDir, `ttyUSB${n}`), { force: true });
      rmSync(join(this.sysfsRoot, 'class', 'tty', `ttyUSB${n}`), { force: true });
      this.held.add(n);
    }
    const bus = join(this.sysfsRoot, 'bus', 'usb', 'devices');
    for (const i of this.model.serialInterfaces) rmSync(join(bus, `${this.usbPath}:1.${i}`), { force: true });
    rmSync(join(bus, this.usbPath), { force: true });
    rmSync(join(this.sysfsRoot, 'devices', 'platform', 'usb1', this.usbPath), { recursive: true, force: true });
    this.ttys = new Map();
  }

  /** At exit: gone, and nothing held. */
  remove(): void {
    this.unplug();
    this.held.clear();
  }
}
