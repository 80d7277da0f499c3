/**
 * The command table of a simulated modem: the standard 27.005/27.007 commands, then the AT
 * HTTP stack (./httpstack.js, when that module is present), then the profile's own commands,
 * each layer overriding the one before.
 */
import { errorMessage } from '../../util/errors.js';
import { logger } from '../../util/log.js';
import { basicHandlers } from './commands/basic.js';
import { networkHandlers } from './commands/network.js';
import { pdpHandlers } from './commands/pdp.js';
import { sendHandlers } from './commands/send.js';
import { simFileHandlers } from './commands/sim-files.js';
import { smsHandlers } from './commands/sms.js';
import { simCardHandlers, vendorSimHandlers } from './commands/simcard.js';
import { clientHandlers, vendorClientHandlers } from './commands/client.js';
import type { CommandHandler, HandlerTable, ModemProfile } from './types.js';

const log = logger('sim-modem');

export const standardHandlers: HandlerTable = {
  ...basicHandlers,
  ...networkHandlers,
  ...smsHandlers,
  ...sendHandlers,
  ...pdpHandlers,
  ...simFileHandlers,
  ...simCardHandlers,
  ...clientHandlers,
};

/**
 * The optional AT HTTP stack (Quectel +QHTTP*, SIMCom +HTTP*). Its module exports
 * `httpStackHandlers`: a HandlerTable, or a function of the profile returning one (so that a
 * Quectel profile gets only the Quectel commands).
 */
type HttpStackExport = HandlerTable | ((profile: ModemProfile) => HandlerTable);

function isTable(v: unknown): v is HandlerTable {
  return typeof v === 'object' && v !== null && Object.values(v).every((h) => typeof h === 'function');
}

export async function loadHttpStack(profile: ModemProfile): Promise<HandlerTable> {
  // A computed specifier: the module is optional, and its absence is not a type error.
  const specifier = './httpstack.js';
  let mod: { httpStackHandlers?: unknown };
  try {
    mod = (await import(specifier)) as { httpStackHandlers?: unknown };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND') {
      log.debug('no AT HTTP stack module; +QHTTP*/+HTTP* answer ERROR');
      return {};
    }
    log.error({ err: errorMessage(e) }, 'AT HTTP stack failed to load');
    return {};
  }
  const exp = mod.httpStackHandlers as HttpStackExport | undefined;
  const table = typeof exp === 'function' ? exp(profile) : exp;
  if (table === undefined) return {};
  if (!isTable(table)) {
    log.error('httpStackHandlers is not a table of command handlers; ignored');
    return {};
  }
  return table;
}

export function buildTable(profile: ModemProfile, extra: HandlerTable): Record<string, CommandHandler> {
  return { ...standardHandlers, ...(vendorSimHandlers[profile.name] ?? {}), ...(vendorClientHandlers[profile.name] ?? {}), ...extra, ...(profile.handlers ?? {}) };
}
