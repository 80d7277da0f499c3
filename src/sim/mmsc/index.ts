import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mmscHandler } from './server.js';
import { MmscState } from './state.js';
import { controlHandler } from './control.js';
import type { AckRecord, MmscSimOptions, NotifyRespRecord, RequestRecord, SentRecord, SimFault, SimMessage, SubmitInput } from './types.js';

export type * from './types.js';
export type { SimPartInput } from './pdus.js';
export { mmsAddress, mmsPdu, toParts, wapPushFor, pushPdus } from './pdus.js';
export { randomHandsetParts, mulberry32 } from './handset.js';

export interface MmscSim {
  /** The MMSC URL (m-send-req, m-notifyresp-ind, m-acknowledge-ind are POSTed here). */
  readonly url: string;
  /** The WAP proxy address, "http://host:port". */
  readonly proxyUrl: string;
  readonly host: string;
  readonly port: number;
  /** A handset sends an MMS to the gateway's number; resolves with its transaction id once pushed. */
  submitFromHandset(input: SubmitInput): Promise<string>;
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
  const state = new MmscState(opts, () => base);
  const handle = mmscHandler(state, () => opts);
  const server = http.createServer((req, res) => {
    if ((req.url ?? '').replace(/^https?:\/\/[^/]+/i, '').startsWith('/_sim/')) controlHandler(sim, req, res);
    else handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  base = opts.publicUrl ?? `http://${hostPart}:${port}`;

  const sim: MmscSim = {
    url: `${base}/mms`,
    proxyUrl: `http://${hostPart}:${port}`,
    host,
    port,
    async submitFromHandset(input) {
      return (await state.submit(input)).transactionId;
    },
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
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return sim;
}
