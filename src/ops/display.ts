/**
 * The box's time zone and country for the command line's output, read leniently from the
 * configuration file as written (the commands must work without the service's secrets, so
 * the file is not validated here): `box.timeZone`, `box.countryCode` or the calling code of
 * `box.ownNumber`. Anything unreadable means the system's zone and no country.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { boxCallingCode } from '../util/phone.js';
import { isTimeZone } from '../util/time.js';

export function displayFromConfig(file: string | undefined): { timeZone?: string; countryCode?: string } {
  if (file === undefined || file === '' || !existsSync(file)) return {};
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
  const box = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>)['box'] : undefined;
  if (typeof box !== 'object' || box === null) return {};
  const b = box as Record<string, unknown>;
  const tz = typeof b['timeZone'] === 'string' && isTimeZone(b['timeZone']) ? b['timeZone'] : undefined;
  const cc = boxCallingCode(typeof b['countryCode'] === 'string' ? b['countryCode'] : undefined, typeof b['ownNumber'] === 'string' ? b['ownNumber'] : undefined);
  return { ...(tz === undefined ? {} : { timeZone: tz }), ...(cc === undefined ? {} : { countryCode: cc }) };
}
