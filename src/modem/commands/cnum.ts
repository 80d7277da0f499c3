import type { AtCommand } from '../../at/command.js';
import { splitParams } from './params.js';
import { TIMEOUTS } from './timeouts.js';

/**
 * 27.007 §7.1 +CNUM: `+CNUM: [<alpha>],<number>,<type>` per line. Many SIMs hold no MSISDN;
 * the answer is then OK with no lines, or +CME ERROR, both meaning "unknown".
 */
export function parseCnum(lines: readonly string[]): string[] {
  return lines
    .filter((l) => l.startsWith('+CNUM:'))
    .map((l) => {
      const p = splitParams(l.slice(6));
      const num = p[1] ?? '';
      return p[2] === '145' && num !== '' && !num.startsWith('+') ? `+${num}` : num;
    })
    .filter((n) => n !== '');
}

export const cnum: AtCommand<string[]> = { text: 'AT+CNUM', prefixes: ['+CNUM:'], timeoutMs: TIMEOUTS.sim, parse: (r) => parseCnum(r.lines) };
