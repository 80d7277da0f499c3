import type { AtCommand } from '../../at/command.js';
import { intParam, paramsOf } from './params.js';
import { TIMEOUTS } from './timeouts.js';

/** 27.007 §8.2 +CFUN: <fun> 0 minimum, 1 full, 4 radio off; <rst>=1 resets the MT first. */
export function cfun(fun: 0 | 1 | 4, reset = false): AtCommand<void> {
  return { text: reset ? `AT+CFUN=${fun},1` : `AT+CFUN=${fun}`, timeoutMs: TIMEOUTS.cfun, parse: () => undefined };
}

export const cfunQuery: AtCommand<number> = {
  text: 'AT+CFUN?',
  prefixes: ['+CFUN:'],
  timeoutMs: TIMEOUTS.local,
  parse: (r) => intParam(paramsOf(r.lines, '+CFUN:'), 0) ?? 0,
};
