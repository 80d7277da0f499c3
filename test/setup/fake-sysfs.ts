/**
 * Fake sysfs trees shaped like the kernel's for a USB modem: /sys/bus/usb/devices/<name> with
 * idVendor/idProduct/manufacturer/product, one `<name>:1.N` directory per interface with
 * bInterfaceNumber, bInterfaceClass, a `driver` symlink, and its ttyUSBn, tty/ttyACMn, net/<if>
 * and usbmisc/cdc-wdmN children, plus /sys/class/tty/<tty>/device links.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FakeInterface {
  readonly n: number;
  readonly cls?: string;
  readonly driver: string;
  readonly tty?: string;
  readonly net?: string;
  readonly wdm?: string;
}

export interface FakeDevice {
  readonly name: string;
  readonly vid: string;
  readonly pid: string;
  readonly manufacturer?: string;
  readonly product?: string;
  readonly interfaces: readonly FakeInterface[];
}

export function makeSysfs(root: string, devices: readonly FakeDevice[]): void {
  const devs = join(root, 'devices', 'platform', 'usb1');
  const bus = join(root, 'bus', 'usb', 'devices');
  mkdirSync(bus, { recursive: true });
  mkdirSync(join(root, 'class', 'tty'), { recursive: true });
  for (const d of devices) {
    const dir = join(devs, d.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'idVendor'), `${d.vid}\n`);
    writeFileSync(join(dir, 'idProduct'), `${d.pid}\n`);
    if (d.manufacturer) writeFileSync(join(dir, 'manufacturer'), `${d.manufacturer}\n`);
    if (d.product) writeFileSync(join(dir, 'product'), `${d.product}\n`);
    symlinkSync(dir, join(bus, d.name));
    for (const i of d.interfaces) {
      const ifname = `${d.name}:1.${i.n}`;
      const idir = join(dir, ifname);
      mkdirSync(idir, { recursive: true });
      writeFileSync(join(idir, 'bInterfaceNumber'), `${i.n.toString(16).padStart(2, '0')}\n`);
      writeFileSync(join(idir, 'bInterfaceClass'), `${i.cls ?? 'ff'}\n`);
      const drv = join(root, 'bus', 'usb', 'drivers', i.driver);
      mkdirSync(drv, { recursive: true });
      symlinkSync(drv, join(idir, 'driver'));
      symlinkSync(idir, join(bus, ifname));
      if (i.tty) {
        const t = i.tty.startsWith('ttyACM') ? join(idir, 'tty', i.tty) : join(idir, i.tty);
        mkdirSync(t, { recursive: true });
        symlinkSync(t, join(root, 'class', 'tty', i.tty));
      }
      if (i.net) mkdirSync(join(idir, 'net', i.net), { recursive: true });
      if (i.wdm) mkdirSync(join(idir, 'usbmisc', i.wdm), { recursive: true });
    }
  }
}

const serial = (n: number, tty: string, driver = 'option'): FakeInterface => ({ n, driver, tty });

/** One device per supported family and mode, with the interface layout the firmware notes give. */
export const FAMILIES: Readonly<Record<string, FakeDevice>> = {
  huaweiStick: { name: '1-1.1', vid: '12d1', pid: '1506', manufacturer: 'HUAWEI_MOBILE', product: 'HUAWEI_MOBILE', interfaces: [serial(0, 'ttyUSB0'), serial(1, 'ttyUSB1'), serial(2, 'ttyUSB2')] },
  huaweiStorage: { name: '1-1.1', vid: '12d1', pid: '1f01', manufacturer: 'HUAWEI_MOBILE', product: 'HUAWEI_MOBILE', interfaces: [{ n: 0, cls: '08', driver: 'usb-storage' }] },
  huaweiHilink: { name: '1-1.1', vid: '12d1', pid: '14dc', manufacturer: 'HUAWEI_MOBILE', product: 'HUAWEI_MOBILE', interfaces: [{ n: 0, cls: '02', driver: 'cdc_ether', net: 'eth1' }, { n: 1, cls: '0a', driver: 'cdc_ether' }, { n: 2, cls: '08', driver: 'usb-storage' }] },
  zteModem: { name: '1-1.2', vid: '19d2', pid: '0031', manufacturer: 'ZTE,Incorporated', product: 'ZTE WCDMA Technologies MSM', interfaces: [serial(0, 'ttyUSB0'), serial(1, 'ttyUSB1'), serial(2, 'ttyUSB2'), { n: 3, cls: '08', driver: 'usb-storage' }] },
  mf823: { name: '1-1.2', vid: '19d2', pid: '1405', manufacturer: 'ZTE,Incorporated', product: 'ZTE LTE Technologies MSM', interfaces: [{ n: 0, cls: '02', driver: 'cdc_ether', net: 'usb0' }, { n: 1, cls: '0a', driver: 'cdc_ether' }, { n: 2, cls: '08', driver: 'usb-storage' }] },
  quectelEc25: { name: '1-1.3', vid: '2c7c', pid: '0125', manufacturer: 'Quectel', product: 'EC25-E', interfaces: [serial(0, 'ttyUSB0'), serial(1, 'ttyUSB1'), serial(2, 'ttyUSB2'), serial(3, 'ttyUSB3'), { n: 4, driver: 'qmi_wwan', net: 'wwan0', wdm: 'cdc-wdm0' }] },
  quectelEm06: { name: '1-1.3', vid: '2c7c', pid: '0306', manufacturer: 'Quectel', product: 'EM06-E', interfaces: [serial(0, 'ttyUSB0'), serial(1, 'ttyUSB1'), serial(2, 'ttyUSB2'), serial(3, 'ttyUSB3'), { n: 4, driver: 'qmi_wwan', net: 'wwan0', wdm: 'cdc-wdm0' }] },
  simcom: { name: '1-1.4', vid: '1e0e', pid: '9001', manufacturer: 'SimTech, Incorporated', product: 'SimTech, Incorporated', interfaces: [serial(0, 'ttyUSB0'), serial(1, 'ttyUSB1'), serial(2, 'ttyUSB2'), serial(3, 'ttyUSB3'), serial(4, 'ttyUSB4'), { n: 5, driver: 'qmi_wwan', net: 'wwan0', wdm: 'cdc-wdm0' }] },
  sierra: { name: '2-1', vid: '1199', pid: '9071', manufacturer: 'Sierra Wireless, Incorporated', product: 'MC7455', interfaces: [serial(0, 'ttyUSB0', 'qcserial'), serial(2, 'ttyUSB1', 'qcserial'), serial(3, 'ttyUSB2', 'qcserial'), { n: 8, driver: 'qmi_wwan', net: 'wwan0', wdm: 'cdc-wdm0' }] },
  sierraMbimOnly: { name: '2-1', vid: '1199', pid: '9071', manufacturer: 'Sierra Wireless, Incorporated', product: 'MC7455', interfaces: [{ n: 12, cls: '02', driver: 'cdc_mbim', net: 'wwan0', wdm: 'cdc-wdm0' }, { n: 13, cls: '0a', driver: 'cdc_mbim' }] },
  genericAcm: { name: '1-1.5', vid: '1546', pid: '1102', manufacturer: 'u-blox AG', product: 'u-blox modem', interfaces: [{ n: 0, cls: '02', driver: 'cdc_acm', tty: 'ttyACM0' }, { n: 1, cls: '0a', driver: 'cdc_acm' }] },
};
