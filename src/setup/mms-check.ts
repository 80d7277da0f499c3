import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { AtChannel } from '../at/index.js';
import { isAtError } from '../at/index.js';
import { BearerError, BearerResolver, PdpContextManager, parseProxy, type ActiveContext, type PdpType } from '../bearer/index.js';
import type { Config } from '../config/index.js';
import { carrierProfile } from '../app/mmsc.js';
import { createBearer } from '../app/mm1-wiring.js';
import type { MmsSettings } from '../app/carrier-settings.js';
import { errorMessage } from '../util/errors.js';

/**
 * The MMS path checked step by step, as the gateway will use it (`mmsgw doctor --mms`, and
 * `mmsgw setup` before it writes a configuration): the MMS PDP context comes up with the APN
 * (3GPP 27.007 §10.1.10 +CGACT), the MMSC's and proxy's names resolve through the bearer's DNS,
 * and an HTTP request reaches the MMSC through the WAP proxy. Each step has a verdict and, when
 * it is not ok, advice naming the setting to change.
 */
export type Verdict = 'ok' | 'warn' | 'fail' | 'skipped';

export interface MmsStep {
  readonly step: 'settings' | 'context' | 'dns' | 'reach';
  readonly verdict: Verdict;
  readonly detail: string;
  readonly advice?: string;
}

export interface MmsCheckResult {
  readonly verdict: 'ok' | 'fail';
  readonly steps: readonly MmsStep[];
}

export interface MmsCheckOptions {
  /** The configuration with the MMS settings filled in (withMmsSettings). */
  readonly config: Config;
  /** Where each setting came from, for the advice. */
  readonly settings?: MmsSettings;
  /** The modem's AT channel (no SMS is read or deleted), and its profile. */
  readonly channel?: AtChannel;
  readonly profile?: string;
  readonly timeoutMs?: number;
}

const PDP_TYPE: Readonly<Record<Config['bearer']['ipType'], PdpType>> = { ipv4: 'IP', ipv6: 'IPV6', ipv4v6: 'IPV4V6' };

const from = (s: MmsSettings | undefined, key: keyof Omit<MmsSettings, 'match'>): string => (s ? ` (from ${s[key].source})` : '');

export async function checkMms(o: MmsCheckOptions): Promise<MmsCheckResult> {
  const c = o.config;
  const steps: MmsStep[] = [];
  const url = c.mmsc.url;
  const proxy = c.mmsc.proxy;
  const apn = c.bearer.apn;
  steps.push(
    url
      ? { step: 'settings', verdict: 'ok', detail: `APN ${apn ?? '-'}${from(o.settings, 'apn')}, MMSC ${url}${from(o.settings, 'mmscUrl')}, proxy ${proxy ?? 'none'}${from(o.settings, 'proxy')}` }
      : { step: 'settings', verdict: 'fail', detail: 'no MMSC URL', advice: 'set mmsc.url (and mmsc.proxy, bearer.apn) from the carrier\'s published MMS settings: the carrier database has nothing for this SIM' },
  );
  if (!url) return finish(steps);

  // 1. The MMS context, with the APN.
  let context: PdpContextManager | undefined;
  let active: ActiveContext | undefined;
  if (!o.channel) steps.push({ step: 'context', verdict: 'skipped', detail: 'no modem given' });
  else if (!apn) steps.push({ step: 'context', verdict: 'warn', detail: 'no APN: the context the modem already has is used', advice: 'set bearer.apn to the carrier\'s MMS APN' });
  else if (c.bearer.kind === 'ppp') steps.push({ step: 'context', verdict: 'skipped', detail: 'pppd brings the context up on the data port (checked by the reach step)' });
  else {
    context = new PdpContextManager(o.channel, { apn, pdpType: PDP_TYPE[c.bearer.ipType], ...(c.bearer.contextId !== null ? { cid: c.bearer.contextId } : {}), activateTimeoutMs: o.timeoutMs ?? 60_000, ...(c.bearer.kind === 'modem-http' && o.profile === 'quectel' ? { dialect: 'quectel' as const } : {}) });
    try {
      active = await context.up();
      steps.push({ step: 'context', verdict: 'ok', detail: `APN ${apn} active on cid ${active.cid}${active.shared ? ' (already up)' : ''}, address ${active.addresses.join(', ') || '?'}${active.dns.length ? `, DNS ${active.dns.join(', ')}` : ''}` });
    } catch (e) {
      context = undefined;
      const cause = e instanceof BearerError && e.cause !== undefined ? e.cause : e;
      const code = isAtError(cause) ? cause.specCode : undefined;
      const advice =
        code === 533 || code === 27
          ? `the network does not know the APN '${apn}'${from(o.settings, 'apn')}: set bearer.apn to the carrier's MMS APN`
          : code === 30
            ? 'the modem is not registered on the network: check antenna, coverage and that the SIM is active'
            : code === 29 || code === 33
              ? 'the network refused the APN for this subscription: MMS may not be enabled on the SIM, or the APN needs apnUser/apnPassword'
              : `check bearer.apn${from(o.settings, 'apn')}, bearer.apnUser/apnPassword and bearer.contextId`;
      steps.push({ step: 'context', verdict: 'fail', detail: errorMessage(e), advice });
      return finish(steps);
    }
  }

  try {
    // 2. Names, through the bearer's DNS.
    steps.push(await dnsStep(c, url, proxy, active, o.settings));
    // 3. The MMSC, through the proxy.
    steps.push(await reachStep(c, url, proxy, o));
  } finally {
    await context?.down().catch(() => undefined);
  }
  return finish(steps);
}

function finish(steps: MmsStep[]): MmsCheckResult {
  return { verdict: steps.some((s) => s.verdict === 'fail') ? 'fail' : 'ok', steps };
}

async function dnsStep(c: Config, url: string, proxy: string | null, active: ActiveContext | undefined, s: MmsSettings | undefined): Promise<MmsStep> {
  if (c.bearer.kind === 'modem-http') return { step: 'dns', verdict: 'skipped', detail: "the modem's HTTP stack resolves names itself" };
  const mmscHost = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const proxyHost = proxy ? parseProxy(proxy)?.host : undefined;
  const servers = c.bearer.dns.length > 0 ? [...c.bearer.dns] : (active?.dns ?? []);
  const hosts = c.bearer.hosts;
  const resolve = async (name: string): Promise<string[]> => {
    if (isIP(name) || hosts[name.toLowerCase()] !== undefined || c.bearer.kind !== 'system') {
      return new BearerResolver({ servers, hosts, family: c.bearer.ipType, timeoutMs: 5000 }).resolve(name);
    }
    return (await lookup(name, { all: true })).map((a) => a.address);
  };
  const lines: string[] = [];
  if (proxyHost) {
    try {
      lines.push(`proxy ${proxyHost} → ${(await resolve(proxyHost)).join(', ')}`);
    } catch (e) {
      return { step: 'dns', verdict: 'fail', detail: `proxy ${proxyHost}: ${errorMessage(e)}`, advice: `the proxy's name must resolve through the MMS APN: set bearer.dns (the carrier's MMS DNS) or bearer.hosts { ${proxyHost}: <address> }, or write the proxy as an IP address${from(s, 'proxy')}` };
    }
  }
  try {
    lines.push(`MMSC ${mmscHost} → ${(await resolve(mmscHost)).join(', ')}`);
    return { step: 'dns', verdict: 'ok', detail: lines.join('; ') };
  } catch (e) {
    if (proxyHost) {
      return { step: 'dns', verdict: 'warn', detail: [...lines, `MMSC ${mmscHost}: ${errorMessage(e)}`].join('; '), advice: 'the WAP proxy resolves the MMSC itself, so this only matters without a proxy or for the ppp route script' };
    }
    return { step: 'dns', verdict: 'fail', detail: `MMSC ${mmscHost}: ${errorMessage(e)}`, advice: `without a proxy the box must resolve the MMSC: set bearer.dns or bearer.hosts { ${mmscHost}: <address> }` };
  }
}

async function reachStep(c: Config, url: string, proxy: string | null, o: MmsCheckOptions): Promise<MmsStep> {
  const carrier = carrierProfile(c, undefined);
  const bearer = createBearer(c, o.channel ? { channel: o.channel, profile: o.profile } : undefined, carrier);
  let session;
  try {
    session = await bearer.open();
  } catch (e) {
    return { step: 'reach', verdict: 'fail', detail: `cannot open the ${c.bearer.kind} bearer: ${errorMessage(e)}`, advice: advice(e, proxy, o.settings) };
  }
  try {
    const res = await session.request({ method: 'GET', url, timeoutMs: o.timeoutMs ?? 30_000, maxBytes: 65_536, closeConnection: true });
    // Any HTTP answer means the path works: an MMSC answers a bare GET with 200, 400, 404 or 405.
    return { step: 'reach', verdict: 'ok', detail: `${proxy ? `through proxy ${proxy}, ` : ''}the MMSC answered HTTP ${res.status} ${res.statusText}`.trim() };
  } catch (e) {
    return { step: 'reach', verdict: 'fail', detail: errorMessage(e), advice: advice(e, proxy, o.settings) };
  } finally {
    await session.close().catch(() => undefined);
  }
}

function advice(e: unknown, proxy: string | null, s: MmsSettings | undefined): string {
  const code = e instanceof BearerError ? e.code : undefined;
  switch (code) {
    case 'BEARER_PROXY_REFUSED':
      return `the proxy ${proxy ?? ''}${from(s, 'proxy')} refused the connection: check mmsc.proxy (host:port) against the carrier's MMS settings`;
    case 'BEARER_TIMEOUT':
    case 'BEARER_NO_ROUTE':
      return proxy
        ? `the proxy ${proxy}${from(s, 'proxy')} is not reachable: it is usually reachable only through the MMS APN (bearer.kind interface/ppp with bearer.apn), or mmsc.proxy is wrong`
        : 'the MMSC is not reachable: it is usually reachable only through the MMS APN (bearer.kind, bearer.apn)';
    case 'BEARER_DNS':
      return 'set bearer.dns or bearer.hosts';
    case 'BEARER_SETUP':
      return 'the bearer needs privileges (host routes: CAP_NET_ADMIN; ppp: /dev/ppp): run as root or install systemd/mmsgw-privileged.conf';
    default:
      return `check mmsc.url${from(s, 'mmscUrl')} and mmsc.proxy${from(s, 'proxy')}`;
  }
}
