import type { Registration, RegistrationState } from './commands/creg.js';
import type { ProfileId, Signal } from './profiles/types.js';
import type { ModemIdentity } from './profiles/types.js';
import type { SimStatus } from './sim.js';

export type ModemState = 'opening' | 'initializing' | 'ready' | 'recovering' | 'closed' | 'failed';

/** Everything the gateway knows about the modem, as `modem.status()` returns it. */
export interface ModemStatus {
  readonly port: string;
  readonly state: ModemState;
  readonly identity?: ModemIdentity;
  readonly imsi?: string;
  readonly iccid?: string;
  readonly msisdn?: string;
  readonly profile?: ProfileId;
  readonly sim: SimStatus;
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
}

/** The best of the three domains: registered anywhere beats searching beats the rest. */
export function overallRegistration(regs: ReadonlyArray<Registration | undefined>): RegistrationState {
  const states = regs.filter((r): r is Registration => r !== undefined).map((r) => r.state);
  for (const s of ['home', 'roaming', 'searching', 'denied', 'not-registered'] as const) if (states.includes(s)) return s;
  return 'unknown';
}
