import type { AtCommand } from '../../at/command.js';
import { MmsgwError } from '../../util/errors.js';
import { paramsOf } from './params.js';
import { TIMEOUTS } from './timeouts.js';

/**
 * Where a firmware tells how many SIM PIN attempts are left: profile data, the vendor's own
 * command first, then 27.007 §8.65 AT+CPINR. `field` is the 0-based parameter holding the PIN1
 * counter after `prefix`; `match`, when set, must equal parameter 0 (CPINR lists every code).
 */
export interface PinCounterQuery {
  readonly command: string;
  readonly prefix: string;
  readonly field: number;
  readonly match?: string;
}

/** 27.007 §8.65: +CPINR: <code>,<retries>,<default_retries>, one line per code. */
export const CPINR: PinCounterQuery = { command: 'AT+CPINR="SIM PIN"', prefix: '+CPINR:', field: 1, match: 'SIM PIN' };

export function pinCounter(q: PinCounterQuery): AtCommand<number> {
  return {
    text: q.command,
    prefixes: [q.prefix],
    timeoutMs: TIMEOUTS.sim,
    parse: (r) => {
      const lines = q.match === undefined ? r.lines : r.lines.filter((l) => l.startsWith(q.prefix) && paramsOf([l], q.prefix)[0]?.toUpperCase() === q.match);
      const v = paramsOf(lines, q.prefix)[q.field];
      const n = Number(v);
      if (v === undefined || v === '' || !Number.isInteger(n) || n < 0 || n > 99) throw new MmsgwError('AT_PARSE', `no PIN counter in ${JSON.stringify(r.lines)}`);
      return n;
    },
  };
}
