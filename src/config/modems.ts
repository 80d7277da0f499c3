import { join } from 'node:path';
import type { Config } from './schema.js';
import type { UsbSelector } from './schema-modems.js';

/**
 * The modems of a configuration as one list: `modems:` when given, else the single `modem:`
 * with the top-level `bearer` and `mmsc` (older configurations) as a list of one. Each entry's
 * own number: `number`, else the `box.numbers` entry naming its port, else (first modem only)
 * `box.ownNumber`; null leaves it to the SIM (+CNUM).
 */
export interface ModemEntry {
  readonly id: string;
  /** The first modem keeps the state directory's top-level files (modem-status.json, routes.journal). */
  readonly primary: boolean;
  readonly modem: Config['modem'];
  readonly number: string | null;
  readonly bearer: Config['bearer'];
  readonly mmsc: Config['mmsc'];
  readonly limits: Config['modems'][number]['limits'];
  /**
   * Named by USB identity (`modems[].usb`): the device watcher finds its tty when it is plugged
   * in and the set opens it there (`modem.port` is then that node; before, `usbLabel`).
   */
  readonly usb: UsbSelector | null;
}

/** How a modem named by USB identity is shown where a port would be: "usb 12d1:1506 serial X path 1-1.2 if 2". */
export function usbLabel(u: UsbSelector): string {
  return ['usb', `${u.vendorId}${u.productId !== undefined ? `:${u.productId}` : ''}`, ...(u.serial !== undefined ? ['serial', u.serial] : []), ...(u.usbPath !== undefined ? ['path', u.usbPath] : []), ...(u.interfaceNumber !== undefined ? ['if', String(u.interfaceNumber)] : [])].join(' ');
}

/** The id of the modem of a single-`modem:` configuration. */
export const SINGLE_MODEM_ID = 'modem1';

export function modemEntries(config: Config): ModemEntry[] {
  if (config.modems.length === 0) {
    return [{ id: SINGLE_MODEM_ID, primary: true, modem: config.modem, number: numberOf(config, config.modem.port, config.box.ownNumber), bearer: config.bearer, mmsc: config.mmsc, limits: { smsPerMinute: 0, send: true }, usb: null }];
  }
  return config.modems.map((m, i) => {
    const { id, number, bearer, mmsc, limits, usb, port, ...rest } = m;
    return {
      id,
      primary: i === 0,
      modem: { ...rest, port: port ?? (usb ? usbLabel(usb) : '') },
      number: number ?? (port !== null ? numberOf(config, port, i === 0 ? config.box.ownNumber : null) : null),
      bearer: bearer ?? config.bearer,
      mmsc: mmsc ?? config.mmsc,
      limits,
      usb,
    };
  });
}


/** The number of the modem on `port`: its `box.numbers` entry, else `fallback`. */
export function numberOf(config: Config, port: string, fallback: string | null): string | null {
  return config.box.numbers.find((n) => n.port === port)?.number ?? fallback;
}

/** Where a modem keeps its own files: the state directory for the first, `modems/<id>/` under it for the others. */
export function modemStateDir(config: Config, entry: ModemEntry): string {
  return entry.primary ? config.stateDir : join(config.stateDir, 'modems', entry.id);
}

/**
 * The configuration as one modem sees it: its port and SIM settings as `modem`, its bearer
 * and MMSC, its number as `box.ownNumber`, its own state directory. What is built from a
 * single-modem configuration (openModem, createMm1) is built from this view unchanged.
 */
export function configForModem(config: Config, entry: ModemEntry): Config {
  return {
    ...config,
    stateDir: modemStateDir(config, entry),
    modem: entry.modem,
    bearer: entry.bearer,
    mmsc: entry.mmsc,
    box: { ...config.box, ownNumber: entry.number },
  };
}
