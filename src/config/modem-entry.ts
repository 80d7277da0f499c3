import { ConfigInvalidError } from './issues.js';
import { numberOf, usbLabel, type ModemEntry } from './modems.js';
import { modemEntrySchema, type Config } from './schema.js';

/**
 * A modem added at run time (a USB modem plugged in): `input` is a `modems:` entry as in the
 * file (`{ id, port, profile, number, … }`), validated by the same schema and resolved like the
 * configured ones (top-level bearer and mmsc, `box.numbers[].port`). Never the first modem.
 */
export function parseModemEntry(config: Config, input: unknown): ModemEntry {
  const r = modemEntrySchema.safeParse(input);
  if (!r.success) throw new ConfigInvalidError(r.error.issues.map((i) => ({ key: ['modems', '(added)', ...i.path].join('.'), message: i.message, path: i.path as PropertyKey[] })));
  const { id, number, bearer, mmsc, limits, usb, port, ...rest } = r.data;
  if (id === null) throw new ConfigInvalidError([{ key: 'modems.(added).id', message: 'a modem added at run time needs an id', path: ['id'] }]);
  return { id, primary: false, modem: { ...rest, port: port ?? (usb ? usbLabel(usb) : '') }, number: number ?? (port !== null ? numberOf(config, port, null) : null), bearer: bearer ?? config.bearer, mmsc: mmsc ?? config.mmsc, limits, usb };
}
