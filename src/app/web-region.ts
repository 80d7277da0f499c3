import { getCountries, getCountryCallingCode, type CountryCode } from 'libphonenumber-js';

/** The main region of a calling code ("49" → "DE", "1" → "US"), for national number display. */
export function getRegionCodeForCountryCode(cc: string): CountryCode | undefined {
  const main: Record<string, CountryCode> = { '1': 'US', '7': 'RU', '44': 'GB', '61': 'AU', '47': 'NO', '590': 'GP', '262': 'RE', '599': 'CW' };
  if (main[cc]) return main[cc];
  return getCountries().find((c) => getCountryCallingCode(c) === cc);
}
