import { parseProxy } from '../../bearer/proxy.js';
import { CARRIERS } from './table.js';
import type { CarrierEntry, CarrierProfile } from './types.js';

export type { CarrierProfile, CarrierEntry } from './types.js';
export { CARRIERS } from './table.js';

/**
 * What an unknown carrier gets: a non-empty handset-like User-Agent (several MMSCs answer 412
 * to an empty one), a UAProf URL, keep-alive, and the 1 MB limit most carriers enforce.
 */
export const DEFAULT_CARRIER: CarrierProfile = {
  name: 'default',
  plmns: [],
  userAgent: 'mmsgw/0.1 (Linux) MMS/1.3',
  uaProfUrl: 'http://www.google.com/oha/rdf/ua-profile-kila.xml',
  uaProfHeader: 'x-wap-profile',
  headers: {},
  closeConnection: false,
  maxMessageSize: 1_048_576,
  timeoutMs: 120_000,
};

/**
 * The PLMN (MCC+MNC) from an IMSI (+CIMI) or a numeric operator (+COPS format 2). The MNC
 * length is not in the IMSI; three-digit MNCs are tried first against the table, then two.
 */
export function plmnCandidates(imsiOrPlmn: string): string[] {
  const d = imsiOrPlmn.replace(/\D/g, '');
  if (d.length < 5) return [];
  if (d.length <= 6) return [d];
  return [d.slice(0, 6), d.slice(0, 5)];
}

/** The carrier profile for an IMSI or PLMN, merged over the defaults, with `overrides` on top (from config). */
export function resolveCarrier(imsiOrPlmn: string | undefined, overrides: Partial<CarrierProfile> = {}, table: readonly CarrierEntry[] = CARRIERS): CarrierProfile {
  let entry: CarrierEntry | undefined;
  for (const plmn of imsiOrPlmn ? plmnCandidates(imsiOrPlmn) : []) {
    entry = table.find((c) => c.plmns.includes(plmn));
    if (entry) break;
  }
  const merged: CarrierProfile = { ...DEFAULT_CARRIER, ...stripUndefined(entry ?? {}), ...stripUndefined(overrides) } as CarrierProfile;
  merged.headers = { ...DEFAULT_CARRIER.headers, ...(entry?.headers ?? {}), ...(overrides.headers ?? {}) };
  // Published proxy addresses are normalised ("010.000.000.010" → "10.0.0.10").
  if (merged.proxy) {
    const p = parseProxy(merged.proxy);
    merged.proxy = p ? `${p.host.includes(':') ? `[${p.host}]` : p.host}:${p.port}` : undefined;
  }
  return merged;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface Identity {
  /** The SIM's own number, +E.164. */
  msisdn?: string;
}

/** Substitutes `{msisdn}`, `{msisdnDigits}`, `{msisdnNational}`; a header whose substitution has no value is dropped. */
export function expandTemplate(template: string, profile: CarrierProfile, id: Identity): string | undefined {
  const digits = id.msisdn?.replace(/\D/g, '');
  const cc = profile.countryCode;
  const national = digits && cc && digits.startsWith(cc) ? digits.slice(cc.length) : digits;
  let missing = false;
  const out = template.replace(/\{(msisdn|msisdnDigits|msisdnNational)\}/g, (_m, key: string) => {
    const v = key === 'msisdn' ? (digits ? `+${digits}` : undefined) : key === 'msisdnDigits' ? digits : national;
    if (v === undefined) missing = true;
    return v ?? '';
  });
  return missing ? undefined : out;
}

/** The request header fields a profile adds to every MM1 request. */
export function profileHeaders(profile: CarrierProfile, id: Identity): Record<string, string> {
  const h: Record<string, string> = {};
  if (profile.userAgent) h['User-Agent'] = profile.userAgent;
  if (profile.uaProfUrl) h[profile.uaProfHeader] = profile.uaProfUrl;
  for (const [name, tpl] of Object.entries(profile.headers)) {
    const v = expandTemplate(tpl, profile, id);
    if (v !== undefined) h[name] = v;
  }
  if (profile.naiSuffix && profile.naiHeader) {
    const nai = expandTemplate(`{msisdnDigits}${profile.naiSuffix}`, profile, id);
    if (nai !== undefined) h[profile.naiHeader] = Buffer.from(nai, 'utf8').toString('base64');
  }
  return h;
}

/** The retrieve URL with the transaction id appended when the carrier wants it. */
export function retrieveUrl(contentLocation: string, profile: CarrierProfile, transactionId: string | undefined): string {
  if (!profile.transactionIdParam || !transactionId) return contentLocation;
  const u = new URL(contentLocation);
  u.searchParams.set(profile.transactionIdParam, transactionId);
  return u.href;
}
