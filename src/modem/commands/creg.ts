import type { AtCommand } from '../../at/command.js';
import { isRegistrationQueryResponse } from '../../at/urc.js';
import { MmsgwError } from '../../util/errors.js';
import { intParam, splitParams } from './params.js';
import { TIMEOUTS } from './timeouts.js';

/**
 * Network registration: +CREG (CS, 27.007 §7.2), +CGREG (GPRS, §10.1.20), +CEREG (EPS,
 * §10.1.22). Same syntax: the URC is `<stat>[,<lac>,<ci>[,<AcT>]]`, the query answer puts <n>
 * in front. With <n>=2 the location is included.
 */
export type RegistrationDomain = 'CREG' | 'CGREG' | 'CEREG';

/** <stat>: 0 not registered, 1 home, 2 searching, 3 denied, 4 unknown, 5 roaming (6–10: SMS-only/CSFB variants). */
export type RegistrationState = 'not-registered' | 'home' | 'searching' | 'denied' | 'unknown' | 'roaming';

const STATES: Readonly<Record<number, RegistrationState>> = {
  0: 'not-registered', 1: 'home', 2: 'searching', 3: 'denied', 4: 'unknown', 5: 'roaming',
  6: 'home', 7: 'roaming', 8: 'not-registered', 9: 'home', 10: 'roaming',
};

/** <AcT> per 27.007 §7.3. */
export const ACCESS_TECHNOLOGIES: Readonly<Record<number, string>> = {
  0: 'gsm', 1: 'gsm-compact', 2: 'utran', 3: 'gsm-egprs', 4: 'utran-hsdpa', 5: 'utran-hsupa', 6: 'utran-hspa',
  7: 'e-utran', 8: 'ec-gsm-iot', 9: 'e-utran-nb-s1', 10: 'e-utra-5gcn', 11: 'nr-5gcn', 12: 'ng-ran', 13: 'e-utra-nr',
};

export interface Registration {
  readonly domain: RegistrationDomain;
  readonly state: RegistrationState;
  readonly stat: number;
  readonly lac?: string;
  readonly cellId?: string;
  readonly accessTechnology?: string;
}

/** Parses either form; `isQuery` says whether <n> leads. */
export function parseRegistration(domain: RegistrationDomain, value: string, isQuery: boolean): Registration {
  const p = splitParams(value);
  const fields = isQuery ? p.slice(1) : p;
  const stat = intParam(fields, 0);
  if (stat === undefined) throw new MmsgwError('AT_PARSE', `+${domain}: no <stat> in ${JSON.stringify(value)}`);
  const act = intParam(fields, 3);
  return {
    domain,
    stat,
    state: STATES[stat] ?? 'unknown',
    ...(fields[1] ? { lac: fields[1].toUpperCase() } : {}),
    ...(fields[2] ? { cellId: fields[2].toUpperCase() } : {}),
    ...(act === undefined ? {} : { accessTechnology: ACCESS_TECHNOLOGIES[act] ?? `act-${act}` }),
  };
}

/** The URC line (+CREG: …) as a Registration. */
export function parseRegistrationUrc(line: string): Registration | undefined {
  const m = /^\+(CREG|CGREG|CEREG):(.*)$/.exec(line);
  if (!m) return undefined;
  const domain = m[1] as RegistrationDomain;
  return parseRegistration(domain, m[2] ?? '', isRegistrationQueryResponse(line));
}

/** AT+CxREG=<n>: 2 = URCs with location (27.007 §7.2). */
export function registrationReporting(domain: RegistrationDomain, n: 0 | 1 | 2): AtCommand<void> {
  return { text: `AT+${domain}=${n}`, timeoutMs: TIMEOUTS.local, parse: () => undefined };
}

/** AT+CxREG? — the prefix is shared with the URC, so only the query form is taken (see src/at/urc.ts). */
export function registrationQuery(domain: RegistrationDomain): AtCommand<Registration> {
  const prefix = `+${domain}:`;
  return {
    text: `AT+${domain}?`,
    prefixes: [prefix],
    isResponse: isRegistrationQueryResponse,
    timeoutMs: TIMEOUTS.local,
    parse: (r) => {
      const line = r.lines.find((l) => l.startsWith(prefix));
      if (line === undefined) throw new MmsgwError('AT_PARSE', `no ${prefix} answer`);
      return parseRegistration(domain, line.slice(prefix.length), true);
    },
  };
}
