import type { AtCommand } from '../../at/command.js';
import { intParam, paramsOf } from './params.js';
import { TIMEOUTS } from './timeouts.js';

/** 27.007 §8.5 +CSQ: <rssi> 0 → −113 dBm … 31 → −51 dBm or more, 99 unknown; <ber> 0–7, 99. */
export interface Csq {
  readonly rssi: number;
  readonly dbm: number | undefined;
  readonly ber: number | undefined;
}

export function rssiToDbm(rssi: number): number | undefined {
  if (rssi >= 0 && rssi <= 31) return -113 + 2 * rssi;
  if (rssi >= 100 && rssi <= 191) return -116 + (rssi - 100); // TD-SCDMA range of some firmwares: 100 → −116 dBm
  return undefined;
}

export function parseCsq(lines: readonly string[]): Csq {
  const p = paramsOf(lines, '+CSQ:');
  const rssi = intParam(p, 0) ?? 99;
  const ber = intParam(p, 1);
  return { rssi, dbm: rssiToDbm(rssi), ber: ber === undefined || ber === 99 ? undefined : ber };
}

export const csq: AtCommand<Csq> = { text: 'AT+CSQ', prefixes: ['+CSQ:'], timeoutMs: TIMEOUTS.local, parse: (r) => parseCsq(r.lines) };
