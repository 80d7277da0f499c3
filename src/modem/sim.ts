import type { AtChannel } from '../at/channel.js';
import { isAtError } from '../at/errors.js';
import { MmsgwError } from '../util/errors.js';
import { cpinEnter, cpinQuery, type SimState } from './commands/cpin.js';
import { CPINR, pinCounter, type PinCounterQuery } from './commands/pin-counter.js';
import { optional } from './identify.js';
import type { PinGuard } from './pin-guard.js';

export type SimStatus = 'unknown' | 'ready' | 'pin-required' | 'puk-required' | 'absent' | 'blocked' | 'error';

/** +CME ERROR numbers that mean "no usable SIM" (27.007 §9.2.1): 10 not inserted, 13 failure, 15 wrong. */
const ABSENT = new Set([10, 13, 15]);

/** Reads +CPIN? (27.007 §8.3); +CME ERROR 10 → absent. */
export async function readSim(channel: AtChannel): Promise<{ status: SimStatus; raw: SimState | undefined }> {
  try {
    const state = await channel.run(cpinQuery);
    const status: SimStatus = state === 'READY' ? 'ready' : state === 'SIM PIN' ? 'pin-required' : state === 'SIM PUK' ? 'puk-required' : 'blocked';
    return { status, raw: state };
  } catch (e) {
    if (isAtError(e, 'AT_CME_ERROR') && e.specCode !== undefined && ABSENT.has(e.specCode)) return { status: 'absent', raw: undefined };
    if (isAtError(e, 'AT_CME_ERROR') && e.specCode === 12) return { status: 'puk-required', raw: 'SIM PUK' };
    if (isAtError(e, 'AT_CME_ERROR') && e.specCode === 14) return { status: 'unknown', raw: undefined };
    throw e;
  }
}

/** SIM PIN attempts left: the profile's vendor counter, then 27.007 §8.65 AT+CPINR. */
export async function pinAttemptsLeft(channel: AtChannel, vendor: PinCounterQuery | undefined): Promise<number | undefined> {
  for (const q of vendor ? [vendor, CPINR] : [CPINR]) {
    const n = await optional(channel, pinCounter(q)).catch(() => undefined);
    if (n !== undefined) return n;
  }
  return undefined;
}

export interface UnlockOptions {
  busyRetries?: number;
  busyDelayMs?: number;
  /** Remembers refused PINs (durably, in the state directory): one is never entered twice. */
  guard?: PinGuard;
  /** The SIM's ICCID when it was readable before the PIN (keys the guard). */
  iccid?: string;
  /** The profile's PIN attempt counter. */
  pinCounter?: PinCounterQuery;
}

function pinWrong(message: string, attemptsLeft: number | undefined): MmsgwError {
  const left = attemptsLeft === undefined ? '' : ` ${attemptsLeft} attempt(s) left before the SIM needs its PUK.`;
  return new MmsgwError('MODEM_SIM_PIN_WRONG', `${message}${left} Operator error: fix modem.pin.`, { specCode: 16, details: attemptsLeft === undefined ? {} : { attemptsLeft } });
}

/**
 * Brings the SIM to READY: enters the configured PIN once, ever. A PIN the card refused is
 * remembered (guard) and never entered again — not on a reopen, not after a restart: a wrong
 * PIN entered on every start would burn the attempts and lock the SIM into PUK.
 */
export async function unlockSim(channel: AtChannel, pin: string | undefined, options: UnlockOptions = {}): Promise<void> {
  let attempts = options.busyRetries ?? 10;
  let sim = await readSim(channel);
  while (sim.status === 'unknown' && attempts-- > 0) {
    await new Promise((r) => setTimeout(r, options.busyDelayMs ?? 1000)); // +CME ERROR 14 SIM busy right after boot
    sim = await readSim(channel);
  }
  switch (sim.status) {
    case 'ready':
      return;
    case 'absent':
      throw new MmsgwError('MODEM_SIM_ABSENT', 'no SIM card (or it is not seated): +CME ERROR 10', { specCode: 10 });
    case 'puk-required':
      throw new MmsgwError('MODEM_SIM_PUK', 'the SIM is blocked and needs its PUK; unblock it in a phone (the gateway never enters a PUK)');
    case 'pin-required': {
      if (pin === undefined) throw new MmsgwError('MODEM_SIM_PIN_REQUIRED', 'the SIM asks for a PIN; set modem.pin in the configuration');
      const before = options.guard?.refused(pin, options.iccid);
      if (before) {
        const left = (await pinAttemptsLeft(channel, options.pinCounter)) ?? before.attemptsLeft;
        throw pinWrong(`the SIM refused the configured PIN on ${new Date(before.at).toISOString()}; it is not entered again.`, left);
      }
      try {
        await channel.run(cpinEnter(pin));
      } catch (e) {
        if (isAtError(e, 'AT_CME_ERROR') && e.specCode === 16) {
          const left = await pinAttemptsLeft(channel, options.pinCounter);
          options.guard?.remember(pin, options.iccid, left);
          throw pinWrong('the SIM refused the configured PIN (+CME ERROR 16); it will not be entered again.', left);
        }
        throw e;
      }
      return;
    }
    default:
      throw new MmsgwError('MODEM_SIM_BLOCKED', `the SIM is in state ${sim.raw ?? sim.status}; it needs attention in a phone`);
  }
}
