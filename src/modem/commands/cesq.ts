import type { AtCommand } from '../../at/command.js';
import { intParam, paramsOf } from './params.js';
import { TIMEOUTS } from './timeouts.js';

/**
 * 27.007 §8.69 +CESQ: <rxlev>,<ber>,<rscp>,<ecno>,<rsrq>,<rsrp>. Each is "not known" at its
 * maximum (99 for rxlev/ber, 255 for the others). Step n means "from this value up to the next",
 * so each converts to the lower bound of its step: rxlev −111 + n dBm (n=1 is −110 ≤ x < −109),
 * rscp −121 + n dBm, ecno −24.5 + n/2 dB, rsrq −20 + n/2 dB, rsrp −141 + n dBm.
 */
export interface Cesq {
  readonly gsmRxlevDbm?: number;
  readonly umtsRscpDbm?: number;
  readonly umtsEcnoDb?: number;
  readonly lteRsrqDb?: number;
  readonly lteRsrpDbm?: number;
}

export function parseCesq(lines: readonly string[]): Cesq {
  const p = paramsOf(lines, '+CESQ:');
  const v = (i: number, unknown: number, max: number): number | undefined => {
    const n = intParam(p, i);
    return n === undefined || n === unknown || n > max ? undefined : n;
  };
  const rxlev = v(0, 99, 63);
  const rscp = v(2, 255, 96);
  const ecno = v(3, 255, 49);
  const rsrq = v(4, 255, 34);
  const rsrp = v(5, 255, 97);
  return {
    ...(rxlev === undefined ? {} : { gsmRxlevDbm: -111 + rxlev }),
    ...(rscp === undefined ? {} : { umtsRscpDbm: -121 + rscp }),
    ...(ecno === undefined ? {} : { umtsEcnoDb: -24.5 + ecno / 2 }),
    ...(rsrq === undefined ? {} : { lteRsrqDb: -20 + rsrq / 2 }),
    ...(rsrp === undefined ? {} : { lteRsrpDbm: -141 + rsrp }),
  };
}

export const cesq: AtCommand<Cesq> = { text: 'AT+CESQ', prefixes: ['+CESQ:'], timeoutMs: TIMEOUTS.local, parse: (r) => parseCesq(r.lines) };
