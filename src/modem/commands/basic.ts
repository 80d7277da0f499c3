import type { AtCommand } from '../../at/command.js';
import { TIMEOUTS } from './timeouts.js';

/** V.250 §5.2: the bare attention command, used to probe and to resynchronise. */
export const at: AtCommand<void> = { text: 'AT', timeoutMs: 1_000, parse: () => undefined };
/** V.250 §6.2.4 E0: command echo off. */
export const echoOff: AtCommand<void> = { text: 'ATE0', timeoutMs: TIMEOUTS.local, parse: () => undefined };
/** 27.007 §9.1 +CMEE=1: numeric +CME ERROR codes (verbose ones are mapped too, see src/at/error-codes.ts). */
export const cmeeNumeric: AtCommand<void> = { text: 'AT+CMEE=1', timeoutMs: TIMEOUTS.local, parse: () => undefined };
/** A profile's fixed setup line whose answer is just OK. */
export function raw(text: string, timeoutMs: number = TIMEOUTS.local): AtCommand<void> {
  return { text, timeoutMs, parse: () => undefined };
}
