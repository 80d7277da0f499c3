import type { AtCommand } from '../../at/command.js';
import { MmsgwError } from '../../util/errors.js';
import { intParam, splitParams } from './params.js';
import { TIMEOUTS } from './timeouts.js';

/** One stored message as listed/read in PDU mode (27.005 §3.4.2, §3.4.3). */
export interface StoredPdu {
  readonly index: number;
  /** <stat>: 0 received unread, 1 received read, 2 stored unsent, 3 stored sent. */
  readonly stat: number;
  /** TPDU length in octets (without the SMSC part). */
  readonly length: number;
  /** The PDU line: SMSC address + TPDU, hex. */
  readonly pdu: string;
}

/** `+CMGL: <index>,<stat>,[<alpha>],<length><CR><LF><pdu>` repeated. */
export function parseCmgl(lines: readonly string[]): StoredPdu[] {
  const out: StoredPdu[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.startsWith('+CMGL:')) continue;
    const p = splitParams(line.slice(6));
    const index = intParam(p, 0);
    const stat = intParam(p, 1);
    const length = intParam(p, p.length - 1);
    const pdu = lines[i + 1];
    if (index === undefined || stat === undefined || length === undefined || pdu === undefined || !/^[0-9A-Fa-f]+$/.test(pdu)) {
      throw new MmsgwError('AT_PARSE', `malformed +CMGL entry: ${line}`);
    }
    out.push({ index, stat, length, pdu: pdu.toUpperCase() });
    i++;
  }
  return out;
}

/** AT+CMGL=4: every message in <mem1>, any status (PDU mode "ALL"). Reading marks unread as read. */
export const cmglAll: AtCommand<StoredPdu[]> = { text: 'AT+CMGL=4', receive: true, prefixes: ['+CMGL:'], timeoutMs: TIMEOUTS.smsList, parse: (r) => parseCmgl(r.lines) };
