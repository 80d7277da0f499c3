import type { AtCommand } from '../../at/command.js';
import { MmsgwError } from '../../util/errors.js';
import { textAnswer } from './params.js';
import { TIMEOUTS } from './timeouts.js';

/**
 * The SIM's ICCID (ITU-T E.118, 19–20 digits, may end in F padding). The command is vendor
 * specific: AT+CCID (SIMCom, ZTE, Quectel), AT+QCCID (Quectel), AT^ICCID? (Huawei),
 * AT!ICCID? (Sierra); the profile names which one.
 */
export function parseIccid(lines: readonly string[]): string {
  const v = textAnswer(lines, ['+CCID:', '+ICCID:', '+QCCID:', '^ICCID:', '!ICCID:', 'ICCID:']);
  if (!/^[0-9]{18,20}F?$/i.test(v)) throw new MmsgwError('AT_PARSE', `not an ICCID: ${JSON.stringify(v)}`);
  return v.toUpperCase().replace(/F$/, '');
}

export function ccid(commandText = 'AT+CCID'): AtCommand<string> {
  return { text: commandText, timeoutMs: TIMEOUTS.sim, parse: (r) => parseIccid(r.lines) };
}
