import { join } from 'node:path';
import { FallbackBearer, InterfaceBearer, ModemHttpBearer, PdpContextManager, PppBearer, SystemBearer, type Bearer, type PdpType } from '../bearer/index.js';
import type { Config } from '../config/index.js';
import type { Modem } from '../modem/index.js';
import { CARRIERS, Mm1Client, resolveCarrier, type CarrierProfile } from '../mmsc/index.js';
import { ConfigError } from '../util/errors.js';
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

/**
 * The bearer named by `bearer.kind`; when it cannot reach the MMSC and the modem has its own
 * HTTP stack (Quectel, SIMCom), `modem-http` is tried next, and each failure is diagnosed.
 */
export function createBearer(config: Config, modem: Modem | undefined, carrier: CarrierProfile): Bearer {
  const primary = configuredBearer(config, modem, carrier);
  const profile = modem?.status().profile;
  const apn = config.bearer.apn ?? carrier.apn;
  if (primary.kind === 'modem-http' || !modem || !apn || (profile !== 'quectel' && profile !== 'simcom')) return primary;
  const proxy = config.mmsc.proxy ?? carrier.proxy;
  const b = config.bearer;
  const fallback = new ModemHttpBearer(modem.channel, { dialect: profile, apn, pdpType: PDP_TYPE[b.ipType], ...(b.contextId !== null ? { cid: b.contextId } : {}), ...(proxy ? { proxy } : {}) });
  return new FallbackBearer([primary, fallback]);
}

function configuredBearer(config: Config, modem: Modem | undefined, carrier: CarrierProfile): Bearer {
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
      const profile = modem.status().profile;
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
        ...(b.apnUser ? { user: b.apnUser } : {}),
        ...(b.apnPassword ? { password: b.apnPassword } : {}),
        runDir: join(config.stateDir, 'ppp'),
      });
    }
  }
}

/** The MM1 client over the configured bearer. */
export function createMm1(config: Config, modem: Modem | undefined, log: Logger): Mm1Wiring {
  const status = modem?.status();
  const carrier = carrierProfile(config, status?.imsi);
  const bearer = createBearer(config, modem, carrier);
  const msisdn = config.box.ownNumber ?? status?.msisdn;
  const client = new Mm1Client(bearer, carrier, {
    mmscUrl: config.mmsc.url ?? carrier.mmsc ?? '',
    ...(msisdn ? { identity: { msisdn } } : {}),
    maxSize: config.mmsc.maxMessageSize,
    urlPolicy: urlPolicyOf(config, carrier),
    onAttempt: (a) => log.debug({ ...a }, 'MM1 exchange'),
  });
  log.info({ carrier: carrier.name, bearer: bearer.kind, proxy: config.mmsc.proxy ?? carrier.proxy ?? 'none' }, 'MM1 client ready');
  return { client, bearer, carrier, close: async () => undefined };
}
