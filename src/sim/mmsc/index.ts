import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mmscHandler } from './server.js';
import { MmscState } from './state.js';
import { controlHandler } from './control.js';
import type { AckRecord, MmscSimOptions, NotifyRespRecord, RawSubmitInput, RequestRecord, SentRecord, SimFault, SimMessage, SubmitInput } from './types.js';

export type * from './types.js';
export type { SimPartInput } from './pdus.js';
export { mmsAddress, mmsPdu, toParts, wapPushFor, pushPdus } from './pdus.js';
export { randomHandsetParts, mulberry32 } from './handset.js';
export { parseHexFixture } from './hex-fixture.js';

export interface MmscSim {
  /** The MMSC URL (m-send-req, m-notifyresp-ind, m-acknowledge-ind are POSTed here). */
  readonly url: string;
  /** The WAP proxy address, "http://host:port": absolute-form requests only (RFC 9112 §3.2.2). */
  readonly proxyUrl: string;
  readonly host: string;
  /** The MMSC's own port (origin-form or absolute-form requests). */
  readonly port: number;
  /** The WAP proxy's port. */
  readonly proxyPort: number;
  /** A handset sends an MMS to the gateway's number; resolves with its transaction id once pushed. */
  submitFromHandset(input: SubmitInput): Promise<string>;
  /**
   * Serves PDUs built elsewhere (hand-assembled fixtures): the m-retrieve-conf octets verbatim,
   * the WAP Push as given for the Content-Location the simulator assigns. Resolves with the
   * transaction id once pushed.
   */
  submitRaw(input: RawSubmitInput): Promise<string>;
  /** The MMSC stops holding the message now: its Content-Location answers 404 (expired). */
  expire(transactionId: string): boolean;
  message(transactionId: string): SimMessage | undefined;
  sent(): readonly SentRecord[];
  notifyResps(): readonly NotifyRespRecord[];
  acks(): readonly AckRecord[];
  requests(): readonly RequestRecord[];
  /** Complete retrievals of a message, by transaction id. */
  fetches(transactionId: string): number;
  fault(f: SimFault): void;
  clearFaults(): void;
  /** Changes behaviour flags at run time (demandAbsoluteUri, requireUserAgent, …). */
  configure(o: Partial<MmscSimOptions>): void;
  /** Pushes an m-delivery-ind for a message the gateway submitted. */
  deliveryReport(messageId: string, recipient: string, status?: 'retrieved' | 'rejected' | 'expired' | 'deferred' | 'unreachable'): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Starts the MMSC simulator: a real HTTP server on host:port (default 127.0.0.1, any port)
 * acting as the carrier's MMSC and WAP proxy, with a JSON control endpoint under /_sim/.
 */
export async function startMmscSim(options: MmscSimOptions = {}): Promise<MmscSim> {
  let opts: MmscSimOptions = { ...options };
  const host = opts.host ?? '127.0.0.1';
  let base = '';
  const state = new MmscState(() => opts, () => base);
  const listener = (via: 'mmsc' | 'proxy'): http.Server => {
    const handle = mmscHandler(state, () => opts, via);
    return http.createServer((req, res) => {
      // The control endpoint answers on both ports, in either form: it is not part of the carrier.
      if ((req.url ?? '').replace(/^https?:\/\/[^/]+/i, '').startsWith('/_sim/')) controlHandler(sim, req, res);
      else handle(req, res);
    });
  };
  const server = listener('mmsc');
  const proxy = listener('proxy');
  const listen = (s: http.Server, p: number | undefined): Promise<number> => new Promise<number>((resolve, reject) => {
    s.once('error', reject);
    s.listen(p ?? 0, host, () => resolve((s.address() as AddressInfo).port));
  });
  const port = await listen(server, opts.port);
  const proxyPort = await listen(proxy, opts.proxyPort).catch(async (e: unknown) => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw e;
  });
  const hostPart = host.includes(':') ? `[${host}]` : host;
  base = opts.publicUrl ?? `http://${hostPart}:${port}`;

  const sim: MmscSim = {
    url: `${base}/mms`,
    proxyUrl: `http://${hostPart}:${proxyPort}`,
    host,
    port,
    proxyPort,
    async submitFromHandset(input) {
      return (await state.submit(input)).transactionId;
    },
    async submitRaw(input) {
      return (await state.submitRaw(input)).transactionId;
    },
    expire: (txid) => state.expire(txid),
    message: (txid) => state.byTransaction(txid),
    sent: () => state.sent,
    notifyResps: () => state.notifyResps,
    acks: () => state.acks,
    requests: () => state.requests,
    fetches: (txid) => state.byTransaction(txid)?.fetches ?? 0,
    fault: (f) => state.addFault(f),
    clearFaults: () => state.clearFaults(),
    configure(o) {
      opts = { ...opts, ...o };
    },
    deliveryReport: (messageId, recipient, status = 'retrieved') => state.deliveryReport(messageId, recipient, status),
    async stop() {
      state.stop();
      for (const s of [server, proxy]) s.closeAllConnections();
      await Promise.all([server, proxy].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
  return sim;
}
