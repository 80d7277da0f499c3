import type { AtCommand, AtResponse } from '../at/index.js';
import { splitParams } from '../modem/commands/params.js';
import { errorMessage } from '../util/errors.js';
import { logger } from '../util/log.js';
import { BearerError } from './errors.js';
import type { ContextHook, ContextInfo } from './interface.js';

const log = logger('bearer');

/** What the PDP manager needs of the AT channel (AtChannel satisfies it). */
export interface AtRunner {
  run<T>(command: AtCommand<T>, options?: { timeoutMs?: number }): Promise<T>;
}

export type PdpType = 'IP' | 'IPV6' | 'IPV4V6';

export interface PdpOptions {
  apn: string;
  pdpType?: PdpType;
  /** Use this cid for the MMS context; by default the lowest undefined cid from 2 upward. */
  cid?: number;
  /** Highest cid the modem accepts, when AT+CGDCONT=? does not tell. */
  maxCid?: number;
  /** AT+CGACT can take a network round trip of many seconds (27.007 §10.1.10). */
  activateTimeoutMs?: number;
  /**
   * standard: +CGDCONT / +CGACT. quectel: AT+QICSGP=<cid>,<1|2|3>,"<apn>" and AT+QIACT /
   * AT+QIDEACT, the TCP/IP context commands the Quectel HTTP stack is bound to.
   */
  dialect?: 'standard' | 'quectel';
}

const QUECTEL_TYPE: Readonly<Record<PdpType, number>> = { IP: 1, IPV6: 2, IPV4V6: 3 };

interface Defined {
  cid: number;
  type: string;
  apn: string;
}

export interface ActiveContext extends ContextInfo {
  cid: number;
  /** The context was already active for this APN (shared with the internet): not ours to release. */
  shared: boolean;
  addresses: string[];
}

/** APNs a gateway must never redefine or deactivate: IMS signalling and emergency bearers. */
const PROTECTED_APNS = new Set(['ims', 'sos', 'emergency']);

const lines = (prefix: string, text: string, timeoutMs = 10_000): AtCommand<string[]> => ({
  text,
  prefixes: [prefix],
  timeoutMs,
  parse: (r: AtResponse) => r.lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length).trim()),
});
const plain = (text: string, timeoutMs = 10_000): AtCommand<void> => ({ text, timeoutMs, parse: () => undefined });

/**
 * Converts a 27.007 address ("10.1.2.3", or IPv6 as 16 dot-separated decimal octets, or a
 * colon form) to a textual IP; drops unset addresses ("0.0.0.0", "").
 */
export function pdpAddress(raw: string): string | undefined {
  const s = raw.trim();
  if (s === '' || s === '0.0.0.0' || s === '::') return undefined;
  const parts = s.split('.');
  if (parts.length === 16 || parts.length === 32) {
    const bytes = parts.slice(0, 16).map(Number);
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
    return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
  }
  if (parts.length === 8) return parts.slice(0, 4).join('.'); // "a.b.c.d.m.m.m.m": address + mask
  return s;
}

/**
 * The MMS PDP context: defined and activated in its own cid only when needed (3GPP 27.007
 * §10.1.1 +CGDCONT, §10.1.10 +CGACT), addresses from +CGPADDR (§10.1.14), DNS from +CGCONTRDP
 * (§10.1.23). The default/internet context, IMS and emergency contexts are never touched; an
 * APN already active (MMS sharing the internet APN) is reused and left active.
 */
export class PdpContextManager implements ContextHook {
  private active: ActiveContext | undefined;
  private created = false;

  constructor(private readonly at: AtRunner, private readonly opts: PdpOptions) {}

  async up(): Promise<ActiveContext> {
    if (this.active) return this.active;
    const defined = (await this.at.run(lines('+CGDCONT:', 'AT+CGDCONT?'))).map(parseDefined).filter((d): d is Defined => d !== undefined);
    const states = new Map((await this.at.run(lines('+CGACT:', 'AT+CGACT?'))).map((l) => {
      const [cid, st] = splitParams(l);
      return [Number(cid), st === '1'] as const;
    }));
    const apn = this.opts.apn.toLowerCase();
    const same = defined.find((d) => d.apn.toLowerCase() === apn && (this.opts.cid === undefined || d.cid === this.opts.cid));
    if (same && states.get(same.cid)) {
      log.info({ cid: same.cid, apn }, 'MMS APN already active; sharing the context');
      this.active = { cid: same.cid, shared: true, ...(await this.details(same.cid)) };
      return this.active;
    }
    const cid = same?.cid ?? this.chooseCid(defined, states);
    const type = this.opts.pdpType ?? 'IP';
    try {
      const quectel = this.opts.dialect === 'quectel';
      if (!same || same.type.toUpperCase() !== type) {
        await this.at.run(plain(quectel ? `AT+QICSGP=${cid},${QUECTEL_TYPE[type]},"${this.opts.apn}","","",0` : `AT+CGDCONT=${cid},"${type}","${this.opts.apn}"`));
        this.created = !same;
      }
      await this.at.run(plain(quectel ? `AT+QIACT=${cid}` : `AT+CGACT=1,${cid}`, this.opts.activateTimeoutMs ?? 150_000));
    } catch (e) {
      if (this.created) await this.at.run(plain(`AT+CGDCONT=${cid}`)).catch(() => undefined);
      this.created = false;
      throw new BearerError('BEARER_NO_CONTEXT', `cannot activate the MMS APN "${this.opts.apn}" on cid ${cid}: ${errorMessage(e)}`, { cause: e, details: { cid, apn: this.opts.apn } });
    }
    const info = await this.details(cid);
    if (info.addresses.length === 0) {
      await this.down();
      throw new BearerError('BEARER_NO_CONTEXT', `the MMS context on cid ${cid} came up without an address`, { details: { cid } });
    }
    this.active = { cid, shared: false, ...info };
    return this.active;
  }

  /** Deactivates the context if this manager activated it, and removes a definition it created. */
  async down(): Promise<void> {
    const a = this.active;
    this.active = undefined;
    if (!a || a.shared) return;
    try {
      await this.at.run(plain(this.opts.dialect === 'quectel' ? `AT+QIDEACT=${a.cid}` : `AT+CGACT=0,${a.cid}`, 40_000));
    } catch (e) {
      log.warn({ cid: a.cid, err: errorMessage(e) }, 'MMS context deactivation failed');
    }
    if (this.created) {
      this.created = false;
      await this.at.run(plain(`AT+CGDCONT=${a.cid}`)).catch(() => undefined);
    }
  }

  private chooseCid(defined: Defined[], states: Map<number, boolean>): number {
    const byCid = new Map(defined.map((d) => [d.cid, d]));
    const want = this.opts.cid;
    if (want !== undefined) {
      const d = byCid.get(want);
      if (d && (states.get(want) || PROTECTED_APNS.has(d.apn.toLowerCase()))) {
        throw new BearerError('BEARER_NO_CONTEXT', `configured cid ${want} holds APN "${d.apn}"${states.get(want) ? ' and is active' : ''}; refusing to redefine it`, { details: { cid: want, apn: d.apn } });
      }
      return want;
    }
    const max = this.opts.maxCid ?? 15;
    for (let cid = 2; cid <= max; cid++) if (!byCid.has(cid)) return cid;
    throw new BearerError('BEARER_NO_CONTEXT', `no free PDP context id between 2 and ${max} for the MMS APN`, { details: { defined: defined.map((d) => d.cid) } });
  }

  /** The active context, once `up` resolved. */
  get context(): ActiveContext | undefined {
    return this.active;
  }

  private async details(cid: number): Promise<{ addresses: string[]; dns: string[] }> {
    const addresses = (await this.at.run(lines('+CGPADDR:', `AT+CGPADDR=${cid}`)))
      .flatMap((l) => splitParams(l).slice(1))
      .map(pdpAddress)
      .filter((a): a is string => a !== undefined);
    let dns: string[] = [];
    try {
      // +CGCONTRDP: <cid>,<bearer_id>,<apn>,<local_addr and subnet_mask>,<gw_addr>,<DNS_prim_addr>,<DNS_sec_addr>,…
      dns = (await this.at.run(lines('+CGCONTRDP:', `AT+CGCONTRDP=${cid}`)))
        .flatMap((l) => splitParams(l).slice(5, 7))
        .map(pdpAddress)
        .filter((a): a is string => a !== undefined);
    } catch (e) {
      log.debug({ cid, err: errorMessage(e) }, '+CGCONTRDP unsupported; DNS from configuration only');
    }
    return { addresses, dns: [...new Set(dns)] };
  }
}

function parseDefined(l: string): Defined | undefined {
  const [cid, type, apn] = splitParams(l);
  const n = Number(cid);
  if (!Number.isInteger(n)) return undefined;
  return { cid: n, type: type ?? '', apn: apn ?? '' };
}
