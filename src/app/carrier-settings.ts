import type { Config } from '../config/index.js';
import { CARRIERS, resolveCarrier } from '../mmsc/carriers/index.js';
import { lookupCarrier, type CarrierDatabase, type CarrierMatch, type SimIdentity } from '../mmsc/carriers/lookup.js';

/** A setting and where its value came from, for the log, `doctor` and `config check`. */
export interface Sourced {
  readonly value: string | undefined;
  /** "config", "carrier profile 'AT&T (US)'", "mobile-broadband-provider-info (…): 'Vodafone'", or "not set". */
  readonly source: string;
}

export interface MmsSettings {
  readonly apn: Sourced;
  readonly apnUser: Sourced;
  readonly apnPassword: Sourced;
  readonly mmscUrl: Sourced;
  readonly proxy: Sourced;
  /** The database entry consulted, when there was one. */
  readonly match?: CarrierMatch;
}

const NOT_SET: Sourced = { value: undefined, source: 'not set' };

/**
 * The MMS settings the gateway uses: what the configuration says always wins; what it leaves
 * out comes from the curated carrier profile for the SIM (src/mmsc/carriers/table.ts), else
 * from mobile-broadband-provider-info. Settings travel in groups so that a carrier's values are
 * never mixed with the owner's: the proxy goes with the MMSC URL, the credentials with the APN.
 */
export function mmsSettings(config: Config, sim: SimIdentity, db?: CarrierDatabase): MmsSettings {
  const b = config.bearer;
  const m = config.mmsc;
  const curated = sim.imsi || sim.plmn ? resolveCarrier(sim.imsi ?? sim.plmn) : undefined;
  const profile = curated && CARRIERS.some((c) => c.name === curated.name) ? curated : undefined;
  const match = (b.apn === null || m.url === null) && !profile ? (db ? lookupCarrier(sim, db) : lookupCarrier(sim)) : undefined;
  const dbSource = match ? `${match.source}: '${match.entry.name}' for ${match.plmn} (${match.reason})` : undefined;
  const fromCarrier = (v: string | undefined, dbValue: string | undefined): Sourced =>
    profile && v !== undefined ? { value: v, source: `carrier profile '${profile.name}'` } : dbSource && dbValue !== undefined ? { value: dbValue, source: dbSource } : NOT_SET;
  const cfg = (v: string | null): Sourced => (v === null ? NOT_SET : { value: v, source: 'config' });

  const apnFromConfig = b.apn !== null;
  const apn = apnFromConfig ? cfg(b.apn) : fromCarrier(profile?.apn, match?.entry.apn);
  const sameGroup = !apnFromConfig && apn.value !== undefined;
  const apnUser = b.apnUser !== null || !sameGroup ? cfg(b.apnUser) : fromCarrier(undefined, match?.entry.username);
  const apnPassword = b.apnPassword !== null || !sameGroup ? cfg(b.apnPassword) : fromCarrier(undefined, match?.entry.password);

  const urlFromConfig = m.url !== null;
  const mmscUrl = urlFromConfig ? cfg(m.url) : fromCarrier(profile?.mmsc, match?.entry.mmsc);
  const proxy = m.proxy !== null || urlFromConfig || mmscUrl.value === undefined ? cfg(m.proxy) : fromCarrier(profile?.proxy, match?.entry.proxy);
  return { apn, apnUser, apnPassword, mmscUrl, proxy, ...(match ? { match } : {}) };
}

/** The configuration with the MMS settings filled in (what the bearer and MM1 client read). */
export function withMmsSettings(config: Config, s: MmsSettings): Config {
  return {
    ...config,
    bearer: { ...config.bearer, apn: s.apn.value ?? null, apnUser: s.apnUser.value ?? null, apnPassword: s.apnPassword.value ?? null },
    mmsc: { ...config.mmsc, url: s.mmscUrl.value ?? null, proxy: s.proxy.value ?? null },
  };
}

/** For the log: each setting with its source (the password shown only as set / not set). */
export function describeSettings(s: MmsSettings): Record<string, string> {
  const show = (x: Sourced, secret = false): string => (x.value === undefined ? 'not set' : `${secret ? '<set>' : x.value} (from ${x.source})`);
  return { apn: show(s.apn), apnUser: show(s.apnUser), apnPassword: show(s.apnPassword, true), mmscUrl: show(s.mmscUrl), proxy: show(s.proxy) };
}

/** Whether the MMS settings depend on the SIM (the configuration leaves the APN or the MMSC out). */
export function needsSimIdentity(config: Config): boolean {
  return config.bearer.apn === null || config.mmsc.url === null;
}

/** What the wait needs of the modem: its status and the 'ready' event after each completed init. */
export interface ReadyEmitter {
  status(): { imsi?: string; state: string };
  once(event: 'ready', listener: () => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
}

/**
 * Waits (bounded) for a modem that was not there at start to finish its init, so the carrier
 * lookup has the IMSI. Resolves true when the IMSI is known.
 */
export function waitForSimIdentity(modem: ReadyEmitter, timeoutMs: number): Promise<boolean> {
  const now = modem.status();
  if (now.imsi) return Promise.resolve(true);
  // Only a modem still on its way (not enumerated yet, or initialising) is waited for: one that is
  // ready or failed without an IMSI (no SIM, a PIN missing) will not get one by waiting.
  if (now.state !== 'closed' && now.state !== 'opening' && now.state !== 'initializing') return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      modem.off('ready', done);
      resolve(modem.status().imsi !== undefined);
    };
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    modem.once('ready', done);
  });
}
