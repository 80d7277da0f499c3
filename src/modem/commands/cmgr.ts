import type { AtCommand } from '../../at/command.js';
import { intParam, splitParams } from './params.js';
import type { StoredPdu } from './cmgl.js';
import { TIMEOUTS } from './timeouts.js';

/**
 * 27.005 §3.4.3 +CMGR=<index> in PDU mode: `+CMGR: <stat>,[<alpha>],<length><CR><LF><pdu>`.
 * An empty slot answers OK alone, `+CMGR: 0,,0` with no PDU, or +CMS ERROR 321: all undefined.
 */
export function parseCmgr(index: number, lines: readonly string[]): StoredPdu | undefined {
  const at = lines.findIndex((l) => l.startsWith('+CMGR:'));
  if (at < 0) return undefined;
  const p = splitParams((lines[at] as string).slice(6));
  const stat = intParam(p, 0) ?? 0;
  const length = intParam(p, p.length - 1) ?? 0;
  const pdu = lines[at + 1];
  if (pdu === undefined || !/^[0-9A-Fa-f]+$/.test(pdu) || length === 0) return undefined;
  return { index, stat, length, pdu: pdu.toUpperCase() };
}

export function cmgr(index: number): AtCommand<StoredPdu | undefined> {
  return { text: `AT+CMGR=${index}`, prefixes: ['+CMGR:'], receive: true, timeoutMs: TIMEOUTS.smsRead, parse: (r) => parseCmgr(index, r.lines) };
}
