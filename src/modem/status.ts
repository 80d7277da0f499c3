import type { Registration, RegistrationState } from './commands/creg.js';
import type { ProfileId, Signal } from './profiles/types.js';
import type { ModemIdentity } from './profiles/types.js';
import type { SimStatus } from './sim.js';

/** `absent`: a modem named by USB identity (`modems[].usb`) that is not plugged in. */
export type ModemState = 'opening' | 'initializing' | 'ready' | 'recovering' | 'closed' | 'failed' | 'absent';

/** Everything the gateway knows about the modem, as `modem.status()` returns it. */
export interface ModemStatus {
  readonly port: string;
  /** The node the port was last opened on, when it differs from `port` or may: a udev link's tty, or the ttyUSB number a re-enumerated modem came back as. */
  readonly device?: string;
  readonly state: ModemState;
  readonly identity?: ModemIdentity;
  readonly imsi?: string;
  readonly iccid?: string;
  readonly msisdn?: string;
  readonly profile?: ProfileId;
  readonly sim: SimStatus;
  /** SIM PIN attempts left, when the SIM refused the configured PIN and the modem said. */
  readonly simPinAttemptsLeft?: number;
  readonly registration: {
    readonly state: RegistrationState;
    readonly cs?: Registration;
    readonly ps?: Registration;
    readonly eps?: Registration;
  };
  readonly operator?: { readonly numeric?: string; readonly name?: string };
  readonly technology?: string;
  readonly signal?: Signal;
  readonly smsStorage?: { readonly mem: string; readonly used: number; readonly total: number };
  readonly lastError?: string;
  /** The MmsgwError/AtError code of lastError (MODEM_NOT_RESPONDING, MODEM_SIM_PIN_WRONG, …). */
  readonly errorCode?: string;
  /**
   * Whether the modem answers AT: false after a session start that got no answer (even after
   * ESC), while the recovery ladder runs, and when it gave up. A gateway whose modem does not
   * answer neither sends nor receives, so status, doctor and health say so.
   */
  readonly responding?: boolean;
}

/** Error codes that mean "the modem does not answer", as opposed to "it answered no". */
const SILENT_CODES: ReadonlySet<string> = new Set(['MODEM_NOT_RESPONDING', 'AT_TIMEOUT']);

/** The status fields an error sets: its code, and `responding: false` when it was silence. */
export function errorFields(e: unknown): { errorCode?: string; responding?: boolean } {
  const code = typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
  if (code === undefined) return {};
  if (SILENT_CODES.has(code)) return { errorCode: code, responding: false };
  // An answer that says no (a SIM error, +CME/+CMS ERROR) is still an answer.
  if (/^(MODEM_SIM_|AT_CME_ERROR|AT_CMS_ERROR|AT_ERROR)/.test(code)) return { errorCode: code, responding: true };
  return { errorCode: code };
}

/** The best of the three domains: registered anywhere beats searching beats the rest. */
export function overallRegistration(regs: ReadonlyArray<Registration | undefined>): RegistrationState {
  const states = regs.filter((r): r is Registration => r !== undefined).map((r) => r.state);
  for (const s of ['home', 'roaming', 'searching', 'denied', 'not-registered'] as const) if (states.includes(s)) return s;
  return 'unknown';
}
