/**
 * Times as the owner of the box reads them: in the box's time zone, with the UTC offset
 * spelled out so the line is unambiguous (ISO 8601 §4.2.5.1 style `+01:00`).
 */

/** Whether `zone` is an IANA time zone name this runtime knows (`Europe/Berlin`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

interface Fields {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
  weekday: string;
  offset: string;
}

/**
 * Formatters by zone, made once: each `Intl.DateTimeFormat` holds ICU objects outside the V8
 * heap (tens of KB) that V8 does not count, so making one per message let the process's resident
 * memory grow by ~25 KB a message until a collection happened to run (bench/memory.ts).
 */
const formatters = new Map<string, { full: Intl.DateTimeFormat; month: Intl.DateTimeFormat }>();

function formattersFor(timeZone: string | undefined): { full: Intl.DateTimeFormat; month: Intl.DateTimeFormat } {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (f === undefined) {
    const zone = timeZone === undefined ? {} : { timeZone };
    f = {
      full: new Intl.DateTimeFormat('en-GB', { ...zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short', hourCycle: 'h23', timeZoneName: 'longOffset' }),
      month: new Intl.DateTimeFormat('en-GB', { ...zone, month: 'short' }),
    };
    // Zones come from the configuration (a handful); the bound only guards against a caller passing many.
    if (formatters.size >= 16) formatters.clear();
    formatters.set(key, f);
  }
  return f;
}

function fields(date: Date, timeZone: string | undefined): Fields {
  const fmt = formattersFor(timeZone).full;
  const out: Record<string, string> = {};
  for (const p of fmt.formatToParts(date)) out[p.type] = p.value;
  // "GMT+01:00" → "+01:00"; "GMT" alone is UTC.
  const tz = (out['timeZoneName'] ?? 'GMT').replace(/^GMT/, '');
  return {
    year: out['year'] ?? '',
    month: out['month'] ?? '',
    day: out['day'] ?? '',
    hour: out['hour'] ?? '',
    minute: out['minute'] ?? '',
    second: out['second'] ?? '',
    weekday: out['weekday'] ?? '',
    offset: tz === '' ? '+00:00' : tz,
  };
}

/** `2026-03-01 11:20:30 +01:00` — sortable, for tables and logs. */
export function formatLocalTime(date: Date, timeZone?: string): string {
  if (Number.isNaN(date.getTime())) return 'invalid date';
  const f = fields(date, timeZone);
  return `${f.year}-${f.month}-${f.day} ${f.hour}:${f.minute}:${f.second} ${f.offset}`;
}

/** `Sun 1 Mar 2026, 11:20 (+01:00)` — for a reader, as a phone shows a message's time. */
export function formatReadableTime(date: Date, timeZone?: string): string {
  if (Number.isNaN(date.getTime())) return 'invalid date';
  const f = fields(date, timeZone);
  const month = formattersFor(timeZone).month.format(date);
  return `${f.weekday} ${Number(f.day)} ${month} ${f.year}, ${f.hour}:${f.minute} (${f.offset})`;
}
