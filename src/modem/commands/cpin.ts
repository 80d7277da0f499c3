import type { AtCommand } from '../../at/command.js';
import { MmsgwError } from '../../util/errors.js';
import { quote, textAnswer } from './params.js';
import { TIMEOUTS } from './timeouts.js';

/** 27.007 §8.3 +CPIN <code> values this gateway acts on; anything else is 'other'. */
export type SimState = 'READY' | 'SIM PIN' | 'SIM PUK' | 'SIM PIN2' | 'SIM PUK2' | 'PH-SIM PIN' | 'PH-NET PIN' | 'other';

const KNOWN: readonly SimState[] = ['READY', 'SIM PIN', 'SIM PUK', 'SIM PIN2', 'SIM PUK2', 'PH-SIM PIN', 'PH-NET PIN'];

export function parseCpinValue(value: string): SimState {
  const v = value.trim().replace(/^"|"$/g, '').toUpperCase();
  return KNOWN.find((k) => k === v) ?? 'other';
}

/** AT+CPIN? → the state. A missing SIM answers +CME ERROR: 10 (the caller maps it). */
export const cpinQuery: AtCommand<SimState> = {
  text: 'AT+CPIN?',
  prefixes: ['+CPIN:'],
  timeoutMs: TIMEOUTS.sim,
  parse: (r) => parseCpinValue(textAnswer(r.lines, ['+CPIN:'])),
};

/** AT+CPIN="<pin>" (27.007 §8.3). A wrong PIN answers +CME ERROR: 16. */
export function cpinEnter(pin: string): AtCommand<void> {
  if (!/^\d{4,8}$/.test(pin)) throw new MmsgwError('MODEM_SIM_PIN_INVALID', 'the SIM PIN must be 4 to 8 digits');
  return { text: `AT+CPIN=${quote(pin)}`, timeoutMs: TIMEOUTS.sim, parse: () => undefined };
}
