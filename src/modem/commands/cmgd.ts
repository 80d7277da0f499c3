import type { AtCommand } from '../../at/command.js';
import { TIMEOUTS } from './timeouts.js';

/** 27.005 §3.5.4 +CMGD=<index>: deletes one message from <mem1>. */
export function cmgd(index: number): AtCommand<void> {
  return { text: `AT+CMGD=${index}`, receive: true, timeoutMs: TIMEOUTS.smsDelete, parse: () => undefined };
}

/**
 * Several +CMGD on one command line, `AT+CMGD=3;+CMGD=4;+CMGD=7`: ITU-T V.250 §5.2.1 and 3GPP
 * 27.007 §4.0 let extended commands share a line, separated by ';'. The modem runs them in
 * order and answers once: OK after the last, or the error of the first that fails, without
 * running the rest. One index is plain `cmgd`.
 */
export function cmgdLine(indexes: readonly number[]): AtCommand<void> {
  if (indexes.length === 1) return cmgd(indexes[0] as number);
  return { text: `AT${indexes.map((i) => `+CMGD=${i}`).join(';')}`, receive: true, timeoutMs: TIMEOUTS.smsDelete * indexes.length, parse: () => undefined };
}
