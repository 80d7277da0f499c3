/**
 * Phone numbers as people read them: `+49 151 12345678` (ITU-T E.123 §2.5 international
 * notation, grouped by libphonenumber-js's metadata), or `0151 12345678` for a number of the
 * box's own country when national notation is asked for. Anything that does not parse as a
 * valid number (short codes, alphanumeric senders) is returned unchanged, so no information
 * is lost by formatting.
 */
import { parsePhoneNumberFromString, type CountryCallingCode } from 'libphonenumber-js';

export interface PhoneFormatOptions {
  /** The box's country calling code ("49"): national numbers ("0151…") are read with it. */
  readonly countryCode?: string | undefined;
  /** `national`: numbers of the box's country without the country code. Default `international`. */
  readonly style?: 'international' | 'national' | undefined;
}

const TYPE_SUFFIX = /\/TYPE=[A-Za-z0-9_-]*$/;

export function formatPhoneNumber(raw: string, options: PhoneFormatOptions = {}): string {
  const bare = raw.replace(TYPE_SUFFIX, '').trim();
  if (bare === '' || !/^[+\d\s().\-\u00a0]+$/.test(bare) || bare.length > 40) return bare;
  const compact = bare.replace(/[\s().\-\u00a0]/g, '');
  const text = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  const cc = options.countryCode;
  // Without '+', only a trunk-prefixed national number ("0151…") is read in the box's
  // country; bare digits ("12345", a short code) stay as they are.
  if (!text.startsWith('+') && (!text.startsWith('0') || cc === undefined || cc === '')) return bare;
  const parsed = parsePhoneNumberFromString(text, text.startsWith('+') ? {} : { defaultCallingCode: cc as CountryCallingCode });
  if (parsed === undefined || !parsed.isPossible()) return bare;
  if (options.style === 'national' && cc !== undefined && parsed.countryCallingCode === cc) return parsed.formatNational();
  return parsed.formatInternational();
}

/**
 * The box's country calling code: the configured one, else the one of its own number
 * (`+353…` → "353", which a fixed-width guess would get wrong). Undefined without either.
 */
export function callingCodeOf(configured: string | null | undefined, ownNumber: string | null | undefined): string | undefined {
  if (configured !== null && configured !== undefined && configured !== '') return configured;
  if (ownNumber === null || ownNumber === undefined) return undefined;
  return parsePhoneNumberFromString(ownNumber.replace(TYPE_SUFFIX, ''))?.countryCallingCode;
}
