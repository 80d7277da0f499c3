import type { AtCommand } from '../../at/command.js';
import { MmsgwError } from '../../util/errors.js';
import { paramsOf, textAnswer } from './params.js';
import { TIMEOUTS } from './timeouts.js';

/**
 * The SIM's ICCID (ITU-T E.118, 19–20 digits, may end in F padding). The vendor command
 * differs: AT+CCID (27.007-style, SIMCom, ZTE, Quectel), AT+QCCID (Quectel), AT^ICCID?
 * (Huawei), AT!ICCID? (Sierra), AT+CICCID (SIMCom), AT+ZGETICCID (ZTE); the profile names
 * its own, and readIccid (../iccid.ts) falls back to AT+CCID and AT+CRSM.
 */
export function parseIccid(lines: readonly string[]): string {
  const v = textAnswer(lines, ['+CCID:', '+ICCID:', '+QCCID:', '^ICCID:', '!ICCID:', 'ICCID:', '+ZGETICCID:']);
  return checkIccid(v);
}

function checkIccid(v: string): string {
  if (!/^[0-9]{18,20}F?$/i.test(v)) throw new MmsgwError('AT_PARSE', `not an ICCID: ${JSON.stringify(v)}`);
  return v.toUpperCase().replace(/F$/, '');
}

export function ccid(commandText = 'AT+CCID'): AtCommand<string> {
  return { text: commandText, timeoutMs: TIMEOUTS.sim, parse: (r) => parseIccid(r.lines) };
}

/**
 * EF_ICCID (file 2FE2, 10 bytes; 3GPP TS 51.011 §10.1.1, TS 31.102 §4.1.1) read with
 * AT+CRSM=176,12258,0,0,10 (27.007 §8.18: READ BINARY). The bytes are BCD with the nibbles
 * of each byte swapped ("98" is digit 8 then 9), padded with F.
 */
export const crsmIccid: AtCommand<string> = {
  text: 'AT+CRSM=176,12258,0,0,10',
  prefixes: ['+CRSM:'],
  timeoutMs: TIMEOUTS.sim,
  parse: (r) => parseCrsmIccid(r.lines),
};

export function parseCrsmIccid(lines: readonly string[]): string {
  const [sw1, sw2, data] = paramsOf(lines, '+CRSM:');
  // 51.011 §9.4.1: 144,0 (0x90 0x00) is normal ending; anything else carries no file data.
  if (sw1 !== '144' || sw2 !== '0' || data === undefined) throw new MmsgwError('AT_PARSE', `EF_ICCID not read: status ${sw1 ?? '?'},${sw2 ?? '?'}`);
  if (!/^[0-9A-Fa-f]{20}$/.test(data)) throw new MmsgwError('AT_PARSE', `EF_ICCID is not 10 bytes of hex: ${JSON.stringify(data)}`);
  let digits = '';
  for (let i = 0; i < data.length; i += 2) digits += `${data[i + 1] ?? ''}${data[i] ?? ''}`;
  return checkIccid(digits.toUpperCase().replace(/F+$/, ''));
}
