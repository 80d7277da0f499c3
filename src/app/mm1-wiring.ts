import { join } from 'node:path';
import { FallbackBearer, InterfaceBearer, ModemHttpBearer, PdpContextManager, PppBearer, SystemBearer, type Bearer, type PdpType } from '../bearer/index.js';
import type { Config } from '../config/index.js';
import type { AtChannel } from '../at/index.js';
import type { Modem } from '../modem/index.js';
import { Mm1Client, type CarrierProfile } from '../mmsc/index.js';
import { ConfigError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { urlPolicyOf } from './push-policy.js';
import type { Mm1Wiring } from './mmsc.js';

/*
 * The MM1 side's machinery (the bearers, the MM1 client): loaded by createMm1 (./mmsc.ts) once an
 * MMSC URL is known, so that a box without MMS does not load it.
 */

const PDP_TYPE: Readonly<Record<Config['bearer']['ipType'], PdpType>> = { ipv4: 'IP', ipv6: 'IPV6', ipv4v6: 'IPV4V6' };

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

/** The MM1 client over the configured bearer, for a configuration whose MMSC URL is set. */
export function wireMm1(config: Config & { mmsc: { url: string } }, modem: Modem | undefined, carrier: CarrierProfile, log: Logger): Mm1Wiring {
  const status = modem?.status();
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
