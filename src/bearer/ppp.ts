import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { BearerError, assertAddressesAllowed } from './errors.js';
import { httpExchange } from './http.js';
import { pppFiles, parsePppLine, pppExitMeaning, type PppLinkInfo } from './ppp-config.js';
import { parseProxy, urlHost } from './proxy.js';
import { BearerResolver } from './resolve.js';
import type { Bearer, BearerSession, HttpRequest, HttpResponse, ProxyAddress } from './types.js';
import { logger } from '../util/log.js';

const log = logger('bearer');

export interface PppBearerOptions {
  /** The modem's data port (a second tty of the modem, not the AT port). */
  device: string;
  baud?: number;
  apn: string;
  pdpType?: 'IP' | 'IPV6' | 'IPV4V6';
  /** The cid dialled (D*99***<cid>#); a dedicated one so the internet context is not touched. */
  cid?: number;
  ifname?: string;
  proxy?: string | ProxyAddress;
  /** Hosts to route through the link besides the proxy (e.g. the MMSC when there is no proxy). */
  routeHosts?: string[];
  /** DNS servers; by default those pppd got with usepeerdns. */
  dns?: string[];
  hosts?: Readonly<Record<string, string>>;
  user?: string;
  password?: string;
  /** Directory for the generated chat script, options file and hooks. */
  runDir: string;
  pppdPath?: string;
  chatPath?: string;
  ipPath?: string;
  env?: Readonly<Record<string, string>>;
  /** How long pppd may take to bring the link up. */
  startTimeoutMs?: number;
  /** Restarts allowed per session after pppd died under it. */
  maxRestarts?: number;
}

interface Link {
  child: ChildProcess;
  info: PppLinkInfo;
  exited: Promise<number | null>;
}

/**
 * pppd on the modem's data port, for the MMS APN only: no default route, routes to the proxy
 * (and named hosts) installed by the generated ip-up hook, names resolved with the peer DNS.
 * Started on open, stopped (SIGTERM, then SIGKILL) on close, restarted when it dies mid-session.
 */
export class PppBearer implements Bearer {
  readonly kind = 'ppp' as const;
  private readonly proxy: ProxyAddress | undefined;
  private marker = '';

  constructor(private readonly opts: PppBearerOptions) {
    this.proxy = typeof opts.proxy === 'string' ? parseProxy(opts.proxy) : opts.proxy;
  }

  /** Writes the chat script, options file and hooks; returns pppd's argv (for `mmsgw doctor`). */
  prepare(): string[] {
    const o = this.opts;
    const f = pppFiles({
      device: o.device, baud: o.baud ?? 460_800, apn: o.apn, pdpType: o.pdpType ?? 'IP', cid: o.cid ?? 2,
      ifname: o.ifname ?? 'ppp-mms', runDir: o.runDir, proxy: this.proxy, routeHosts: [...(o.routeHosts ?? [])],
      user: o.user, password: o.password, chatPath: o.chatPath ?? '/usr/sbin/chat', ipPath: o.ipPath ?? '/sbin/ip',
    });
    mkdirSync(o.runDir, { recursive: true, mode: 0o700 });
    writeFileSync(f.chat.path, f.chat.text, { mode: 0o600 });
    writeFileSync(f.options.path, f.options.text, { mode: 0o600 });
    writeFileSync(f.ipUp.path, f.ipUp.text, { mode: 0o700 });
    writeFileSync(f.ipDown.path, f.ipDown.text, { mode: 0o700 });
    writeFileSync(f.resolver.path, f.resolver.text, { mode: 0o600 });
    chmodSync(f.options.path, 0o600);
    this.marker = f.marker;
    rmSync(f.marker, { force: true });
    return [o.pppdPath ?? '/usr/sbin/pppd', ...f.args];
  }

  async open(): Promise<BearerSession> {
    const argv = this.prepare();
    let link = await this.start(argv);
    let restarts = 0;
    let closed = false;
    const proxy = this.proxy;
    const o = this.opts;
    const ensure = async (): Promise<Link> => {
      if (link.child.exitCode === null && link.child.signalCode === null) return link;
      if (restarts >= (o.maxRestarts ?? 3)) throw new BearerError('BEARER_IO', `pppd died ${restarts + 1} times in this session`);
      restarts += 1;
      log.warn({ restarts }, 'pppd died; restarting it');
      link = await this.start(argv);
      return link;
    };
    return {
      kind: 'ppp',
      async request(req: HttpRequest): Promise<HttpResponse> {
        if (closed) throw new BearerError('BEARER_IO', 'bearer session is closed');
        const l = await ensure();
        const resolver = new BearerResolver({ servers: o.dns ?? l.info.dns, hosts: o.hosts, localV4: l.info.local });
        const peer = proxy?.host ?? urlHost(new URL(req.url));
        const all = await resolver.resolve(peer);
        if (!proxy) assertAddressesAllowed(req.checkAddress, all);
        const addr = all[0];
        return httpExchange(req, { proxy, connectAddress: addr, localAddress: l.info.local });
      },
      close: async (): Promise<void> => {
        if (closed) return;
        closed = true;
        await stop(link);
      },
    };
  }

  private start(argv: string[]): Promise<Link> {
    const [cmd, ...args] = argv as [string, ...string[]];
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...this.opts.env } });
    const info: PppLinkInfo = { dns: [] };
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const tail: string[] = [];
    return new Promise<Link>((resolve, reject) => {
      let up = false;
      const timeoutMs = this.opts.startTimeoutMs ?? 60_000;
      const timer = setTimeout(() => {
        clearInterval(poll);
        child.kill('SIGTERM');
        reject(new BearerError('BEARER_TIMEOUT', `pppd did not bring the MMS link up within ${timeoutMs} ms: ${tail.join(' | ')}`));
      }, timeoutMs);
      const onLine = (line: string): void => {
        tail.push(line);
        if (tail.length > 8) tail.shift();
        log.debug({ line }, 'pppd');
        parsePppLine(line, info);
      };
      // The ip-up hook writes the marker once its routes are in place: the link is usable.
      const poll = setInterval(() => {
        let text: string;
        try {
          text = readFileSync(this.marker, 'utf8');
        } catch {
          return;
        }
        const [ifname, local, remote, ...dns] = text.trim().split(/\s+/);
        Object.assign(info, { ifname, local, remote, dns: dns.filter((d) => d !== '') });
        up = true;
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ child, info, exited });
      }, 25);
      for (const stream of [child.stdout, child.stderr]) {
        let buf = '';
        stream?.setEncoding('utf8').on('data', (d: string) => {
          buf += d;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            onLine(buf.slice(0, nl).trim());
            buf = buf.slice(nl + 1);
          }
        });
      }
      child.once('error', (e) => {
        clearInterval(poll);
        clearTimeout(timer);
        reject(new BearerError('BEARER_SETUP', `cannot start ${cmd}: ${e.message}`, { cause: e }));
      });
      void exited.then((code) => {
        if (up) {
          log.warn({ code }, 'pppd exited while the MMS link was up');
          return;
        }
        clearInterval(poll);
        clearTimeout(timer);
        const m = pppExitMeaning(code);
        reject(new BearerError(m.code, `pppd: ${m.text} (${tail.slice(-3).join(' | ')})`, { details: { exitCode: code } }));
      });
    });
  }
}

async function stop(link: Link): Promise<void> {
  if (link.child.exitCode !== null || link.child.signalCode !== null) return;
  link.child.kill('SIGTERM');
  const killer = setTimeout(() => link.child.kill('SIGKILL'), 5_000);
  await link.exited;
  clearTimeout(killer);
}
