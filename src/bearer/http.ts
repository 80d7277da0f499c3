import http from 'node:http';
import https from 'node:https';
import { createWriteStream, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { lookup as dnsLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { BearerError, assertAddressesAllowed, classifySocketError } from './errors.js';
import { urlHost, urlPort } from './proxy.js';
import type { HttpRequest, HttpResponse, ProxyAddress } from './types.js';

/** Defaults for one MM1 exchange; carrier profiles and config override them per request. */
export const HTTP_DEFAULTS = {
  timeoutMs: 120_000,
  idleTimeoutMs: 30_000,
  maxBytes: 5 * 1024 * 1024,
} as const;

export interface HttpTransportOptions {
  /** WAP proxy: requests go to it with the absolute URI as request-target (RFC 9112 §3.2.2). */
  proxy?: ProxyAddress;
  /** Name resolution through the bearer's own DNS servers / hosts map. */
  lookup?: LookupFunction;
  /** Bind outgoing connections to this local address (source-based routing). */
  localAddress?: string;
  /** Connect to this address instead of resolving the peer name (already resolved by the bearer). */
  connectAddress?: string;
  agent?: http.Agent;
}

/**
 * One HTTP/1.1 exchange over the host's IP stack, as a bearer session needs it: proxy in
 * absolute form, bounded body (memory or file), overall and idle deadlines, and every failure
 * as a BearerError. Chunked transfer coding is decoded by node:http.
 */
export function httpExchange(req: HttpRequest, opts: HttpTransportOptions = {}): Promise<HttpResponse> {
  const target = new URL(req.url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.reject(new BearerError('BEARER_UNSUPPORTED', `unsupported URI scheme in ${req.url}`));
  }
  if (target.protocol === 'https:' && opts.proxy) {
    return Promise.reject(new BearerError('BEARER_UNSUPPORTED', 'https through the WAP proxy (CONNECT tunnel) is not supported'));
  }
  const viaProxy = opts.proxy !== undefined;
  const peerHost = opts.proxy?.host ?? urlHost(target);
  const peerPort = opts.proxy?.port ?? urlPort(target);
  const maxBytes = req.maxBytes ?? HTTP_DEFAULTS.maxBytes;
  const headers: Record<string, string> = { Host: target.host, ...req.headers };
  if (req.body) headers['Content-Length'] = String(req.body.byteLength);
  if (req.closeConnection) headers.Connection = 'close';
  const path = viaProxy ? target.href : `${target.pathname}${target.search}`;
  // Where the destination may be checked before connecting: the given address, a literal, or
  // every address the lookup returns (so a name cannot resolve into a refused range).
  const check = viaProxy ? undefined : req.checkAddress;
  let lookup = opts.lookup;
  if (check) {
    const literal = opts.connectAddress ?? (isIP(peerHost) !== 0 ? peerHost : undefined);
    try {
      if (literal !== undefined) assertAddressesAllowed(check, [literal]);
    } catch (e) {
      return Promise.reject(e);
    }
    if (literal === undefined) lookup = checkedLookup(opts.lookup ?? (dnsLookup as LookupFunction), check);
  }

  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    let file: string | undefined;
    let sink: ReturnType<typeof createWriteStream> | undefined;
    let responded = false;
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.signal?.removeEventListener('abort', onAbort);
      const be = e instanceof BearerError ? e : responded
        ? new BearerError('BEARER_TRUNCATED', `response from ${peerHost} ended early: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
        : classifySocketError(e, { host: peerHost, viaProxy });
      outgoing.destroy();
      // The promise settles only once the partial file is gone: a failed retrieve leaves nothing.
      const partial = file;
      const out = sink;
      if (out && partial && !out.closed) {
        out.once('close', () => { rmSync(partial, { force: true }); reject(be); });
        out.destroy();
      } else {
        if (partial) rmSync(partial, { force: true });
        reject(be);
      }
    };
    const done = (res: HttpResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.signal?.removeEventListener('abort', onAbort);
      resolve(res);
    };
    const onAbort = (): void => fail(new BearerError('BEARER_ABORTED', 'request aborted'));
    const timeoutMs = req.timeoutMs ?? HTTP_DEFAULTS.timeoutMs;
    const deadline = setTimeout(() => fail(new BearerError('BEARER_TIMEOUT', `no complete answer from ${peerHost} within ${timeoutMs} ms`)), timeoutMs);

    const mod = !viaProxy && target.protocol === 'https:' ? https : http;
    const outgoing = mod.request({
      host: opts.connectAddress ?? peerHost,
      port: peerPort,
      method: req.method,
      path,
      headers,
      lookup,
      localAddress: opts.localAddress,
      agent: req.closeConnection ? false : opts.agent ?? false,
      setHost: false,
      servername: !viaProxy && target.protocol === 'https:' ? urlHost(target) : undefined,
    });
    const idle = req.idleTimeoutMs ?? HTTP_DEFAULTS.idleTimeoutMs;
    outgoing.setTimeout(idle, () => fail(new BearerError('BEARER_TIMEOUT', `${peerHost} was silent for ${idle} ms`)));
    outgoing.on('error', fail);
    if (req.signal) {
      if (req.signal.aborted) { onAbort(); return; }
      req.signal.addEventListener('abort', onAbort, { once: true });
    }
    outgoing.on('response', (res) => {
      responded = true;
      const resHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (v !== undefined) resHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      const contentType = (resHeaders['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      const declared = resHeaders['content-length'] !== undefined ? Number(resHeaders['content-length']) : undefined;
      if (declared !== undefined && declared > maxBytes) {
        fail(new BearerError('BEARER_TOO_LARGE', `response of ${declared} bytes exceeds the limit of ${maxBytes}`, { details: { declared, maxBytes } }));
        return;
      }
      let bytes = 0;
      const chunks: Buffer[] = [];
      if (req.destDir) {
        file = join(req.destDir, `mm1-${randomBytes(8).toString('hex')}.part`);
        sink = createWriteStream(file, { flags: 'wx' });
        sink.on('error', fail);
      }
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > maxBytes) {
          fail(new BearerError('BEARER_TOO_LARGE', `response exceeds the limit of ${maxBytes} bytes`, { details: { maxBytes } }));
          return;
        }
        if (sink) {
          // Back-pressure: a slow SD card pauses the socket instead of filling memory.
          if (!sink.write(chunk)) { res.pause(); sink.once('drain', () => res.resume()); }
        } else chunks.push(chunk);
      });
      res.on('aborted', () => fail(new BearerError('BEARER_TRUNCATED', `connection to ${peerHost} closed after ${bytes} bytes`, { details: { bytes, declared } })));
      res.on('error', fail);
      res.on('end', () => {
        if (settled) return;
        if (!res.complete || (declared !== undefined && bytes !== declared)) {
          fail(new BearerError('BEARER_TRUNCATED', `body ended after ${bytes} of ${declared ?? '?'} bytes`, { details: { bytes, declared } }));
          return;
        }
        const base = { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: resHeaders, contentType, bytes };
        if (!sink) { done({ ...base, body: new Uint8Array(Buffer.concat(chunks)) }); return; }
        const out = sink;
        out.end(() => done({ ...base, file }));
      });
    });
    outgoing.end(req.body ? Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength) : undefined);
  });
}

/** A lookup that resolves all addresses and refuses the connection if any is refused by `check`. */
function checkedLookup(inner: LookupFunction, check: (address: string) => string | undefined): LookupFunction {
  return (hostname, options, callback) => {
    inner(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) { callback(err, '', 0); return; }
      const list = (Array.isArray(addresses) ? addresses : [{ address: String(addresses), family: isIP(String(addresses)) }]);
      try {
        assertAddressesAllowed(check, list.map((a) => a.address));
      } catch (e) {
        callback(e as NodeJS.ErrnoException, '', 0);
        return;
      }
      if (options.all) callback(null, list);
      else callback(null, list[0]?.address ?? '', list[0]?.family ?? 4);
    });
  };
}
