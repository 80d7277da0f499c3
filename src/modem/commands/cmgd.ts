import type { AtCommand } from '../../at/command.js';
import { TIMEOUTS } from './timeouts.js';

/** 27.005 §3.5.4 +CMGD=<index>: deletes one message from <mem1>. */
export function cmgd(index: number): AtCommand<void> {
  return { text: `AT+CMGD=${index}`, receive: true, timeoutMs: TIMEOUTS.smsDelete, parse: () => undefined };
}
