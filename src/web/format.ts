import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Display forms: phone numbers for the box's country, times in the box's time zone. */

/** National format for numbers of the box's own region, international otherwise; other addresses as they are. */
export function formatAddress(addr: string, region: string | undefined): string {
  if (!/^\+\d{4,15}$/.test(addr)) return addr;
  const key = `${region ?? ''}|${addr}`;
  let out = formatted.get(key);
  if (out === undefined) {
    const p = parsePhoneNumberFromString(addr);
    out = !p ? addr : region !== undefined && p.country === (region as CountryCode) ? p.formatNational() : p.formatInternational();
    // Parsing costs around a millisecond on a Pi; a box has a bounded set of correspondents.
    if (formatted.size >= MAX_FORMATTED) formatted.clear();
    formatted.set(key, out);
  }
  return out;
}

const MAX_FORMATTED = 10_000;
const formatted = new Map<string, string>();

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, short: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${short}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', short
      ? { timeZone, day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit' }
      : { timeZone, year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
    formatters.set(key, f);
  }
  return f;
}

export function formatTime(ms: number | null | undefined, timeZone: string, short = false): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return formatter(timeZone, short).format(new Date(ms));
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** A positive integer route or query parameter, else undefined. */
export function intParam(v: unknown): number | undefined {
  if (typeof v !== 'string' || !/^\d{1,15}$/.test(v)) return undefined;
  const n = Number(v);
  return n > 0 ? n : undefined;
}
