import { Resolver } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { BearerError } from './errors.js';
import { normalizeHost } from './proxy.js';

export type IpFamily = 'ipv4' | 'ipv6' | 'ipv4v6';

export interface BearerResolverOptions {
  /** DNS servers of the MMS APN (from config, or from +CGCONTRDP / usepeerdns). */
  servers?: readonly string[];
  /** Name → IP literal overrides, for carriers whose MMS APN has no DNS at all. */
  hosts?: Readonly<Record<string, string>>;
  /** Address families the PDP context carries; decides A vs AAAA and their order. */
  family?: IpFamily;
  /** Source addresses for DNS queries, so they leave through the bearer's interface. */
  localV4?: string;
  localV6?: string;
  timeoutMs?: number;
}

/**
 * Resolves names the way the bearer must: hosts map first, IP literals as they are, then the
 * APN's own DNS servers (never the host's /etc/resolv.conf, which points at the internet APN
 * or the LAN). Without servers and without an override, resolution fails with BEARER_DNS.
 */
export class BearerResolver {
  private readonly resolver: Resolver | undefined;
  private readonly hosts: Map<string, string>;
  private readonly family: IpFamily;

  constructor(private readonly opts: BearerResolverOptions) {
    this.family = opts.family ?? 'ipv4';
    this.hosts = new Map(Object.entries(opts.hosts ?? {}).map(([k, v]) => [k.toLowerCase(), normalizeHost(v)]));
    if (opts.servers && opts.servers.length > 0) {
      this.resolver = new Resolver({ timeout: opts.timeoutMs ?? 5000, tries: 2 });
      this.resolver.setServers(opts.servers.map(normalizeHost));
      if (opts.localV4 || opts.localV6) this.resolver.setLocalAddress(opts.localV4 ?? '0.0.0.0', opts.localV6 ?? '::0');
    }
  }

  /** All addresses for `name`, preferred family first. */
  async resolve(name: string): Promise<string[]> {
    const host = normalizeHost(name);
    if (isIP(host)) return [host];
    const override = this.hosts.get(host);
    if (override) return [override];
    if (!this.resolver) throw new BearerError('BEARER_DNS', `cannot resolve ${host}: the MMS APN has no DNS servers configured and no hosts entry`, { details: { host } });
    const order: ('A' | 'AAAA')[] = this.family === 'ipv4' ? ['A'] : this.family === 'ipv6' ? ['AAAA'] : ['A', 'AAAA'];
    const out: string[] = [];
    let lastError: unknown;
    for (const rr of order) {
      try {
        out.push(...(rr === 'A' ? await this.resolver.resolve4(host) : await this.resolver.resolve6(host)));
      } catch (e) {
        lastError = e;
      }
    }
    if (out.length === 0) {
      const code = typeof lastError === 'object' && lastError !== null && 'code' in lastError ? String((lastError as { code: unknown }).code) : 'ENODATA';
      throw new BearerError('BEARER_DNS', `cannot resolve ${host} through ${this.opts.servers?.join(', ')} (${code})`, { cause: lastError, details: { host, servers: this.opts.servers } });
    }
    return out;
  }

  /** A `lookup` for net/http that goes through this resolver. */
  lookup(onResolved?: (host: string, address: string) => Promise<void>): LookupFunction {
    return (hostname, options, callback) => {
      this.resolve(hostname)
        .then(async (addrs) => {
          const first = addrs[0] as string;
          if (onResolved) await onResolved(hostname, first);
          if (options.all) callback(null, addrs.map((address) => ({ address, family: isIP(address) })));
          else callback(null, first, isIP(first));
        })
        .catch((e: unknown) => callback(e as NodeJS.ErrnoException, '', 0));
    };
  }
}
