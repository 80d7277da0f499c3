import { join } from 'node:path';
import { FallbackBearer, InterfaceBearer, ModemHttpBearer, PdpContextManager, PppBearer, SystemBearer, type Bearer, type PdpType } from '../bearer/index.js';
import type { Config } from '../config/index.js';
import type { AtChannel } from '../at/index.js';
import type { Modem } from '../modem/index.js';
import { CARRIERS, Mm1Client, resolveCarrier, type CarrierProfile } from '../mmsc/index.js';
import { ConfigError } from '../util/errors.js';
import { describeSettings, mmsSettings, withMmsSettings } from './carrier-settings.js';
import type { Logger } from '../util/log.js';
import { urlPolicyOf } from './push-policy.js';

export interface Mm1Wiring {
  readonly client: Mm1Client;
  readonly bearer: Bearer;
  readonly carrier: CarrierProfile;
  close(): Promise<void>;
}

const PDP_TYPE: Readonly<Record<Config['bearer']['ipType'], PdpType>> = { ipv4: 'IP', ipv6: 'IPV6', ipv4v6: 'IPV4V6' };

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

/** What a bearer needs of the modem: its AT channel and vendor profile (not the SMS side). */
export interface ModemLink {
  readonly channel: AtChannel;
  readonly profile: string | undefined;
}

export function modemLink(modem: Modem | undefined): ModemLink | undefined {
  return modem ? { channel: modem.channel, profile: modem.status().profile } : undefined;
}

/**
 * The bearer named by `bearer.kind`; when it cannot reach the MMSC and the modem has its own
 * HTTP stack (Quectel, SIMCom), `modem-http` is tried next, and each failure is diagnosed.
 */
export function createBearer(config: Config, modem: ModemLink | undefined, carrier: CarrierProfile): Bearer {
  const primary = configuredBearer(config, modem, carrier);
  const profile = modem?.profile;
  const apn = config.bearer.apn ?? carrier.apn;
  if (primary.kind === 'modem-http' || !modem || !apn || (profile !== 'quectel' && profile !== 'simcom')) return primary;
  const proxy = config.mmsc.proxy ?? carrier.proxy;
  const b = config.bearer;
  const fallback = new ModemHttpBearer(modem.channel, { dialect: profile, apn, pdpType: PDP_TYPE[b.ipType], ...(b.contextId !== null ? { cid: b.contextId } : {}), ...(proxy ? { proxy } : {}) });
  return new FallbackBearer([primary, fallback]);
}

function configuredBearer(config: Config, modem: ModemLink | undefined, carrier: CarrierProfile): Bearer {
  const b = config.bearer;
  const proxy = config.mmsc.proxy ?? carrier.proxy;
  const apn = b.apn ?? carrier.apn;
  switch (b.kind) {
    case 'interface': {
      // Host routes to the MMS peers through the interface and, when an APN is set, the MMS
      // PDP context brought up by AT commands in its own context id.
      const context = apn && modem ? new PdpContextManager(modem.channel, { apn, pdpType: PDP_TYPE[b.ipType], ...(b.contextId !== null ? { cid: b.contextId } : {}) }) : undefined;
      return new InterfaceBearer({
        ifname: b.interface,
        ...(proxy ? { proxy } : {}),
        family: b.ipType,
        ...(b.dns.length > 0 ? { dns: b.dns } : {}),
        hosts: b.hosts,
        routing: 'host-route',
        journalPath: join(config.stateDir, 'routes.journal'),
        ...(context ? { context } : {}),
      });
    }
    case 'modem-http': {
      if (!modem) throw new ConfigError('bearer.kind', "'modem-http' needs a modem");
      if (!apn) throw new ConfigError('bearer.apn', "required for the 'modem-http' bearer");
      const profile = modem.profile;
      if (profile !== 'quectel' && profile !== 'simcom') {
        throw new ConfigError('bearer.kind', `'modem-http' needs a modem with an HTTP stack over AT (Quectel or SIMCom); this modem's profile is '${profile ?? 'unknown'}'`);
      }
      return new ModemHttpBearer(modem.channel, { dialect: profile, apn, pdpType: PDP_TYPE[b.ipType], ...(b.contextId !== null ? { cid: b.contextId } : {}), ...(proxy ? { proxy } : {}) });
    }
    case 'system':
      // The host's routing as it is (the MMS APN is the default route, NetworkManager routes
      // the MMS peers, or the embedded demo's MMSC on loopback).
      return new SystemBearer(proxy ? { proxy } : {});
    case 'ppp': {
      if (!apn) throw new ConfigError('bearer.apn', "required for the 'ppp' bearer");
      if (!b.ppp.dataPort) throw new ConfigError('bearer.ppp.dataPort', "required for the 'ppp' bearer");
      return new PppBearer({
        device: b.ppp.dataPort,
        apn,
        pdpType: PDP_TYPE[b.ipType],
        ...(b.contextId !== null ? { cid: b.contextId } : {}),
        ...(proxy ? { proxy } : {}),
        ...(b.dns.length > 0 ? { dns: [...b.dns] } : {}),
        hosts: b.hosts,
        // The MMSC is routed through the link as well as the proxy (by name too: the hook resolves it through the link's DNS).
        ...(config.mmsc.url ? { routeHosts: [new URL(config.mmsc.url).hostname] } : {}),
        ...(b.apnUser ? { user: b.apnUser } : {}),
        ...(b.apnPassword ? { password: b.apnPassword } : {}),
        runDir: join(config.stateDir, 'ppp'),
      });
    }
  }
}

/**
 * The MM1 client over the configured bearer, with the MMS settings the configuration leaves
 * out taken from the carrier profile or database for the SIM (each logged with its source).
 * Undefined when no MMSC URL is known: the box then handles SMS only.
 */
export function createMm1(configured: Config, modem: Modem | undefined, log: Logger): Mm1Wiring | undefined {
  const status = modem?.status();
  const settings = mmsSettings(configured, { ...(status?.imsi ? { imsi: status.imsi } : {}) });
  log.info({ ...describeSettings(settings), ...(settings.match?.ambiguous ? { ambiguous: settings.match.alternatives.map((a) => a.name) } : {}) }, 'MMS settings');
  if (settings.match?.ambiguous) log.warn({ chosen: settings.match.entry.name }, 'several carriers share this network code; set bearer.apn and mmsc.url if MMS fails');
  const config = withMmsSettings(configured, settings);
  if (config.mmsc.url === null) {
    log.warn(status?.imsi ? 'no MMSC URL: not in the configuration and not in the carrier database for this SIM; MMS is off' : 'no MMSC URL configured and no SIM identity to look one up; MMS is off');
    return undefined;
  }
  const carrier = carrierProfile(config, status?.imsi);
  const bearer = createBearer(config, modemLink(modem), carrier);
  const msisdn = config.box.ownNumber ?? status?.msisdn;
  const client = new Mm1Client(bearer, carrier, {
    mmscUrl: config.mmsc.url,
    ...(msisdn ? { identity: { msisdn } } : {}),
    maxSize: config.mmsc.maxMessageSize,
    urlPolicy: urlPolicyOf(config, carrier),
    onAttempt: (a) => log.debug({ ...a }, 'MM1 exchange'),
  });
  log.info({ carrier: carrier.name, bearer: bearer.kind, proxy: config.mmsc.proxy ?? 'none' }, 'MM1 client ready');
  return { client, bearer, carrier, close: async () => undefined };
}
