import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeMms } from '../../codec/mms/index.js';
import { mmsPdu } from './pdus.js';
import type { MmscState } from './state.js';
import type { MmscSimOptions, RequestRecord, SimFault } from './types.js';

const MMS_TYPE = 'application/vnd.wap.mms-message';
const MAX_POST = 8 * 1024 * 1024;

/**
 * The MMSC + WAP proxy request handler, for both listeners. Through the proxy port a handset
 * must send the absolute URI as request-target (RFC 9112 §3.2.2, absolute-form "when making a
 * request to a proxy"); an origin-form request there is refused with 400 as a real WAP proxy
 * refuses it, having no way to know the origin. The MMSC port accepts both forms (a server
 * MUST accept absolute-form, §3.2.2). The simulator serves proxied requests itself, being the
 * whole carrier.
 */
export function mmscHandler(state: MmscState, opts: () => MmscSimOptions, via: 'mmsc' | 'proxy') {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const target = req.url ?? '/';
    const absolute = /^https?:\/\//i.test(target);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const rec: RequestRecord = { method: req.method ?? '', target, absolute, via, headers };
    const path = new URL(target, 'http://sim.invalid').pathname;
    if (path.startsWith('/_sim/')) return; // the control endpoint handles it
    state.requests.push(rec);
    const answer = (status: number, type: string, body: Uint8Array | string, fault?: SimFault): void => {
      rec.status = status;
      send(res, status, type, typeof body === 'string' ? Buffer.from(body) : body, fault);
    };
    const o = opts();
    if ((via === 'proxy' || o.demandAbsoluteUri) && !absolute) { answer(400, 'text/plain', 'proxy requires an absolute URI\n'); return; }
    if (o.requireUserAgent && !(headers['user-agent'] ?? '').trim()) { answer(412, 'text/plain', 'Precondition Failed\n'); return; }
    for (const [name, want] of Object.entries(o.requireHeaders ?? {})) {
      const got = headers[name.toLowerCase()];
      if (!got || (want !== '*' && got !== want)) { answer(403, 'text/plain', `missing ${name}\n`); return; }
    }

    if (req.method === 'GET' && path.startsWith('/mms/r/')) {
      const msg = state.messages.get(path.slice('/mms/r/'.length));
      if (!msg) { answer(404, 'text/plain', 'no such message\n'); return; }
      // OMA-TS-MMS_ENC §7.3.20: the MMSC holds the message until X-Mms-Expiry; after that its
      // Content-Location is gone, and carriers answer the GET with 404.
      if (Date.now() >= msg.expiresAt) { answer(404, 'text/plain', 'message expired\n'); return; }
      const fault = state.takeFault('retrieve');
      if (fault?.kind === 'hang') return;
      if (fault?.kind === 'reset') { req.socket.destroy(); return; }
      if (fault?.kind === 'status') { answer(fault.status, 'text/html', `<html><body>${fault.status}</body></html>`); return; }
      if (fault?.kind === 'redirect') {
        if (fault.hops > 1) state.addFault({ kind: 'redirect', hops: fault.hops - 1, on: 'retrieve', times: 1 });
        rec.status = 302;
        res.writeHead(302, { Location: msg.contentLocation, 'Content-Length': '0' }).end();
        return;
      }
      if (fault?.kind === 'retrieve-status') {
        const pdu = mmsPdu({ messageType: 'm-retrieve-conf', transactionId: msg.transactionId, mmsVersion: '1.2', retrieveStatus: fault.status, retrieveText: fault.text });
        answer(200, MMS_TYPE, encodeMms(pdu));
        return;
      }
      if (fault?.kind === 'corrupt') {
        const pdu = msg.retrieveConf;
        answer(200, MMS_TYPE, pdu.subarray(0, Math.max(1, Math.floor(pdu.byteLength * (fault.fraction ?? 0.6)))));
        return;
      }
      if (!fault || fault.kind === 'slow' || fault.kind === 'chunked') {
        res.once('finish', () => { msg.fetches += 1; });
      }
      const framing: SimFault | undefined = fault ?? (msg.framing === 'chunked' ? { kind: 'chunked' } : undefined);
      answer(200, fault?.kind === 'content-type' ? fault.contentType ?? 'text/html' : MMS_TYPE, msg.retrieveConf, framing);
      return;
    }

    if (req.method === 'POST') {
      readBody(req, MAX_POST).then((body) => {
        if (!body) { answer(413, 'text/plain', 'too large\n'); return; }
        const fault = state.takeFault('post');
        if (fault?.kind === 'hang') return;
        if (fault?.kind === 'reset') { req.socket.destroy(); return; }
        if (fault?.kind === 'status') { answer(fault.status, 'text/plain', `${fault.status}\n`); return; }
        if ((req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() !== MMS_TYPE) {
          answer(415, 'text/plain', `expected ${MMS_TYPE}\n`);
          return;
        }
        const r = state.receivePost(body, fault);
        if (r.error) { answer(400, 'text/plain', `${r.error}\n`); return; }
        if (r.answer) answer(200, fault?.kind === 'content-type' ? fault.contentType ?? 'text/html' : MMS_TYPE, encodeMms(r.answer), fault);
        else answer(204, MMS_TYPE, new Uint8Array());
      }).catch(() => req.socket.destroy());
      return;
    }
    answer(404, 'text/plain', 'not found\n');
  };
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > max) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Writes a response, applying the body faults (truncate, slow, chunked). */
function send(res: ServerResponse, status: number, type: string, body: Uint8Array, fault: SimFault | undefined): void {
  const chunked = fault?.kind === 'chunked';
  const head: Record<string, string> = { 'Content-Type': type };
  if (!chunked) head['Content-Length'] = String(body.byteLength);
  res.writeHead(status, head);
  if (status === 204 || body.byteLength === 0) { res.end(); return; }
  if (fault?.kind === 'truncate') {
    const cut = Math.floor(body.byteLength * (fault.fraction ?? 0.5));
    res.write(body.subarray(0, cut), () => res.socket?.destroy());
    return;
  }
  if (fault?.kind === 'slow') {
    const slice = Math.max(1, Math.floor(fault.bytesPerSecond / 20));
    let off = 0;
    const tick = (): void => {
      if (res.destroyed) return;
      const next = Math.min(body.byteLength, off + slice);
      const chunk = body.subarray(off, next);
      off = next;
      if (off >= body.byteLength) { res.end(chunk); return; }
      res.write(chunk);
      setTimeout(tick, 50);
    };
    tick();
    return;
  }
  if (chunked) {
    const step = Math.max(1, Math.ceil(body.byteLength / 7));
    for (let off = 0; off < body.byteLength; off += step) res.write(body.subarray(off, off + step));
    res.end();
    return;
  }
  res.end(body);
}
