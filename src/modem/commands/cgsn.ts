import type { AtCommand } from '../../at/command.js';
import { MmsgwError } from '../../util/errors.js';
import { textAnswer } from './params.js';
import { TIMEOUTS } from './timeouts.js';

/** 27.007 §5.4 +CGSN: the IMEI (14–16 digits; some firmwares prefix "+CGSN:" or "IMEI:"). */
export function parseImei(lines: readonly string[]): string {
  const v = textAnswer(lines, ['+CGSN:', 'IMEI:']);
  if (!/^\d{14,17}$/.test(v)) throw new MmsgwError('AT_PARSE', `not an IMEI: ${JSON.stringify(v)}`);
  return v;
}

export const cgsn: AtCommand<string> = { text: 'AT+CGSN', timeoutMs: TIMEOUTS.identity, parse: (r) => parseImei(r.lines) };
