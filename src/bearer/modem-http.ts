import { open, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { AtChannel, AtCommand, AtTx } from '../at/index.js';
import { BearerError } from './errors.js';
import { HTTP_DEFAULTS } from './http.js';
import { PdpContextManager, type PdpType } from './pdp.js';
import { parseProxy } from './proxy.js';
import { quectelExchange } from './modem-http-quectel.js';
import { simcomExchange } from './modem-http-simcom.js';
import type { Bearer, BearerSession, HttpRequest, HttpResponse, ProxyAddress } from './types.js';

/** What the modem HTTP stack needs of the AT channel. */
export type ModemHttpChannel = Pick<AtChannel, 'run' | 'exclusive' | 'onUrc' | 'addUrcPrefixes'>;

export type ModemHttpDialect = 'quectel' | 'simcom';

export interface ModemHttpOptions {
  dialect: ModemHttpDialect;
  apn: string;
  pdpType?: PdpType;
  cid?: number;
  proxy?: string | ProxyAddress;
}

/** One exchange as a dialect driver performs it: status, body octets, and what the modem told of the type. */
export interface ModemExchange {
  status: number;
  /** The body, unless it went to `DriverContext.sink`. */
  body: Buffer;
  /** Body octets received (kept or sunk). */
  bytes: number;
  contentType: string;
}

export interface DriverContext {
  tx: AtTx;
  channel: ModemHttpChannel;
  cid: number;
  proxy: ProxyAddress | undefined;
  req: HttpRequest;
  maxBytes: number;
  timeoutMs: number;
  /** Where a driver that reads in windows writes each one (bounded memory); absent: keep the body. */
  sink?: (chunk: Buffer) => Promise<void>;
}

/** Waits for one notification named `name` (e.g. "+QHTTPGET"); subscribe before sending the command. */
export function waitUrc(channel: ModemHttpChannel, name: string, timeoutMs: number): { promise: Promise<string>; cancel(): void } {
  let off: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<string>((resolve, reject) => {
    off = channel.onUrc(name, (u) => {
      off();
      clearTimeout(timer);
      resolve(u.value);
    });
    timer = setTimeout(() => {
      off();
      reject(new BearerError('BEARER_TIMEOUT', `the modem reported no ${name} within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  promise.catch(() => undefined);
  return { promise, cancel: () => { off(); clearTimeout(timer); } };
}

/**
 * A command whose answer has a data phase: after CONNECT (or the given line, e.g. SIMCom's
 * DOWNLOAD) the payload is written and the command stays in flight until its final OK.
 */
export function dataCommand(tx: AtTx, text: string, payload: Buffer, opts: { trigger?: string; timeoutMs: number }): AtCommand<void> {
  const trigger = opts.trigger ?? 'CONNECT';
  return {
    text,
    prefixes: trigger === 'CONNECT' ? [] : [trigger],
    timeoutMs: opts.timeoutMs,
    rawAfter: (line) => {
      if (line.startsWith(trigger)) tx.write(payload).catch(() => undefined);
      return undefined;
    },
    parse: () => undefined,
  };
}

/** A command answered by OK only (unknown lines are left to the URC path). */
export function okCommand(text: string, timeoutMs = 10_000): AtCommand<void> {
  return { text, prefixes: [], timeoutMs, parse: () => undefined };
}

const HTTP_URCS = ['+QHTTPGET:', '+QHTTPPOST:', '+QHTTPREAD:', '+HTTPACTION:'];

/**
 * The modem's own HTTP client driven over AT commands: for modems and carriers where the host
 * has no IP path onto the MMS APN. Shares the AtChannel; each exchange runs as one exclusive
 * sequence so SMS commands never interleave with the HTTP stack's state.
 */
export class ModemHttpBearer implements Bearer {
  readonly kind = 'modem-http' as const;
  private readonly pdp: PdpContextManager;

  constructor(private readonly channel: ModemHttpChannel, private readonly opts: ModemHttpOptions) {
    this.pdp = new PdpContextManager(channel, { apn: opts.apn, pdpType: opts.pdpType, cid: opts.cid, dialect: opts.dialect === 'quectel' ? 'quectel' : 'standard' });
    channel.addUrcPrefixes(HTTP_URCS);
  }

  async open(): Promise<BearerSession> {
    const ctx = await this.pdp.up();
    const proxy = typeof this.opts.proxy === 'string' ? parseProxy(this.opts.proxy) : this.opts.proxy;
    const channel = this.channel;
    const dialect = this.opts.dialect;
    const pdp = this.pdp;
    let closed = false;
    return {
      kind: 'modem-http',
      async request(req: HttpRequest): Promise<HttpResponse> {
        if (closed) throw new BearerError('BEARER_IO', 'bearer session is closed');
        const maxBytes = req.maxBytes ?? HTTP_DEFAULTS.maxBytes;
        const timeoutMs = req.timeoutMs ?? HTTP_DEFAULTS.timeoutMs;
        const file = req.destDir ? join(req.destDir, `mm1-${randomBytes(8).toString('hex')}.part`) : undefined;
        const fh = file ? await open(file, 'wx') : undefined;
        let ex: ModemExchange;
        try {
          ex = await channel.exclusive(
            (tx) => {
              const d: DriverContext = { tx, channel, cid: ctx.cid, proxy, req, maxBytes, timeoutMs };
              if (fh) d.sink = async (chunk) => { await fh.write(chunk); };
              return dialect === 'quectel' ? quectelExchange(d) : simcomExchange(d);
            },
            { signal: req.signal },
          );
          if (fh && ex.body.length > 0) await fh.write(ex.body);
          await fh?.close();
        } catch (e) {
          await fh?.close().catch(() => undefined);
          if (file) await rm(file, { force: true });
          throw e;
        }
        const headers: Record<string, string> = ex.contentType ? { 'content-type': ex.contentType } : {};
        const base = { status: ex.status, statusText: '', headers, contentType: ex.contentType, bytes: ex.bytes };
        if (file) return { ...base, file };
        return { ...base, body: new Uint8Array(ex.body.buffer, ex.body.byteOffset, ex.body.byteLength) };
      },
      async close(): Promise<void> {
        if (closed) return;
        closed = true;
        await pdp.down();
      },
    };
  }
}

/** The request line and header block sent through a modem stack that takes raw headers. */
export function requestHead(req: HttpRequest, proxy: ProxyAddress | undefined, bodyLength: number): string {
  const u = new URL(req.url);
  const target = proxy ? u.href : `${u.pathname}${u.search}`;
  const lines = [`${req.method} ${target} HTTP/1.1`, `Host: ${u.host}`];
  for (const [k, v] of Object.entries(req.headers ?? {})) lines.push(`${k}: ${v.replace(/[\r\n]/g, ' ')}`);
  if (req.method === 'POST') lines.push(`Content-Length: ${bodyLength}`);
  if (req.closeConnection) lines.push('Connection: close');
  return `${lines.join('\r\n')}\r\n\r\n`;
}
