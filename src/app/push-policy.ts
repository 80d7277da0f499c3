import { networkInterfaces } from 'node:os';
import type { Config } from '../config/index.js';
import { checkLocation, defaultAllowedHosts, type UrlPolicy } from '../mmsc/url-policy.js';
import { pushSourceAllowed } from '../mmsc/push-policy.js';
import type { CarrierProfile } from '../mmsc/carriers/index.js';
import type { PushPolicy } from '../pipeline/context.js';

/** Every address of the box's interfaces, now (bearers come and go). */
export function ownAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}

/**
 * The URL policy of this box (src/mmsc/url-policy.ts): the MMSC and proxy in use, the hosts
 * and networks the carrier profile and `mmsc.allowedHosts` / `mmsc.allowedNetworks` allow,
 * and the box's addresses at the time of asking.
 */
export function urlPolicyOf(config: Config, carrier: CarrierProfile): () => UrlPolicy {
  const mmscUrl = config.mmsc.url ?? carrier.mmsc;
  const proxy = config.mmsc.proxy ?? carrier.proxy;
  const allowedHosts = [...defaultAllowedHosts(mmscUrl), ...(carrier.allowedHosts ?? []), ...config.mmsc.allowedHosts];
  const allowedNetworks = [...(carrier.allowedNetworks ?? []), ...config.mmsc.allowedNetworks];
  return () => ({ viaProxy: Boolean(proxy), ...(mmscUrl ? { mmscUrl } : {}), allowedHosts, allowedNetworks, ownAddresses: ownAddresses() });
}

/** The pipeline's WAP Push policy: push sources (config, else carrier profile) and fetchable locations. */
export function pushPolicyOf(config: Config, carrier: CarrierProfile): PushPolicy {
  const sources = config.mmsc.pushSources.length > 0 ? config.mmsc.pushSources : carrier.pushSources;
  const policy = urlPolicyOf(config, carrier);
  const owner = config.mail.out.defaultMailbox ?? config.mail.out.routes[0]?.mailboxes[0];
  return {
    sourceAllowed: (from) => pushSourceAllowed(from, sources),
    locationRefused: (url) => {
      const v = checkLocation(url, policy());
      return v.ok ? undefined : { code: v.code, reason: v.reason };
    },
    ...(owner ? { owner: { mailbox: owner, from: `mmsgw@${config.mail.out.fromDomain}` } } : {}),
  };
}
