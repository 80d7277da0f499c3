/**
 * Which Content-Locations the box may fetch. An m-notification-ind (OMA-TS-MMS_ENC §6.2,
 * X-Mms-Content-Location §7.3.10) arrives by SMS from anyone who can send a binary SMS to the
 * box's number, so its URL is attacker input: fetched as given, it would make the box GET
 * `http://127.0.0.1:…` or a LAN host and relay the answer by mail (server-side request forgery).
 *
 * The rules, pure and synchronous (the caller supplies the box's own addresses):
 *
 * - `http:` / `https:` only (OMA-TS-MMS_CTR §8.1.3: retrieval is an HTTP GET), no user
 *   information in the URL (RFC 3986 §3.2.1: credentials in URIs are deprecated);
 * - the MMSC's own origin (scheme, host, port of the configured MMSC URL) is always allowed;
 * - with a WAP proxy (the MMS APN's proxy) the box only ever connects to the proxy, which
 *   decides what it fetches; private carrier addresses (`http://10.x.x.x/…`) are then normal,
 *   but loopback, link-local, unspecified, multicast and the box's own addresses are refused;
 * - without a proxy the host must be allowed by the carrier profile: the MMSC host, its parent
 *   domain, and the profile's `allowedHosts`; and every address it resolves to must be public
 *   unless it lies in one of the profile's `allowedNetworks` (the MMSC host itself may resolve
 *   into private ranges, as MMSCs inside carrier networks do, but never to loopback,
 *   link-local or the box).
 */
import { BlockList, isIP } from 'node:net';

export type AddressClass = 'public' | 'loopback' | 'link-local' | 'private' | 'unspecified' | 'multicast' | 'reserved';

export type LocationRefusalCode =
  | 'LOCATION_INVALID'
  | 'LOCATION_SCHEME'
  | 'LOCATION_CREDENTIALS'
  | 'LOCATION_HOST'
  | 'LOCATION_ADDRESS';

export type LocationVerdict = { readonly ok: true } | { readonly ok: false; readonly code: LocationRefusalCode; readonly reason: string };

export interface UrlPolicy {
  /** A WAP proxy is configured: the box connects only to it. */
  readonly viaProxy: boolean;
  /** The configured MMSC URL; its origin is always allowed. */
  readonly mmscUrl?: string;
  /** Host names allowed without a proxy: `host` exactly, `.example.com` / `*.example.com` for it and its subdomains. */
  readonly allowedHosts: readonly string[];
  /** Networks (CIDR or single addresses) allowed even when loopback, link-local or private. */
  readonly allowedNetworks: readonly string[];
  /** The box's own interface addresses. */
  readonly ownAddresses: readonly string[];
}

type Rule = readonly [string, number, 'ipv4' | 'ipv6'];

// RFC 6890 special-purpose registries (IPv4 §2.2.2, IPv6 §2.2.3), by the class that matters here.
const RULES: Readonly<Record<Exclude<AddressClass, 'public'>, readonly Rule[]>> = {
  unspecified: [['0.0.0.0', 8, 'ipv4'], ['::', 128, 'ipv6']],
  loopback: [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']],
  'link-local': [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']],
  private: [
    ['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'],
    ['100.64.0.0', 10, 'ipv4'], // RFC 6598 shared address space (carrier-grade NAT)
    ['fc00::', 7, 'ipv6'], // RFC 4193 unique local
  ],
  multicast: [['224.0.0.0', 4, 'ipv4'], ['ff00::', 8, 'ipv6']],
  reserved: [
    ['192.0.0.0', 24, 'ipv4'], ['192.0.2.0', 24, 'ipv4'], ['198.18.0.0', 15, 'ipv4'], ['198.51.100.0', 24, 'ipv4'],
    ['203.0.113.0', 24, 'ipv4'], ['240.0.0.0', 4, 'ipv4'], ['2001:db8::', 32, 'ipv6'], ['fec0::', 10, 'ipv6'],
  ],
};

const LISTS: readonly (readonly [Exclude<AddressClass, 'public'>, BlockList])[] = Object.entries(RULES).map(([cls, rules]) => {
  const list = new BlockList();
  for (const [net, prefix, family] of rules) list.addSubnet(net, prefix, family);
  return [cls as Exclude<AddressClass, 'public'>, list] as const;
});

/** Brackets removed, zone index dropped, lower case. */
function bareAddress(address: string): string {
  return address.replace(/^\[|\]$/g, '').replace(/%.*$/, '').toLowerCase();
}

/** The class of an IP literal (IPv4-mapped IPv6 addresses are classed as their IPv4 address). */
export function classifyAddress(address: string): AddressClass {
  const a = bareAddress(address);
  const family = isIP(a);
  if (family === 0) return 'reserved';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [cls, list] of LISTS) if (list.check(a, type)) return cls;
  return 'public';
}

function networkList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const e of entries) {
    const [net = '', prefix] = e.trim().split('/');
    const a = bareAddress(net);
    const family = isIP(a);
    if (family === 0) continue;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(a, type);
    else list.addSubnet(a, Number(prefix), type);
  }
  return list;
}

function inNetworks(address: string, entries: readonly string[]): boolean {
  if (entries.length === 0) return false;
  const a = bareAddress(address);
  const family = isIP(a);
  return family !== 0 && networkList(entries).check(a, family === 4 ? 'ipv4' : 'ipv6');
}

function isOwn(address: string, own: readonly string[]): boolean {
  const a = bareAddress(address);
  return own.some((o) => bareAddress(o) === a) || inNetworks(a, own.filter((o) => isIP(bareAddress(o)) !== 0));
}

function hostOf(u: URL): string {
  return bareAddress(u.hostname).replace(/\.$/, '');
}

function originOf(u: URL): string {
  return `${u.protocol}//${hostOf(u)}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Host names a profile allows by default: the MMSC host and its parent domain (`mmsc.carrier.example` → `.carrier.example`). */
export function defaultAllowedHosts(mmscUrl: string | undefined): string[] {
  const u = mmscUrl ? parse(mmscUrl) : undefined;
  if (!u) return [];
  const host = hostOf(u);
  if (isIP(host) !== 0) return [host];
  const labels = host.split('.');
  // The parent domain only when it still has two labels (never a bare top-level domain).
  return labels.length >= 3 ? [host, `.${labels.slice(1).join('.')}`] : [host];
}

export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return allowed.some((entry) => {
    const e = entry.trim().toLowerCase().replace(/\.$/, '');
    if (e.startsWith('*.') || e.startsWith('.')) {
      const suffix = e.slice(e.indexOf('.'));
      return h === suffix.slice(1) || h.endsWith(suffix);
    }
    return h === bareAddress(e);
  });
}

const refused = (code: LocationRefusalCode, reason: string): LocationVerdict => ({ ok: false, code, reason });

function addressVerdict(address: string, sameMmscHost: boolean, policy: UrlPolicy, what: string): LocationVerdict {
  if (inNetworks(address, policy.allowedNetworks)) return { ok: true };
  if (isOwn(address, policy.ownAddresses)) return refused('LOCATION_ADDRESS', `${what} ${address}, an address of this box`);
  const cls = classifyAddress(address);
  if (cls === 'public') return { ok: true };
  // Carrier MMSCs often live on private addresses; the configured MMSC host may, nothing else may.
  if (cls === 'private' && (sameMmscHost || policy.viaProxy)) return { ok: true };
  return refused('LOCATION_ADDRESS', `${what} ${address}, a ${cls} address the carrier profile does not list`);
}

/**
 * Checks a Content-Location (or a redirect target) before anything is sent. Host names are
 * checked here; the addresses they resolve to by `checkResolvedAddress` at connect time.
 */
export function checkLocation(url: string, policy: UrlPolicy): LocationVerdict {
  const u = parse(url);
  if (!u) return refused('LOCATION_INVALID', 'the location is not a valid URL');
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return refused('LOCATION_SCHEME', `the scheme ${u.protocol.replace(/:$/, '')} is not allowed (only http and https)`);
  if (u.username !== '' || u.password !== '') return refused('LOCATION_CREDENTIALS', 'the location carries credentials');
  const mmsc = policy.mmscUrl ? parse(policy.mmscUrl) : undefined;
  if (mmsc && originOf(mmsc) === originOf(u)) return { ok: true };
  const host = hostOf(u);
  const sameHost = mmsc !== undefined && hostOf(mmsc) === host;
  if (isIP(host) !== 0) {
    const v = addressVerdict(host, sameHost, policy, 'the host');
    if (!v.ok || policy.viaProxy) return v;
    // Without a proxy a literal must be the MMSC's, or listed.
    if (sameHost || hostAllowed(host, policy.allowedHosts) || inNetworks(host, policy.allowedNetworks)) return { ok: true };
    return refused('LOCATION_HOST', `the host ${host} is not the MMSC's and not allowed by the carrier profile`);
  }
  if (policy.viaProxy) {
    return host === 'localhost' || host.endsWith('.localhost') ? refused('LOCATION_HOST', `the host ${host} names this box`) : { ok: true };
  }
  if (sameHost || hostAllowed(host, policy.allowedHosts)) return { ok: true };
  return refused('LOCATION_HOST', `the host ${host} is not allowed by the carrier profile (allowed: ${[...(mmsc ? [hostOf(mmsc)] : []), ...policy.allowedHosts].join(', ') || 'none'})`);
}

/** Checks an address a location's host resolved to (direct connections only; a proxy resolves for itself). */
export function checkResolvedAddress(url: string, address: string, policy: UrlPolicy): LocationVerdict {
  if (policy.viaProxy) return { ok: true };
  const u = parse(url);
  if (!u) return refused('LOCATION_INVALID', 'the location is not a valid URL');
  const mmsc = policy.mmscUrl ? parse(policy.mmscUrl) : undefined;
  if (mmsc && originOf(mmsc) === originOf(u)) return { ok: true };
  return addressVerdict(address, mmsc !== undefined && hostOf(mmsc) === hostOf(u), policy, `${hostOf(u)} resolves to`);
}
