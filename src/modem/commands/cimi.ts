import type { AtCommand } from '../../at/command.js';
import { MmsgwError } from '../../util/errors.js';
import { textAnswer } from './params.js';
import { TIMEOUTS } from './timeouts.js';

/** 27.007 §5.6 +CIMI: the IMSI, up to 15 digits (MCC+MNC+MSIN). */
export function parseImsi(lines: readonly string[]): string {
  const v = textAnswer(lines, ['+CIMI:']);
  if (!/^\d{6,15}$/.test(v)) throw new MmsgwError('AT_PARSE', `not an IMSI: ${JSON.stringify(v)}`);
  return v;
}

export const cimi: AtCommand<string> = { text: 'AT+CIMI', timeoutMs: TIMEOUTS.sim, parse: (r) => parseImsi(r.lines) };
