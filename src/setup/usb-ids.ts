import type { ProfileId } from '../modem/profiles/index.js';

/**
 * What a USB id says about a modem, as data (from the vendors' AT manuals and the
 * usb_modeswitch device database; firmware-notes/ gives the sources and the commands).
 * `mode`: 'modem' has serial ports with an AT interface; 'storage' is the virtual CD-ROM a
 * stick shows before it is switched; 'network-only' (HiLink, MF823 ECM/RNDIS, Sierra MBIM-only)
 * is a network card with no AT port.
 */
export type UsbMode = 'modem' | 'storage' | 'network-only';

export interface KnownUsbId {
  readonly vendorId: string;
  readonly productId: string;
  readonly family: ProfileId;
  readonly name: string;
  readonly mode: UsbMode;
  /** The interface number of the AT port in this composition (udev ID_USB_INTERFACE_NUM). */
  readonly atInterface?: number;
  /** What to do, for storage and network-only ids. */
  readonly advice?: string;
  /** The firmware note that explains it. */
  readonly note: string;
}

const HUAWEI_STORAGE =
  'Huawei stick in storage (virtual CD-ROM) mode: install usb-modeswitch and usb-modeswitch-data, which switch it at plug-in. The default switch of 12d1:1f01 gives HiLink firmware (12d1:14db/14dc, a network card with no AT port); set HuaweiAltModeGlobal=1 in /etc/usb_modeswitch.conf (or run `usb_modeswitch -v 12d1 -p 1f01 -X`) to get the serial "stick" composition with an AT port instead, where the firmware has one.';
const HUAWEI_HILINK =
  'Huawei HiLink: a network card with a web interface at 192.168.8.1 and no AT port. Re-plug with HuaweiAltModeGlobal=1 in /etc/usb_modeswitch.conf so that usb_modeswitch sends the alternative switch message; firmwares without a serial composition need stick firmware (see firmware-notes/huawei.md).';
const ZTE_STORAGE =
  'ZTE stick in storage (CD-ROM) mode: usb-modeswitch switches it at plug-in. Once an AT port answers, AT+ZCDRUN=8 stops the CD-ROM autorun for good (AT+ZCDRUN=9 restores it).';
const MF823_NET =
  'ZTE MF823/MF831 in network mode (ECM 19d2:1405 or RNDIS 19d2:1403): no AT port. AT+ZCDRUN=E, or the web call goformId=MODE_SWITCH&switchCmd=FACTORY, brings up the mode with diagnostics and AT serial ports (19d2:0016); see firmware-notes/zte.md.';
const SIERRA_MBIM =
  'Sierra Wireless in an MBIM-only composition: no AT tty. Switch to composition 6 (DM, NMEA, AT, QMI) or 8 (DM, NMEA, AT, MBIM) with `qmicli -p --device-open-mbim -d /dev/cdc-wdm0 --dms-swi-set-usb-composition=8` (libqmi-utils), then power-cycle; with an AT port the same is AT!ENTERCND="A710" then AT!USBCOMP=1,1,100D.';
const SIMCOM_RNDIS = 'SIMCom in its RNDIS composition (1e0e:9011): the AT port is if02 as in 9001; AT+CUSBPIDSWITCH=9001,1,1 returns the default composition (Diag, NMEA, AT, Modem, Audio, RMNET).';

export const KNOWN_USB_IDS: readonly KnownUsbId[] = [
  // Huawei (firmware-notes/huawei.md)
  { vendorId: '12d1', productId: '1f01', family: 'huawei', name: 'Huawei E3372/E3131/E353 (storage mode)', mode: 'storage', advice: HUAWEI_STORAGE, note: 'huawei.md' },
  { vendorId: '12d1', productId: '14fe', family: 'huawei', name: 'Huawei E3372/E3131 (storage mode)', mode: 'storage', advice: HUAWEI_STORAGE, note: 'huawei.md' },
  { vendorId: '12d1', productId: '1446', family: 'huawei', name: 'Huawei E1750/E173 (storage mode)', mode: 'storage', advice: HUAWEI_STORAGE, note: 'huawei.md' },
  { vendorId: '12d1', productId: '14db', family: 'huawei', name: 'Huawei E3131/E353 HiLink', mode: 'network-only', advice: HUAWEI_HILINK, note: 'huawei.md' },
  { vendorId: '12d1', productId: '14dc', family: 'huawei', name: 'Huawei E3372 HiLink', mode: 'network-only', advice: HUAWEI_HILINK, note: 'huawei.md' },
  { vendorId: '12d1', productId: '1506', family: 'huawei', name: 'Huawei E3372/E3276 stick', mode: 'modem', atInterface: 2, note: 'huawei.md' },
  { vendorId: '12d1', productId: '1001', family: 'huawei', name: 'Huawei E169/E1550/E3131 stick', mode: 'modem', atInterface: 2, note: 'huawei.md' },
  { vendorId: '12d1', productId: '1436', family: 'huawei', name: 'Huawei E173/E1750 stick', mode: 'modem', atInterface: 2, note: 'huawei.md' },
  { vendorId: '12d1', productId: '140c', family: 'huawei', name: 'Huawei E173 stick', mode: 'modem', atInterface: 2, note: 'huawei.md' },
  { vendorId: '12d1', productId: '155e', family: 'huawei', name: 'Huawei E3372/E8372 stick (alternative mode)', mode: 'modem', atInterface: 2, note: 'huawei.md' },
  // ZTE (firmware-notes/zte.md)
  { vendorId: '19d2', productId: '2000', family: 'zte', name: 'ZTE MF190/MF626/MF667 (storage mode)', mode: 'storage', advice: ZTE_STORAGE, note: 'zte.md' },
  { vendorId: '19d2', productId: '1225', family: 'zte', name: 'ZTE MF823/MF831 (storage mode)', mode: 'storage', advice: ZTE_STORAGE, note: 'zte.md' },
  { vendorId: '19d2', productId: '1403', family: 'zte', name: 'ZTE MF823 (RNDIS network mode)', mode: 'network-only', advice: MF823_NET, note: 'zte.md' },
  { vendorId: '19d2', productId: '1405', family: 'zte', name: 'ZTE MF823/MF831 (ECM network mode)', mode: 'network-only', advice: MF823_NET, note: 'zte.md' },
  { vendorId: '19d2', productId: '0016', family: 'zte', name: 'ZTE MF823 (diagnostics + AT mode)', mode: 'modem', atInterface: 2, note: 'zte.md' },
  { vendorId: '19d2', productId: '0031', family: 'zte', name: 'ZTE MF190/MF626 modem', mode: 'modem', atInterface: 2, note: 'zte.md' },
  { vendorId: '19d2', productId: '0117', family: 'zte', name: 'ZTE MF667 modem', mode: 'modem', atInterface: 2, note: 'zte.md' },
  // Quectel (firmware-notes/quectel.md)
  { vendorId: '2c7c', productId: '0125', family: 'quectel', name: 'Quectel EC25/EG25-G', mode: 'modem', atInterface: 2, note: 'quectel.md' },
  { vendorId: '2c7c', productId: '0121', family: 'quectel', name: 'Quectel EC21', mode: 'modem', atInterface: 2, note: 'quectel.md' },
  { vendorId: '2c7c', productId: '0306', family: 'quectel', name: 'Quectel EM06/EP06/EG06', mode: 'modem', atInterface: 2, note: 'quectel.md' },
  // SIMCom (firmware-notes/simcom.md)
  { vendorId: '1e0e', productId: '9001', family: 'simcom', name: 'SIMCom SIM7600/SIM7100', mode: 'modem', atInterface: 2, note: 'simcom.md' },
  { vendorId: '1e0e', productId: '9011', family: 'simcom', name: 'SIMCom SIM7600 (RNDIS composition)', mode: 'modem', atInterface: 2, advice: SIMCOM_RNDIS, note: 'simcom.md' },
  // Sierra Wireless (firmware-notes/sierra.md)
  { vendorId: '1199', productId: '9071', family: 'sierra', name: 'Sierra Wireless MC7455/EM7455', mode: 'modem', atInterface: 3, note: 'sierra.md' },
  { vendorId: '1199', productId: '9079', family: 'sierra', name: 'Sierra Wireless EM7455 (Lenovo/Dell)', mode: 'modem', atInterface: 3, note: 'sierra.md' },
];

/** Advice for a Sierra device that enumerated without any serial interface (MBIM-only composition). */
export const SIERRA_MBIM_ONLY = SIERRA_MBIM;

export function knownUsbId(vendorId: string, productId: string): KnownUsbId | undefined {
  const v = vendorId.toLowerCase();
  const p = productId.toLowerCase();
  return KNOWN_USB_IDS.find((k) => k.vendorId === v && k.productId === p);
}

/** Vendor ids of the supported families (for ModemManager's ignore tag and the family guess). */
export const VENDOR_FAMILY: Readonly<Record<string, ProfileId>> = { '12d1': 'huawei', '19d2': 'zte', '2c7c': 'quectel', '1e0e': 'simcom', '1199': 'sierra' };
