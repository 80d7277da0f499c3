import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { MmscSim } from './index.js';
import { parseHexFixture } from './hex-fixture.js';
import type { SimFault, SubmitInput } from './types.js';

/**
 * The simulator's control endpoint, for the demo and for driving it from another process:
 *
 *   GET    /_sim/                            this list (the index of the control endpoint)
 *   GET    /_sim/state                       sent, notifyresps, acks, messages (no bodies)
 *   GET    /_sim/state?since=N               only the sent m-send-req from the N-th on, and their total
 *   POST   /_sim/submit   SubmitInput        → { transactionId }   (part bodies as base64 in `base64`;
 *                                                                `scenario` picks version, part headers, CTE, framing)
 *   POST   /_sim/submit-raw { transactionId, retrieveConfHex, pushHex, framing? } → { transactionId }
 *                                           (annotated hex as in test/fixtures/inbound; see hex-fixture.ts)
 *   POST   /_sim/expire   { transactionId }  → { expired }         (its Content-Location answers 404 from now)
 *   POST   /_sim/configure { demandAbsoluteUri?, requireUserAgent?, requireHeaders?, reportDelayMs? }
 *   POST   /_sim/fault    SimFault
 *   DELETE /_sim/fault
 *   POST   /_sim/report   { messageId, recipient, status? }
 */
export function controlHandler(sim: MmscSim, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL((req.url ?? '/').replace(/^https?:\/\/[^/]+/i, ''), 'http://sim.invalid');
  const path = url.pathname;
  const reply = (status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
  };
  readJson(req)
    .then(async (body) => {
      if (req.method === 'GET' && (path === '/_sim/' || path === '/_sim')) {
        reply(200, { simulator: 'mmsc', mmsc: sim.url, proxy: sim.proxyUrl, control: CONTROL_INDEX });
      } else if (req.method === 'GET' && path === '/_sim/state') {
        // With ?since=N only the m-send-req from the N-th on: a poll costs what is new.
        const sinceParam = url.searchParams.get('since');
        const since = Math.max(0, Math.floor(Number(sinceParam ?? 0)) || 0);
        const sent = sim.sent().slice(since).map((s) => ({ messageId: s.messageId, transactionId: s.transactionId, to: s.pdu.to.map((a) => a.value), subject: s.pdu.subject, bytes: s.raw.byteLength, at: s.at }));
        if (sinceParam !== null) {
          reply(200, { since, total: sim.sent().length, sent });
          return;
        }
        reply(200, {
          total: sim.sent().length,
          sent,
          notifyResps: sim.notifyResps(),
          acks: sim.acks(),
          requests: sim.requests().length,
        });
      } else if (req.method === 'POST' && path === '/_sim/submit') {
        const input = body as SubmitInput & { parts: { base64?: string }[] };
        for (const p of input.parts) if (p.base64 !== undefined) Object.assign(p, { body: Buffer.from(p.base64, 'base64') });
        reply(200, { transactionId: await sim.submitFromHandset(input) });
      } else if (req.method === 'POST' && path === '/_sim/submit-raw') {
        const b = body as { transactionId?: unknown; retrieveConfHex?: unknown; pushHex?: unknown; framing?: unknown };
        if (typeof b?.transactionId !== 'string' || typeof b.retrieveConfHex !== 'string' || typeof b.pushHex !== 'string') {
          throw new Error('transactionId, retrieveConfHex and pushHex (strings) are required');
        }
        const framing = b.framing === 'chunked' ? 'chunked' : 'content-length';
        const push = parseHexFixture(b.pushHex);
        reply(200, { transactionId: await sim.submitRaw({ transactionId: b.transactionId, retrieveConf: parseHexFixture(b.retrieveConfHex)(), push, framing }) });
      } else if (req.method === 'POST' && path === '/_sim/expire') {
        const b = body as { transactionId?: unknown };
        if (typeof b?.transactionId !== 'string') throw new Error('transactionId (string) is required');
        reply(200, { expired: sim.expire(b.transactionId) });
      } else if (req.method === 'POST' && path === '/_sim/configure') {
        const b = (body ?? {}) as Record<string, unknown>;
        const allowed = ['demandAbsoluteUri', 'requireUserAgent', 'requireHeaders', 'reportDelayMs'];
        const unknown = Object.keys(b).filter((k) => !allowed.includes(k));
        if (unknown.length > 0) throw new Error(`unknown option(s): ${unknown.join(', ')} (known: ${allowed.join(', ')})`);
        sim.configure(b);
        reply(200, { ok: true });
      } else if (req.method === 'POST' && path === '/_sim/fault') {
        sim.fault(body as SimFault);
        reply(200, { ok: true });
      } else if (req.method === 'DELETE' && path === '/_sim/fault') {
        sim.clearFaults();
        reply(200, { ok: true });
      } else if (req.method === 'POST' && path === '/_sim/report') {
        const b = body as { messageId: string; recipient: string; status?: 'retrieved' | 'rejected' | 'expired' | 'deferred' | 'unreachable' };
        reply(200, { pdus: await sim.deliveryReport(b.messageId, b.recipient, b.status) });
      } else {
        reply(404, { error: 'unknown control path' });
      }
    })
    .catch((e: unknown) => reply(400, { error: e instanceof Error ? e.message : String(e) }));
}

/** What `GET /_sim/` answers: every control request, as in the list above. */
const CONTROL_INDEX = [
  'GET /_sim/state[?since=N]',
  'POST /_sim/submit',
  'POST /_sim/submit-raw',
  'POST /_sim/expire',
  'POST /_sim/configure',
  'POST /_sim/fault',
  'DELETE /_sim/fault',
  'POST /_sim/report',
];

/**
 * The control endpoint also on a unix socket (HTTP, `/_sim/…` only), at a fixed path such as
 * `<state-dir>/sim/mmsc.sock` in the demo: `curl --unix-socket PATH http://sim/_sim/state`.
 */
export async function listenControlSocket(sim: MmscSim, path: string): Promise<{ readonly path: string; close(): Promise<void> }> {
  rmSync(path, { force: true });
  const server = createServer((req, res) => {
    if ((req.url ?? '').replace(/^https?:\/\/[^/]+/i, '').startsWith('/_sim')) controlHandler(sim, req, res);
    else res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"only /_sim/ on the control socket"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  return {
    path,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(path, { force: true });
    },
  };
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > 16 * 1024 * 1024) { reject(new Error('control request too large')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => {
      if (chunks.length === 0) { resolve(undefined); return; }
      try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))); } catch (e) { reject(e instanceof Error ? e : new Error(String(e))); }
    });
    req.on('error', reject);
  });
}
