import type { AtCommand } from '../../at/command.js';
import { intParam, paramsOf } from './params.js';
import { TIMEOUTS } from './timeouts.js';

/**
 * 27.005 §3.2.1 +CSMS=<service>: 1 selects phase 2+ behaviour, where a directly routed +CMT/+CDS
 * must be acknowledged with +CNMA. Answer `+CSMS: <mt>,<mo>,<bm>` (1 = supported).
 */
export interface CsmsSupport {
  readonly mt: boolean;
  readonly mo: boolean;
  readonly bm: boolean;
}

export function parseCsms(lines: readonly string[]): CsmsSupport {
  const p = paramsOf(lines, '+CSMS:');
  return { mt: intParam(p, 0) === 1, mo: intParam(p, 1) === 1, bm: intParam(p, 2) === 1 };
}

export function csms(service: 0 | 1): AtCommand<CsmsSupport> {
  return { text: `AT+CSMS=${service}`, prefixes: ['+CSMS:'], timeoutMs: TIMEOUTS.local, parse: (r) => parseCsms(r.lines) };
}
