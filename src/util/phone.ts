/**
 * Phone numbers by the numbering plans of the world (libphonenumber-js with its full
 * metadata): national numbers read in the box's own country ("0871112223" on an Irish box is
 * +353 87 111 2223, never a Finnish +358…), E.164 keys (ITU-T E.164: country code + national
 * significant number, at most 15 digits) for matching and threads, display in national or
 * international format, and the number's type, so premium-rate and shared-cost numbers can be
 * refused before they cost the owner money.
 */
import { createRequire } from 'node:module';
import type * as Libphonenumber from 'libphonenumber-js/max';
import type { CountryCode, NumberType } from 'libphonenumber-js/max';
import { BoundedMemo } from './memo.js';
import { countryOfMcc } from './mcc.js';

export type { CountryCode, NumberType };

/** Smallest number of digits accepted as a phone number (shorter numbers are short codes). */
export const MIN_E164_DIGITS = 7;
/** ITU-T E.164 §6.2.1: at most 15 digits including the country code. */
export const MAX_E164_DIGITS = 15;

/** Types that cost the sender more than an ordinary message, refused by default. */
export const COSTLY_TYPES: readonly NumberType[] = ['PREMIUM_RATE', 'SHARED_COST', 'PERSONAL_NUMBER', 'UAN', 'VOICEMAIL', 'PAGER'];

export interface PhoneOptions {
  /** The box's country (ISO 3166-1 alpha-2), for national numbers. */
  readonly country?: CountryCode | undefined;
  /**
   * How digits without '+', '00' or a national prefix are read: as an international number
   * without its '+' (default; the form the box writes into its own Reply-To addresses), or as
   * a national number of `country`.
   */
  readonly bareDigits?: 'international' | 'national';
}

export type PhoneResult =
  | { readonly ok: true; readonly e164: string; readonly country: CountryCode | undefined; readonly type: NumberType | undefined }
  | { readonly ok: false; readonly reason: string };

/** Visual separators people write inside numbers: space, '-', '.', '/', parentheses, NBSP. */
const SEPARATORS = /[\s\-./()\u00a0]/g;

let loaded: typeof Libphonenumber | undefined;

/**
 * libphonenumber-js with its full metadata, loaded at the first number read or written rather
 * than at start (about 2 MB of heap an idle gateway would otherwise hold from the moment it
 * starts; issue 17). A synchronous require of the package's CommonJS build, so that every
 * function here stays synchronous; the answers are the same library's with the same metadata.
 */
const require = createRequire(import.meta.url);

function lib(): typeof Libphonenumber {
  return (loaded ??= require('libphonenumber-js/max') as typeof Libphonenumber);
}

interface CallingCodes {
  getCountryCodesForCallingCode(cc: string): CountryCode[] | undefined;
}
let callingCodes: CallingCodes | undefined;

/**
 * The full metadata as the library's Metadata object (the CommonJS build of
 * 'libphonenumber-js/max' does not export the class; 'core' does). Made once: a require by
 * name resolves the package path again on every call.
 */
function metadata(): CallingCodes {
  if (callingCodes) return callingCodes;
  lib();
  const { Metadata } = require('libphonenumber-js/core') as { Metadata: new (m: unknown) => CallingCodes };
  return (callingCodes = new Metadata(require('libphonenumber-js/metadata.max.json')));
}

/** Control characters replaced so that input cannot shape the lines of a reply. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}

/** An ISO country code when the string is one libphonenumber knows (case-insensitive). */
export function asCountry(code: string | null | undefined): CountryCode | undefined {
  const c = code?.trim().toUpperCase();
  return c && lib().isSupportedCountry(c) ? c : undefined;
}

/** The main country of a calling code ("353" → IE, "1" → US, "44" → GB). */
export function countryOfCallingCode(callingCode: string): CountryCode | undefined {
  const list = metadata().getCountryCodesForCallingCode(callingCode.replace(/\D/g, ''));
  return list?.[0];
}

/** The country of an E.164 number ("+353871112223" → IE), by its numbering plan. */
export function countryOfNumber(e164: string): CountryCode | undefined {
  // `null` stands for "no country" in the memo, which keeps only defined answers.
  return countries.get(e164, () => countryUncached(e164) ?? null) ?? undefined;
}

function countryUncached(e164: string): CountryCode | undefined {
  const p = lib().parsePhoneNumberFromString(e164.startsWith('+') ? e164 : `+${e164}`);
  if (!p) return undefined;
  return p.country ?? countryOfCallingCode(p.countryCallingCode);
}

/**
 * The box's country: configured (`box.country`), else the home country of the SIM (its IMSI's
 * MCC, 3GPP TS 23.003 §2.2), else the country of the box's own number, else of a configured
 * calling code.
 */
export function boxCountry(o: { readonly configured?: string | null; readonly imsi?: string | undefined; readonly ownNumber?: string | null | undefined; readonly callingCode?: string | null }): CountryCode | undefined {
  return (
    asCountry(o.configured) ??
    asCountry(o.imsi ? countryOfMcc(o.imsi) : undefined) ??
    (o.ownNumber ? countryOfNumber(o.ownNumber) : undefined) ??
    (o.callingCode ? countryOfCallingCode(o.callingCode) : undefined)
  );
}

/** The calling code of a country ("IE" → "353"). */
export function callingCodeOf(country: CountryCode): string {
  return lib().getCountryCallingCode(country);
}

/**
 * Reads a number as written by a person or a phone: `+353 87 111 2223`, `00353…`, `087 111
 * 2223` (national, in `country`), or bare international digits. Short codes (fewer than 7
 * digits) and anything over 15 digits are refused, as is text that is not a number.
 */
export function parsePhone(input: string, opts: PhoneOptions = {}): PhoneResult {
  return parsed.get(`${opts.country ?? ''}|${opts.bareDigits ?? 'international'}|${input}`, () => parseUncached(input, opts));
}

/**
 * Answers of parsePhone and formatPhone, which depend on nothing but their arguments and the
 * library's metadata: the same few numbers are read again and again — each message's sender
 * and recipients, for its row, its thread, its mail and its reports — and one read by the
 * library costs ~0.1 ms (3.5 % of the gateway's CPU in a burst of 900 messages, profiled).
 */
const parsed = new BoundedMemo<PhoneResult>(1024);
const formatted = new BoundedMemo<string>(1024);
/** formatPhoneNumber's answers: the sender and recipients shown in every mail's headers and summary. */
const shown = new BoundedMemo<string>(1024);
/** countryOfNumber's: the box's own number, read for every mail in. */
const countries = new BoundedMemo<CountryCode | null>(256);

/** Entries kept (for tests). */
export function phoneMemoSizes(): { parsed: number; formatted: number; shown: number; countries: number } {
  return { parsed: parsed.size, formatted: formatted.size, shown: shown.size, countries: countries.size };
}

function parseUncached(input: string, opts: PhoneOptions): PhoneResult {
  const shown = printable(input.length > 40 ? `${input.slice(0, 40)}…` : input);
  const compact = input.trim().replace(SEPARATORS, '');
  if (compact.length === 0) return { ok: false, reason: 'the number is empty' };
  if (!/^\+?[0-9]+$/.test(compact)) return { ok: false, reason: `"${shown}" is not a phone number (only digits and a leading + are allowed)` };
  let text: string;
  let national = false;
  if (compact.startsWith('+')) text = compact;
  else if (compact.startsWith('00')) text = `+${compact.slice(2)}`;
  else if (compact.startsWith('0') || (opts.bareDigits ?? 'international') === 'national') {
    text = compact;
    national = true;
  } else text = `+${compact}`;
  if (national && !opts.country) return { ok: false, reason: `"${shown}" is a national number, and the box's country is not known (set box.country)` };
  const digits = text.replace(/^\+/, '');
  if (!national && digits.startsWith('0')) return { ok: false, reason: `"${shown}" has no valid country code` };
  const p = lib().parsePhoneNumberFromString(text, national ? opts.country : undefined);
  if (!p) return { ok: false, reason: national ? `"${shown}" is not a phone number of ${opts.country ?? ''}` : `"${shown}" has no valid country code` };
  const e164 = p.number;
  const n = e164.length - 1;
  if (n < MIN_E164_DIGITS || (p.nationalNumber.length < 6 && !p.isValid())) return { ok: false, reason: `"${shown}" is too short to be a phone number (short codes are not allowed)` };
  if (n > MAX_E164_DIGITS) return { ok: false, reason: `"${shown}" is too long to be a phone number (E.164 allows at most 15 digits)` };
  return { ok: true, e164, country: p.country ?? countryOfCallingCode(p.countryCallingCode), type: p.getType() };
}

/**
 * The comparable key of an address for matching and conversation threads: E.164 for phone
 * numbers, however they were written (`0871112223` from an Irish SMSC, `+353871112223`,
 * `00353…`); alphanumeric senders ("Vodafone") and short codes as they are, trimmed.
 */
export function phoneKey(raw: string, country: CountryCode | undefined): string {
  const bare = raw.replace(/\/TYPE=[A-Za-z0-9_-]*$/i, '').trim();
  const r = parsePhone(bare, { country, bareDigits: 'national' });
  if (r.ok) return r.e164;
  const compact = bare.replace(SEPARATORS, '');
  if (/^\+?\d+$/.test(compact)) return compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  return bare;
}

/** A number for people: national format for the box's country, international otherwise; anything else as given. */
export function formatPhone(raw: string, country: CountryCode | undefined): string {
  return formatted.get(`${country ?? ''}|${raw}`, () => formatUncached(raw, country));
}

function formatUncached(raw: string, country: CountryCode | undefined): string {
  const bare = raw.replace(/\/TYPE=[A-Za-z0-9_-]*$/i, '').trim();
  const r = parsePhone(bare, { country, bareDigits: 'national' });
  if (!r.ok) return bare;
  const p = lib().parsePhoneNumberFromString(r.e164);
  if (!p) return r.e164;
  return country !== undefined && r.country === country ? p.formatNational() : p.formatInternational();
}

/**
 * Why sending to this number costs more than a message (premium-rate, shared-cost, personal
 * numbering, UAN, voicemail, pager), or undefined. `refuse` overrides the list of types;
 * `allow` lists numbers (`+4990012345`) or prefixes (`+49900*`) the owner accepts anyway.
 */
export function costlyReason(e164: string, opts: { readonly refuse?: readonly NumberType[]; readonly allow?: readonly string[] } = {}): string | undefined {
  if ((opts.allow ?? []).some((a) => (a.endsWith('*') ? e164.startsWith(a.slice(0, -1)) : a === e164))) return undefined;
  // The number's type from parsePhone's kept answer (the number was read just before, to check it).
  const read = parsePhone(e164);
  const type = read.ok ? read.type : lib().parsePhoneNumberFromString(e164)?.getType();
  if (type === undefined || !(opts.refuse ?? COSTLY_TYPES).includes(type)) return undefined;
  return `${e164} is a ${type.toLowerCase().replace(/_/g, '-')} number; sending to it costs extra and is not allowed by this gateway`;
}

export interface PhoneFormatOptions {
  /** The box's country calling code ("49"): national numbers ("0151…") are read with it. */
  readonly countryCode?: string | undefined;
  /** `national`: numbers of the box's country without the country code. Default `international`. */
  readonly style?: 'international' | 'national' | undefined;
}

const TYPE_SUFFIX = /\/TYPE=[A-Za-z0-9_-]*$/i;

/**
 * A number as people read it, given the box's calling code: `+49 151 12345678` (ITU-T E.123
 * §2.5 international notation), or `0151 12345678` for a number of the box's own country when
 * national notation is asked for. Bare digits without '+' or a trunk prefix (short codes) and
 * anything that is not a possible number (alphanumeric senders) come back unchanged, so no
 * information is lost by formatting.
 */
export function formatPhoneNumber(raw: string, options: PhoneFormatOptions = {}): string {
  return shown.get(`${options.countryCode ?? ''}|${options.style ?? ''}|${raw}`, () => formatNumberUncached(raw, options));
}

function formatNumberUncached(raw: string, options: PhoneFormatOptions): string {
  const bare = raw.replace(TYPE_SUFFIX, '').trim();
  if (bare === '' || !/^[+\d\s().\-\u00a0]+$/.test(bare) || bare.length > 40) return bare;
  const compact = bare.replace(/[\s().\-\u00a0]/g, '');
  const text = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  const cc = options.countryCode;
  // Without '+', only a trunk-prefixed national number ("0151…") is read in the box's country.
  if (!text.startsWith('+') && (!text.startsWith('0') || cc === undefined || cc === '')) return bare;
  const country = text.startsWith('+') ? undefined : countryOfCallingCode(cc ?? '');
  if (!text.startsWith('+') && country === undefined) return bare;
  const parsed = lib().parsePhoneNumberFromString(text, country);
  if (parsed === undefined || !parsed.isPossible()) return bare;
  if (options.style === 'national' && cc !== undefined && parsed.countryCallingCode === cc) return parsed.formatNational();
  return parsed.formatInternational();
}

/**
 * The box's country calling code: the configured one, else the one of its own number
 * (`+353…` → "353", which a fixed-width guess would get wrong). Undefined without either.
 */
export function boxCallingCode(configured: string | null | undefined, ownNumber: string | null | undefined): string | undefined {
  if (configured !== null && configured !== undefined && configured !== '') return configured;
  if (ownNumber === null || ownNumber === undefined) return undefined;
  return lib().parsePhoneNumberFromString(ownNumber.replace(TYPE_SUFFIX, ''))?.countryCallingCode;
}
