/**
 * Phone number normalisation to E.164 (ITU-T E.164: country code + national significant
 * number, at most 15 digits), written with a leading '+'. Short codes and service numbers
 * are refused on purpose: an email must never make the box send to a premium-rate short code.
 */

export interface NumberingOptions {
  /** Country calling code used for national numbers, digits only (e.g. "49", "1"). */
  readonly defaultCountryCode: string;
  /** National trunk prefix that introduces a national number (default "0"; "" where none exists). */
  readonly trunkPrefix?: string;
  /** International call prefix accepted in front of a country code besides '+' (default "00"). */
  readonly internationalPrefix?: string;
  /**
   * How digits without '+', international prefix or trunk prefix are read: as an international
   * number without the '+' (default, the form the box writes into its own Reply-To addresses),
   * or as a national number of the default country.
   */
  readonly bareDigits?: 'international' | 'national';
}

/** Smallest number of digits accepted after normalisation (shorter numbers are short codes). */
export const MIN_E164_DIGITS = 7;
/** ITU-T E.164 §6.2.1: at most 15 digits including the country code. */
export const MAX_E164_DIGITS = 15;

export type NumberResult = { readonly ok: true; readonly e164: string } | { readonly ok: false; readonly reason: string };

/** Visual separators people write inside numbers: space, '-', '.', '/', parentheses, NBSP. */
const SEPARATORS = /[\s\-./()\u00a0]/g;

export function normalizeNumber(input: string, opts: NumberingOptions): NumberResult {
  const shown = input.length > 40 ? `${input.slice(0, 40)}…` : input;
  const compact = input.trim().replace(SEPARATORS, '');
  if (compact.length === 0) return { ok: false, reason: 'the number is empty' };
  if (!/^\+?[0-9]+$/.test(compact)) return { ok: false, reason: `"${printable(shown)}" is not a phone number (only digits and a leading + are allowed)` };
  const trunk = opts.trunkPrefix ?? '0';
  const intl = opts.internationalPrefix ?? '00';
  let digits: string;
  if (compact.startsWith('+')) digits = compact.slice(1);
  else if (intl !== '' && compact.startsWith(intl)) digits = compact.slice(intl.length);
  else if (trunk !== '' && compact.startsWith(trunk)) digits = opts.defaultCountryCode + compact.slice(trunk.length);
  else if ((opts.bareDigits ?? 'international') === 'national') digits = opts.defaultCountryCode + compact;
  else digits = compact;
  if (digits.startsWith('0')) return { ok: false, reason: `"${printable(shown)}" has no valid country code` };
  if (digits.length < MIN_E164_DIGITS) return { ok: false, reason: `"${printable(shown)}" is too short to be a phone number (short codes are not allowed)` };
  if (digits.length > MAX_E164_DIGITS) return { ok: false, reason: `"${printable(shown)}" is too long to be a phone number (E.164 allows at most 15 digits)` };
  return { ok: true, e164: `+${digits}` };
}

/** Same number? Both sides normalised first; unparseable numbers never match. */
export function sameNumber(a: string, b: string, opts: NumberingOptions): boolean {
  const x = normalizeNumber(a, opts);
  const y = normalizeNumber(b, opts);
  return x.ok && y.ok && x.e164 === y.e164;
}

/** Control characters replaced so an attacker's input cannot shape a reply mail's lines. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}
