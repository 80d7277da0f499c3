import { isIP } from 'node:net';
import type { ProxyAddress } from './types.js';

/**
 * Carriers publish MMS proxy addresses in odd forms: "010.000.000.010" (zero-padded octets,
 * which some resolvers would read as octal), "http://10.0.0.10:8080/", "[fd00::1]:80". Every
 * form normalises to a canonical host and a port (default 8080, the customary WAP 2.0 proxy
 * port, when none is given). Returns undefined for the empty/absent proxy.
 */
export function parseProxy(spec: string | undefined, defaultPort = 8080): ProxyAddress | undefined {
  if (spec === undefined) return undefined;
  let s = spec.trim();
  if (s === '') return undefined;
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '');
  let host: string;
  let port = defaultPort;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracket) {
    host = bracket[1] ?? '';
    if (bracket[2]) port = Number(bracket[2]);
  } else if ((s.match(/:/g) ?? []).length > 1) {
    host = s; // bare IPv6 literal without a port
  } else {
    const colon = s.lastIndexOf(':');
    host = colon >= 0 ? s.slice(0, colon) : s;
    if (colon >= 0) port = Number(s.slice(colon + 1));
  }
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new RangeError(`invalid proxy port in "${spec}"`);
  host = normalizeHost(host);
  if (host === '') throw new RangeError(`invalid proxy "${spec}"`);
  return { host, port };
}

/** "010.000.000.010" → "10.0.0.10"; other hosts are lower-cased and returned unchanged. */
export function normalizeHost(host: string): string {
  const h = host.trim().toLowerCase();
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (!m) return h;
  const octets = m.slice(1).map((o) => Number.parseInt(o, 10));
  if (octets.some((o) => o > 255)) return h;
  return octets.join('.');
}

/** The host part of a URL as a connectable name (brackets of IPv6 literals removed). */
export function urlHost(u: URL): string {
  const h = u.hostname;
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

export function urlPort(u: URL): number {
  if (u.port !== '') return Number(u.port);
  return u.protocol === 'https:' ? 443 : 80;
}

export function hostIsLiteral(host: string): boolean {
  return isIP(host) !== 0;
}
