import { createRequire } from 'node:module';
import type { XMLParser as XMLParserClass } from 'fast-xml-parser';
import { MmsgwError } from '../../util/errors.js';

/**
 * MMS settings from mobile-broadband-provider-info, the carrier database ModemManager and
 * NetworkManager use (Debian package `mobile-broadband-provider-info`, file
 * `serviceproviders.xml`, format 2.0, public domain). Only what MMS needs is kept: for each
 * provider with an `<apn>` whose `<usage type="mms"/>` carries an `<mmsc>`, the network ids
 * (MCC/MNC), the APN, the MMSC URL, the WAP proxy and the APN credentials.
 *
 * The database has no SPN or GID1 fields; MVNOs that share a network code are told apart by
 * comparing the SIM's service provider name (EF_SPN) with the provider names (see lookup.ts).
 */
export interface MbpiEntry {
  /** Provider name as the database spells it, e.g. "Vodafone". */
  readonly name: string;
  /** ISO 3166 country code, lower case ("de"). */
  readonly country: string;
  /** MCC+MNC strings, MNC as written (2 or 3 digits): "26202". */
  readonly plmns: readonly string[];
  /** The provider is marked primary="true" for its network codes. */
  readonly primary: boolean;
  readonly apn: string;
  readonly mmsc: string;
  /** "host:port" (port 80 when the database gives none, as Android's mmsport default). */
  readonly proxy?: string;
  readonly username?: string;
  readonly password?: string;
  readonly auth?: 'pap' | 'chap';
}

export const SYSTEM_DATABASE = '/usr/share/mobile-broadband-provider-info/serviceproviders.xml';

/** Largest database accepted: the 2023 file is 0.36 MB. */
export const MAX_BYTES = 16 * 1024 * 1024;

type Node = Record<string, unknown>;

const asArray = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const asNode = (v: unknown): Node => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Node) : {});
/** Text of an element that may carry attributes (`<name xml:lang="…">`). */
function text(v: unknown): string | undefined {
  const first = asArray(v)[0];
  if (typeof first === 'string') return first.trim() || undefined;
  if (typeof first === 'number') return String(first);
  const t = asNode(first)['#text'];
  return typeof t === 'string' || typeof t === 'number' ? String(t).trim() || undefined : undefined;
}

/** `<mmsproxy>` is "host" or "host:port"; a bare host means port 80 (Android apns-conf `mmsport` default). */
export function normaliseProxy(raw: string | undefined): string | undefined {
  const v = raw?.trim();
  if (!v) return undefined;
  if (/^\[.*\]:\d+$/.test(v) || /^[^:]+:\d+$/.test(v)) return v;
  if (v.includes(':')) return `[${v}]:80`;
  return `${v}:80`;
}

/**
 * Parses serviceproviders.xml into MMS entries with fast-xml-parser (XML entities only, no
 * HTML entities); the input is bounded in size, so the work is linear in it.
 */
export function parseServiceProviders(xml: string): MbpiEntry[] {
  if (xml.length > MAX_BYTES) throw new MmsgwError('CARRIER_DB_TOO_LARGE', `carrier database larger than ${MAX_BYTES} bytes`);
  // Loaded here, not at start: a box whose MMS settings are configured never parses the database.
  // The CommonJS build is one bundled file (the ES build is ~35 modules).
  const { XMLParser } = createRequire(import.meta.url)('fast-xml-parser') as { XMLParser: typeof XMLParserClass };
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true, htmlEntities: false, parseTagValue: false, trimValues: true });
  let doc: Node;
  try {
    doc = asNode(parser.parse(xml));
  } catch (e) {
    throw new MmsgwError('CARRIER_DB_INVALID', `carrier database is not well-formed XML: ${(e as Error).message}`, { cause: e });
  }
  const root = asNode(doc['serviceproviders']);
  const out: MbpiEntry[] = [];
  for (const c of asArray(root['country'])) {
    const country = String(asNode(c)['@code'] ?? '').toLowerCase();
    for (const p of asArray(asNode(c)['provider'])) {
      const provider = asNode(p);
      const name = text(provider['name']);
      const gsm = asNode(provider['gsm']);
      if (!name) continue;
      const plmns = asArray(gsm['network-id'])
        .map((n) => `${String(asNode(n)['@mcc'] ?? '')}${String(asNode(n)['@mnc'] ?? '')}`)
        .filter((s) => /^\d{5,6}$/.test(s));
      if (plmns.length === 0) continue;
      for (const a of asArray(gsm['apn'])) {
        const apnNode = asNode(a);
        const usages = asArray(apnNode['usage']).map((u) => String(asNode(u)['@type'] ?? ''));
        const mmsc = text(apnNode['mmsc']);
        const apn = String(apnNode['@value'] ?? '').trim();
        if (!usages.some((u) => u.startsWith('mms')) || !mmsc || !apn) continue;
        const proxy = normaliseProxy(text(apnNode['mmsproxy']));
        const username = text(apnNode['username']);
        const password = text(apnNode['password']);
        const method = String(asNode(asArray(apnNode['authentication'])[0])['@method'] ?? '');
        out.push({
          name,
          country,
          plmns: [...new Set(plmns)],
          primary: provider['@primary'] === 'true',
          apn,
          mmsc,
          ...(proxy ? { proxy } : {}),
          ...(username ? { username } : {}),
          ...(password ? { password } : {}),
          ...(method === 'pap' || method === 'chap' ? { auth: method } : {}),
        });
      }
    }
  }
  return out;
}

/**
 * The compact form shipped in mbpi-snapshot.ts: one row per MMS APN,
 * [country, name, plmns (space-separated), apn, mmsc, proxy, username, password, flags].
 * flags: "p" primary, "a" pap, "c" chap.
 */
export type SnapshotRow = readonly [string, string, string, string, string, string, string, string, string];

export function toRow(e: MbpiEntry): SnapshotRow {
  const flags = `${e.primary ? 'p' : ''}${e.auth === 'pap' ? 'a' : e.auth === 'chap' ? 'c' : ''}`;
  return [e.country, e.name, e.plmns.join(' '), e.apn, e.mmsc, e.proxy ?? '', e.username ?? '', e.password ?? '', flags];
}

export function fromRow(r: SnapshotRow): MbpiEntry {
  const [country, name, plmns, apn, mmsc, proxy, username, password, flags] = r;
  return {
    country,
    name,
    plmns: plmns.split(' '),
    primary: flags.includes('p'),
    apn,
    mmsc,
    ...(proxy ? { proxy } : {}),
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(flags.includes('a') ? { auth: 'pap' as const } : flags.includes('c') ? { auth: 'chap' as const } : {}),
  };
}
