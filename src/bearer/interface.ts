import { isIP } from 'node:net';
import http from 'node:http';
import { BearerError, assertAddressesAllowed, classifySocketError } from './errors.js';
import { spawnExecutor, type Executor } from './exec.js';
import { httpExchange } from './http.js';
import { parseProxy, urlHost } from './proxy.js';
import { BearerResolver, type IpFamily } from './resolve.js';
import { RouteInstaller, RouteJournal, cleanupLeftovers, type RoutingMode } from './routes.js';
import type { Bearer, BearerSession, HttpRequest, HttpResponse, ProxyAddress } from './types.js';
import { logger } from '../util/log.js';

const log = logger('bearer');

/** What a PDP context hook reports once the MMS context is up (see pdp.ts). */
export interface ContextInfo {
  dns: string[];
  addresses?: string[];
}

/** Brings the MMS PDP context up before use and releases it afterwards (optional). */
export interface ContextHook {
  up(): Promise<ContextInfo>;
  down(): Promise<void>;
}

export interface InterfaceBearerOptions {
  /** The interface carrying the MMS APN: wwan0, usb0, ppp0, or a NetworkManager bearer's device. */
  ifname: string;
  /** WAP proxy of the MMS APN ("10.0.0.10:8080", zero-padded forms accepted). */
  proxy?: string | ProxyAddress;
  family?: IpFamily;
  /** DNS servers of the MMS APN; when absent, those reported by the context hook. */
  dns?: readonly string[];
  /** Name → IP overrides for APNs without DNS. */
  hosts?: Readonly<Record<string, string>>;
  /**
   * host-route: `ip route replace <peer>/32 dev <if> [via gw]` per peer (proxy, MMSC, DNS).
   * source-rule: bind the interface's address and `ip rule add from <addr> table N`.
   * none: the system already routes the MMS peers (e.g. NetworkManager did it).
   */
  routing?: RoutingMode;
  gateway?: string;
  gateway6?: string;
  /** Routing table for the changes: "main" (default for host-route) or a number (default 1847 for source-rule). */
  table?: number | 'main';
  rulePriority?: number;
  /** File recording routing changes so a crashed run's leftovers are undone on the next start. */
  journalPath?: string;
  exec?: Executor;
  context?: ContextHook;
}

interface IfAddrs {
  v4?: string;
  v6?: string;
  up: boolean;
}

/** Reads an interface's global addresses with `ip -j addr show dev <if>` (iproute2 JSON output). */
export async function interfaceAddresses(exec: Executor, ifname: string): Promise<IfAddrs> {
  let out: string;
  try {
    out = await exec(['ip', '-j', 'addr', 'show', 'dev', ifname]);
  } catch (e) {
    throw new BearerError('BEARER_NO_CONTEXT', `interface ${ifname} does not exist (is the MMS APN connected?)`, { cause: e, details: { ifname } });
  }
  const parsed = JSON.parse(out) as { operstate?: string; flags?: string[]; addr_info?: { family?: string; local?: string; scope?: string }[] }[];
  const link = parsed[0];
  if (!link) throw new BearerError('BEARER_NO_CONTEXT', `interface ${ifname} does not exist`, { details: { ifname } });
  const r: IfAddrs = { up: (link.flags ?? []).includes('UP') };
  for (const a of link.addr_info ?? []) {
    if (a.scope !== 'global' || !a.local) continue;
    if (a.family === 'inet' && !r.v4) r.v4 = a.local;
    if (a.family === 'inet6' && !r.v6) r.v6 = a.local;
  }
  return r;
}

/**
 * An existing network interface on the MMS APN. Traffic to the proxy/MMSC is steered through
 * it without touching the default route, names are resolved with the APN's DNS, and every
 * routing change is undone on close.
 */
export class InterfaceBearer implements Bearer {
  readonly kind = 'interface' as const;
  private readonly exec: Executor;
  private readonly journal: RouteJournal;
  private leftoversChecked = false;

  constructor(private readonly opts: InterfaceBearerOptions) {
    this.exec = opts.exec ?? spawnExecutor;
    this.journal = new RouteJournal(opts.journalPath);
  }

  /** Undoes routing changes a previous run recorded but never undid. */
  async cleanupLeftovers(): Promise<string[][]> {
    this.leftoversChecked = true;
    return cleanupLeftovers(this.journal, this.exec);
  }

  async open(): Promise<BearerSession> {
    if (!this.leftoversChecked) await this.cleanupLeftovers();
    const o = this.opts;
    const info = o.context ? await o.context.up() : undefined;
    try {
      const addrs = await interfaceAddresses(this.exec, o.ifname);
      const family = o.family ?? 'ipv4';
      const usable = (family !== 'ipv6' && addrs.v4) || (family !== 'ipv4' && addrs.v6);
      if (!addrs.up || !usable) {
        throw new BearerError('BEARER_NO_CONTEXT', `interface ${o.ifname} is ${addrs.up ? 'up' : 'down'} with no ${family} address`, { details: { ifname: o.ifname, ...addrs } });
      }
      const mode = o.routing ?? 'host-route';
      const installer = new RouteInstaller(
        { mode, ifname: o.ifname, gateway: o.gateway, gateway6: o.gateway6, table: o.table ?? (mode === 'source-rule' ? 1847 : 'main'), rulePriority: o.rulePriority ?? 1847 },
        this.exec,
        this.journal,
      );
      const servers = o.dns && o.dns.length > 0 ? [...o.dns] : info?.dns ?? [];
      const session = new InterfaceSession(o, addrs, family, servers, installer, o.context);
      await session.prepare();
      return session;
    } catch (e) {
      if (o.context) await o.context.down().catch(() => undefined);
      throw e;
    }
  }
}

class InterfaceSession implements BearerSession {
  readonly kind = 'interface' as const;
  private readonly resolver: BearerResolver;
  private readonly proxy: ProxyAddress | undefined;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  private closed = false;

  constructor(
    private readonly opts: InterfaceBearerOptions,
    private readonly addrs: IfAddrs,
    private readonly family: IpFamily,
    private readonly servers: string[],
    private readonly installer: RouteInstaller,
    private readonly context: ContextHook | undefined,
  ) {
    this.proxy = typeof opts.proxy === 'string' ? parseProxy(opts.proxy) : opts.proxy;
    const sourceBound = opts.routing === 'source-rule';
    this.resolver = new BearerResolver({
      servers, hosts: opts.hosts, family,
      localV4: sourceBound ? addrs.v4 : undefined,
      localV6: sourceBound ? addrs.v6 : undefined,
    });
  }

  /** Routes for the DNS servers (host-route) or the source rule, before the first query. */
  async prepare(): Promise<void> {
    if (this.opts.routing === 'source-rule') {
      if (this.family !== 'ipv6' && this.addrs.v4) await this.installer.sourceRule(this.addrs.v4);
      if (this.family !== 'ipv4' && this.addrs.v6) await this.installer.sourceRule(this.addrs.v6);
    } else {
      for (const s of this.servers) if (isIP(s)) await this.installer.hostRoute(s);
    }
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    if (this.closed) throw new BearerError('BEARER_IO', 'bearer session is closed');
    const target = new URL(req.url);
    const peer = this.proxy?.host ?? urlHost(target);
    let addr: string;
    let all: string[];
    try {
      all = await this.resolver.resolve(peer);
      addr = all[0] as string;
    } catch (e) {
      throw classifySocketError(e, { host: peer, viaProxy: this.proxy !== undefined });
    }
    // Before any route is installed toward it (src/mmsc/url-policy.ts).
    if (!this.proxy) assertAddressesAllowed(req.checkAddress, all);
    await this.installer.hostRoute(addr);
    const v6 = isIP(addr) === 6;
    const localAddress = this.opts.routing === 'source-rule' ? (v6 ? this.addrs.v6 : this.addrs.v4) : undefined;
    log.debug({ url: req.url, peer, addr, localAddress }, 'mm1 request over interface');
    return httpExchange(req, { proxy: this.proxy, connectAddress: addr, localAddress, agent: this.agent });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.agent.destroy();
    await this.installer.undoAll();
    if (this.context) await this.context.down();
  }
}
