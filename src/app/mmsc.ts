import type { Bearer } from '../bearer/index.js';
import type { Config } from '../config/index.js';
import type { Modem } from '../modem/index.js';
import type { Mm1Client } from '../mmsc/index.js';
import { CARRIERS, resolveCarrier, type CarrierProfile } from '../mmsc/carriers/index.js';
import { ConfigError } from '../util/errors.js';
import { describeSettings, mmsSettings, withMmsSettings } from './carrier-settings.js';
import type { Logger } from '../util/log.js';

export interface Mm1Wiring {
  readonly client: Mm1Client;
  readonly bearer: Bearer;
  readonly carrier: CarrierProfile;
  close(): Promise<void>;
}

/**
 * The carrier profile: named in the configuration, or looked up by the SIM's IMSI (MCC/MNC),
 * with the configuration's User-Agent, UAProf and size limit on top.
 */
export function carrierProfile(config: Config, imsi: string | undefined): CarrierProfile {
  const m = config.mmsc;
  const overrides: Partial<CarrierProfile> = {
    ...(m.userAgent !== null ? { userAgent: m.userAgent } : {}),
    ...(m.uaProf !== null ? { uaProfUrl: m.uaProf } : {}),
    ...(m.proxy !== null ? { proxy: m.proxy } : {}),
    maxMessageSize: m.maxMessageSize,
    ...(m.timeoutSeconds !== null ? { timeoutMs: m.timeoutSeconds * 1000 } : {}),
  };
  const name = m.carrierProfile.trim().toLowerCase();
  if (name === 'auto') return resolveCarrier(imsi, overrides);
  if (name === 'generic' || name === 'default') return resolveCarrier(undefined, overrides);
  const entry = CARRIERS.find((c) => c.name.toLowerCase() === name || c.name.toLowerCase().startsWith(`${name} `));
  if (!entry) {
    throw new ConfigError('mmsc.carrierProfile', `unknown carrier '${m.carrierProfile}'; known: auto, generic, ${CARRIERS.map((c) => c.name).join(', ')}`);
  }
  return resolveCarrier(entry.plmns[0], overrides);
}

/**
 * The MM1 client over the configured bearer, with the MMS settings the configuration leaves
 * out taken from the carrier profile or database for the SIM (each logged with its source).
 * Undefined when no MMSC URL is known: the box then handles SMS only, and the bearers and the
 * MM1 client (./mm1-wiring.ts) are not loaded.
 */
export async function createMm1(configured: Config, modem: Modem | undefined, log: Logger): Promise<Mm1Wiring | undefined> {
  const status = modem?.status();
  const settings = mmsSettings(configured, { ...(status?.imsi ? { imsi: status.imsi } : {}) });
  log.info({ ...describeSettings(settings), ...(settings.match?.ambiguous ? { ambiguous: settings.match.alternatives.map((a) => a.name) } : {}) }, 'MMS settings');
  if (settings.match?.ambiguous) log.warn({ chosen: settings.match.entry.name }, 'several carriers share this network code; set bearer.apn and mmsc.url if MMS fails');
  const config = withMmsSettings(configured, settings);
  const url = config.mmsc.url;
  if (url === null) {
    log.warn(status?.imsi ? 'no MMSC URL: not in the configuration and not in the carrier database for this SIM; MMS is off' : 'no MMSC URL configured and no SIM identity to look one up; MMS is off');
    return undefined;
  }
  const carrier = carrierProfile(config, status?.imsi);
  const { wireMm1 } = await import('./mm1-wiring.js');
  return wireMm1({ ...config, mmsc: { ...config.mmsc, url } }, modem, carrier, log);
}
