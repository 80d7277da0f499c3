import { readFileSync, statSync } from 'node:fs';
import { logger } from '../../util/log.js';
import { errorMessage, MmsgwError } from '../../util/errors.js';
import { fromRow, MAX_BYTES, parseServiceProviders, SYSTEM_DATABASE, type MbpiEntry } from './mbpi.js';
import { SNAPSHOT, SNAPSHOT_SOURCE } from './mbpi-snapshot.js';
import { hasProviders, selectProviders } from './mbpi-select.js';

const log = logger('carriers');

/** The MMS settings database in use and where it came from. */
export interface CarrierDatabase {
  /** "/usr/share/…/serviceproviders.xml" or "mobile-broadband-provider-info … (snapshot)". */
  readonly source: string;
  readonly entries: readonly MbpiEntry[];
}

let cached: { key: string; db: CarrierDatabase } | undefined;

/**
 * The system's serviceproviders.xml when it is there and readable (it is kept current by the
 * distribution), else the snapshot shipped with mmsgw. `MMSGW_CARRIER_DB` names another file
 * ("none" forces the snapshot). With `plmns`, only the system file's providers serving one of
 * those network codes are parsed (mbpi-select.ts): what a lookup for them needs, at a fraction
 * of the memory.
 */
export function carrierDatabase(env: Readonly<Record<string, string | undefined>> = process.env, plmns?: readonly string[]): CarrierDatabase {
  const path = env.MMSGW_CARRIER_DB ?? SYSTEM_DATABASE;
  let key = `snapshot`;
  if (path !== 'none') {
    try {
      key = `${path}:${statSync(path).mtimeMs}${plmns ? `:${plmns.join(',')}` : ''}`;
    } catch {
      key = 'snapshot';
    }
  }
  if (cached?.key === key) return cached.db;
  let db: CarrierDatabase | undefined;
  if (key !== 'snapshot') {
    try {
      let entries: MbpiEntry[];
      if (plmns) {
        // Scanned as bytes; the XML parser loads only when a provider serves the SIM's network.
        const bytes = readFileSync(path);
        if (bytes.length > MAX_BYTES) throw new MmsgwError('CARRIER_DB_TOO_LARGE', `carrier database larger than ${MAX_BYTES} bytes`);
        const selected = selectProviders(bytes, plmns);
        entries = hasProviders(selected) ? parseServiceProviders(selected) : [];
      } else {
        entries = parseServiceProviders(readFileSync(path, 'utf8'));
      }
      db = { source: path, entries };
    } catch (e) {
      log.warn({ path, err: errorMessage(e) }, 'cannot read the carrier database; using the snapshot shipped with mmsgw');
    }
  }
  db ??= { source: SNAPSHOT_SOURCE, entries: SNAPSHOT.map(fromRow) };
  cached = { key, db };
  return db;
}

/** What the SIM says about its issuer. */
export interface SimIdentity {
  /** +CIMI (27.007 §5.6): MCC, MNC, MSIN. */
  readonly imsi?: string;
  /** MCC+MNC when the IMSI is unknown (+COPS numeric). */
  readonly plmn?: string;
  /** Service provider name, EF_SPN (3GPP 31.102 §4.2.12). */
  readonly spn?: string;
}

export interface CarrierMatch {
  readonly entry: MbpiEntry;
  readonly plmn: string;
  /** Why this entry was chosen among those sharing the network code. */
  readonly reason: string;
  /** Other MMS APNs for the same network code (other providers or plans), best first. */
  readonly alternatives: readonly MbpiEntry[];
  /** More than one provider shares the code and nothing on the SIM told them apart. */
  readonly ambiguous: boolean;
  readonly source: string;
}

function plmnsOf(id: SimIdentity): string[] {
  const d = (id.imsi ?? id.plmn ?? '').replace(/\D/g, '');
  if (d.length < 5) return [];
  if (d.length <= 6) return [d];
  // The MNC length is not in the IMSI (3GPP 23.003 §2.2): three digits are tried first.
  return [d.slice(0, 6), d.slice(0, 5)];
}

const norm = (s: string): string => s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, ' ').trim();

/** How well a provider name matches the SIM's SPN: 2 equal, 1 one contains the other, 0 not. */
function spnScore(spn: string | undefined, name: string): number {
  if (!spn) return 0;
  const a = norm(spn);
  const b = norm(name);
  if (!a || !b) return 0;
  if (a === b) return 2;
  const words = new Set(b.split(' '));
  return a.split(' ').every((w) => words.has(w)) || b.includes(a) || a.includes(b) ? 1 : 0;
}

/**
 * The MMS settings for a SIM: the network code from the IMSI (three-digit MNC tried first),
 * then among the providers sharing it the one whose name matches the SPN, else the one marked
 * primary, else the first. Undefined when the database has no MMS APN for the network.
 */
export function lookupCarrier(id: SimIdentity, db: CarrierDatabase = carrierDatabase(process.env, plmnsOf(id))): CarrierMatch | undefined {
  for (const plmn of plmnsOf(id)) {
    const found = db.entries.filter((e) => e.plmns.includes(plmn));
    if (found.length === 0) continue;
    const ranked = found
      .map((entry, i) => ({ entry, i, spn: spnScore(id.spn, entry.name) }))
      .sort((x, y) => y.spn - x.spn || Number(y.entry.primary) - Number(x.entry.primary) || x.i - y.i);
    const best = ranked[0] as (typeof ranked)[number];
    const providers = new Set(found.map((e) => e.name));
    const reason =
      best.spn > 0
        ? `SPN '${id.spn ?? ''}' matches '${best.entry.name}'`
        : providers.size > 1
          ? best.entry.primary
            ? `'${best.entry.name}' is the primary provider of ${plmn}`
            : `first of ${providers.size} providers on ${plmn}`
          : `only provider on ${plmn}`;
    return {
      entry: best.entry,
      plmn,
      reason,
      alternatives: ranked.slice(1).map((r) => r.entry),
      ambiguous: providers.size > 1 && best.spn === 0 && !best.entry.primary,
      source: db.source,
    };
  }
  return undefined;
}
