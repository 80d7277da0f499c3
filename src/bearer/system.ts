import http from 'node:http';
import { httpExchange } from './http.js';
import { parseProxy } from './proxy.js';
import type { Bearer, BearerSession, HttpRequest, HttpResponse, ProxyAddress } from './types.js';

export interface SystemBearerOptions {
  /** WAP proxy of the MMS APN ("10.0.0.10:8080"); absent: requests go to the MMSC directly. */
  readonly proxy?: string | ProxyAddress;
}

/**
 * The host's own routing and resolver, untouched: for a box whose MMS APN is the default
 * route, one where NetworkManager/ModemManager already route the MMS peers, and the embedded
 * demo whose MMSC listens on loopback. Nothing is installed, so nothing is undone.
 */
export class SystemBearer implements Bearer {
  readonly kind = 'interface' as const;
  private readonly proxy: ProxyAddress | undefined;

  constructor(opts: SystemBearerOptions = {}) {
    this.proxy = typeof opts.proxy === 'string' ? parseProxy(opts.proxy) : opts.proxy;
  }

  open(): Promise<BearerSession> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    const proxy = this.proxy;
    return Promise.resolve({
      kind: 'interface',
      request: (req: HttpRequest): Promise<HttpResponse> => httpExchange(req, { ...(proxy ? { proxy } : {}), agent }),
      close: (): Promise<void> => {
        agent.destroy();
        return Promise.resolve();
      },
    });
  }
}
