/**
 * Phone number normalisation to E.164 for mail addressed to numbers, on the numbering plans
 * of src/util/phone.ts (libphonenumber-js): national numbers in the box's country, short
 * codes refused (an email must never make the box send to a premium-rate short code), and
 * premium-rate / shared-cost numbers refused unless the owner allows them.
 */
import { callingCodeOf, costlyReason, countryOfCallingCode, parsePhone, printable, type CountryCode, type NumberType } from '../../util/phone.js';

export { printable };
export { MIN_E164_DIGITS, MAX_E164_DIGITS } from '../../util/phone.js';

export interface NumberingOptions {
  /** The box's country (ISO 3166-1 alpha-2) for national numbers; see `boxCountry`. */
  readonly country?: CountryCode;
  /** Country calling code for national numbers when `country` is not given (its main country is used), digits only. */
  readonly defaultCountryCode?: string;
  /**
   * How digits without '+', international prefix or national prefix are read: as an
   * international number without the '+' (default, the form the box writes into its own
   * Reply-To addresses), or as a national number of the box's country.
   */
  readonly bareDigits?: 'international' | 'national';
  /** Number types refused as destinations (default: premium-rate, shared-cost and other costly ones). */
  readonly refuseTypes?: readonly NumberType[];
  /** Destinations allowed whatever their type: `+4990012345`, or a prefix `+49900*`. */
  readonly allow?: readonly string[];
}

export type NumberResult = { readonly ok: true; readonly e164: string } | { readonly ok: false; readonly reason: string };

function countryOf(opts: NumberingOptions): CountryCode | undefined {
  return opts.country ?? (opts.defaultCountryCode ? countryOfCallingCode(opts.defaultCountryCode) : undefined);
}

/** A number as E.164 with '+', or why it cannot be one. Costly types are not checked here (see `destinationProblem`). */
export function normalizeNumber(input: string, opts: NumberingOptions): NumberResult {
  const r = parsePhone(input, { country: countryOf(opts), ...(opts.bareDigits ? { bareDigits: opts.bareDigits } : {}) });
  return r.ok ? { ok: true, e164: r.e164 } : r;
}

/** Why the box must not send to this (normalised) number, or undefined: premium-rate and other costly types. */
export function destinationProblem(e164: string, opts: NumberingOptions): string | undefined {
  return costlyReason(e164, { ...(opts.refuseTypes ? { refuse: opts.refuseTypes } : {}), ...(opts.allow ? { allow: opts.allow } : {}) });
}

/** Same number? Both sides normalised first; unparseable numbers never match. */
export function sameNumber(a: string, b: string, opts: NumberingOptions): boolean {
  const x = normalizeNumber(a, opts);
  const y = normalizeNumber(b, opts);
  return x.ok && y.ok && x.e164 === y.e164;
}

/** Calling code of the options' country, for messages and templates. */
export function callingCode(opts: NumberingOptions): string | undefined {
  const c = countryOf(opts);
  return c ? callingCodeOf(c) : opts.defaultCountryCode;
}
