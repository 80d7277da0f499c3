import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { basicAuthHeader, parseBasicAuth } from '../../web/mm7/auth.js';
import { buildMultipart, newBoundary, param, parseContentType, parseMultipart, type MimePart, type OutPart } from '../../web/mm7/multipart.js';
import { REL6, STATUS, type Mm7Release } from '../../web/mm7/ns.js';
import { envelope, faultEnvelope, parseEnvelope, readResponse, statusNode, type ParsedStatus } from '../../web/mm7/soap.js';
import { child, childText, el, opt, type XElement } from '../../web/mm7/xml.js';

/**
 * A value-added service provider on MM7 (3GPP TS 23.140 §8), for tests and the demo: it
 * submits MMS with pictures to the box (SubmitReq, CancelReq, ReplaceReq as multipart/related
 * SOAP with attachments) and runs an HTTP server that receives what the box sends it
 * (DeliverReq, DeliveryReportReq, ReadReplyReq), keeps every request, and answers with the
 * matching response — or, when told to, with failures to exercise the box's retries.
 */

export interface VaspSimOptions {
  readonly vaspId: string;
  readonly vasId?: string;
  /** The VASP's credentials at the box. */
  readonly user: string;
  readonly password: string;
  /** The box's MM7 URL (…/mm7). */
  readonly boxUrl?: string;
  /** Credentials the box must present to the simulator; none: any request is accepted. */
  readonly inbound?: { readonly user: string; readonly password: string };
  readonly host?: string;
  readonly port?: number;
  /** Release of the requests the simulator sends (default REL-6-MM7-1-4). */
  readonly release?: Mm7Release;
}

export interface ReceivedPart {
  readonly contentType: string;
  readonly contentId: string | undefined;
  readonly size: number;
  readonly sha256: string;
  readonly body: Buffer;
}

/** One request the box sent to the simulator. */
export interface VaspReceived {
  readonly op: string;
  readonly namespace: string;
  readonly transactionId: string;
  /** Names of the operation's child elements, in document order. */
  readonly elements: readonly string[];
  readonly messageId?: string;
  readonly mmStatus?: string;
  readonly statusText?: string;
  readonly sender?: string;
  readonly recipients: readonly string[];
  readonly subject?: string;
  /** The parts of the referenced content (flattened one multipart level). */
  readonly content: readonly ReceivedPart[];
  /** The raw request, for independent parsing. */
  readonly raw: { readonly contentType: string; readonly body: Buffer; readonly xml: string };
  /** HTTP status the simulator answered with. */
  readonly answered: number;
  readonly at: number;
}

export type VaspFault = { kind: 'http'; status: number } | { kind: 'status'; code: number } | { kind: 'reset' };

export interface SubmitPart {
  readonly contentType: string;
  readonly body: Uint8Array;
  readonly name?: string;
  readonly charset?: string;
}

export interface SubmitOptions {
  readonly to: readonly string[];
  readonly subject?: string;
  readonly parts: readonly SubmitPart[];
  readonly deliveryReport?: boolean;
  readonly readReply?: boolean;
  readonly transactionId?: string;
  readonly release?: Mm7Release;
  /** Recipient element kind (default Number). */
  readonly addressKind?: 'Number' | 'ShortCode' | 'RFC2822Address';
  readonly senderAddress?: string;
  /** Overrides for refusal tests. */
  readonly vaspId?: string;
  readonly vasId?: string;
  readonly auth?: { readonly user: string; readonly password: string } | null;
}

export interface BoxAnswer {
  readonly httpStatus: number;
  readonly status: ParsedStatus;
  readonly fault: boolean;
  readonly messageId?: string;
  readonly namespace?: string;
  readonly xml: string;
}

export interface VaspSim {
  readonly url: string;
  readonly port: number;
  readonly received: readonly VaspReceived[];
  /** The next `times` requests fail this way (HTTP error, an MM7 error status, a dropped connection). */
  failNext(fault: VaspFault, times?: number): void;
  submit(o: SubmitOptions): Promise<BoxAnswer>;
  cancel(messageId: string, o?: { release?: Mm7Release; transactionId?: string }): Promise<BoxAnswer>;
  replace(messageId: string, parts: readonly SubmitPart[], o?: { release?: Mm7Release; transactionId?: string }): Promise<BoxAnswer>;
  /** Points the simulator's requests at another box URL. */
  useBox(url: string): void;
  /** POSTs raw bytes to the box (for malformed-request tests). */
  post(body: string | Buffer, contentType: string, auth?: { user: string; password: string } | null): Promise<{ httpStatus: number; xml: string; headers: Headers }>;
  stop(): Promise<void>;
}

const RESPONSE_OF: Readonly<Record<string, string>> = { DeliverReq: 'DeliverRsp', DeliveryReportReq: 'DeliveryReportRsp', ReadReplyReq: 'ReadReplyRsp' };

function addressText(e: XElement | undefined): string | undefined {
  return e?.children[0]?.text;
}

function flatten(parts: readonly MimePart[], contentId: string | undefined): MimePart[] {
  const target = contentId !== undefined ? parts.find((p) => p.contentId === contentId) : undefined;
  if (!target) return [];
  if (!target.contentType.mediaType.startsWith('multipart/')) return [target];
  return parseMultipart(target.body, target.contentType.params.boundary ?? '');
}

/** The SOAP part and the other parts of a request. */
function split(contentType: string, body: Buffer): { xml: string; parts: MimePart[] } {
  const ct = parseContentType(contentType);
  if (ct.mediaType !== 'multipart/related') return { xml: body.toString('utf8'), parts: [] };
  const parts = parseMultipart(body, ct.params.boundary ?? '');
  const start = ct.params.start?.replace(/^<|>$/g, '');
  const root = (start !== undefined ? parts.find((p) => p.contentId === start) : undefined) ?? parts[0];
  return { xml: root?.body.toString('utf8') ?? '', parts: parts.filter((p) => p !== root) };
}

export async function startVaspSim(o: VaspSimOptions): Promise<VaspSim> {
  const received: VaspReceived[] = [];
  const faults: { fault: VaspFault; left: number }[] = [];
  const release = o.release ?? REL6;
  let boxUrl = o.boxUrl;
  let txSeq = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const contentType = req.headers['content-type'] ?? '';
      const reply = (status: number, xml: string): void => {
        res.writeHead(status, { 'Content-Type': 'text/xml; charset=utf-8' }).end(xml);
      };
      if (o.inbound) {
        const cred = parseBasicAuth(req.headers.authorization);
        if (!cred || cred.user !== o.inbound.user || cred.password !== o.inbound.password) {
          res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="vasp"' }).end();
          return;
        }
      }
      let env;
      let parts: MimePart[];
      let xml: string;
      try {
        ({ xml, parts } = split(contentType, body));
        env = parseEnvelope(xml);
      } catch (e) {
        reply(500, faultEnvelope({}, STATUS.messageFormatCorrupt, (e as Error).message, 'VASPErrorRsp'));
        return;
      }
      const f = faults[0];
      let answered = 200;
      let answerXml: string;
      const rsp = RESPONSE_OF[env.op.local];
      if (f) {
        f.left -= 1;
        if (f.left <= 0) faults.shift();
      }
      if (f?.fault.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (!rsp) {
        answered = 500;
        answerXml = faultEnvelope({ release: env.release, transactionId: env.transactionId }, STATUS.unsupportedOperation, `${env.op.local} is not expected here`, 'VASPErrorRsp');
      } else if (f?.fault.kind === 'http') {
        answered = f.fault.status;
        answerXml = '<html><body>unavailable</body></html>';
      } else {
        const code = f?.fault.kind === 'status' ? f.fault.code : STATUS.success;
        answerXml = envelope(env.release, env.transactionId, rsp, [el('MM7Version', env.release.version), statusNode(code)]);
      }
      const op = env.op;
      const contentId = child(op, 'Content')?.attrs.href?.replace(/^cid:/i, '');
      const rcpts = child(op, 'Recipients');
      const recipients = [
        ...(rcpts?.children.flatMap((g) => g.children.map((a) => a.text)) ?? []),
        ...(child(op, 'Recipient') ? [addressText(child(op, 'Recipient'))!] : []),
      ];
      const content = flatten(parts, contentId).map((p) => ({
        contentType: p.contentType.mediaType,
        contentId: p.contentId,
        size: p.body.length,
        sha256: createHash('sha256').update(p.body).digest('hex'),
        body: p.body,
      }));
      const sender = addressText(child(op, 'Sender'));
      const messageId = childText(op, 'MessageID');
      const mmStatus = childText(op, 'MMStatus');
      const statusText = childText(op, 'StatusText');
      const subject = childText(op, 'Subject');
      received.push({
        op: op.local,
        namespace: env.release.ns,
        transactionId: env.transactionId,
        elements: op.children.map((c) => c.local),
        ...(messageId !== undefined ? { messageId } : {}),
        ...(mmStatus !== undefined ? { mmStatus } : {}),
        ...(statusText !== undefined ? { statusText } : {}),
        ...(sender !== undefined ? { sender } : {}),
        ...(subject !== undefined ? { subject } : {}),
        recipients,
        content,
        raw: { contentType, body, xml },
        answered,
        at: Date.now(),
      });
      reply(answered, answerXml);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const post = async (body: string | Buffer, contentType: string, auth: { user: string; password: string } | null = { user: o.user, password: o.password }): Promise<{ httpStatus: number; xml: string; headers: Headers }> => {
    if (!boxUrl) throw new Error('the VASP simulator has no box URL (boxUrl, useBox)');
    const res = await fetch(boxUrl, {
      method: 'POST',
      headers: { 'Content-Type': contentType, SOAPAction: '""', ...(auth ? { Authorization: basicAuthHeader(auth.user, auth.password) } : {}) },
      body,
    });
    return { httpStatus: res.status, xml: await res.text(), headers: res.headers };
  };

  const exchange = async (xml: string, content: OutPart | undefined, auth?: { user: string; password: string } | null): Promise<BoxAnswer> => {
    let body: Buffer;
    let type: string;
    if (content) {
      const boundary = newBoundary();
      body = buildMultipart([{ contentType: 'text/xml; charset=utf-8', contentId: 'soap-start', body: Buffer.from(xml) }, content], boundary);
      type = `multipart/related; boundary=${param(boundary)}; type="text/xml"; start="<soap-start>"`;
    } else {
      body = Buffer.from(xml);
      type = 'text/xml; charset=utf-8';
    }
    const r = await post(body, type, auth === undefined ? { user: o.user, password: o.password } : auth);
    const parsed = readResponse(r.xml);
    const messageId = parsed.envelope ? childText(parsed.envelope.op, 'MessageID') : undefined;
    return {
      httpStatus: r.httpStatus,
      status: parsed.status,
      fault: parsed.fault,
      xml: r.xml,
      ...(messageId !== undefined ? { messageId } : {}),
      ...(parsed.envelope ? { namespace: parsed.envelope.release.ns } : {}),
    };
  };

  const contentPart = (parts: readonly SubmitPart[]): OutPart => {
    const boundary = newBoundary();
    const named = parts.map((p, i) => ({ ...p, id: `part${i}`, name: p.name ?? `part${i}` }));
    const smil = `<smil><head><layout><root-layout/><region id="Image" top="0" height="70%"/><region id="Text" top="70%" height="30%"/></layout></head><body><par dur="5s">${named
      .map((p) => (p.contentType.startsWith('text/') ? `<text src="cid:${p.id}" region="Text"/>` : `<img src="cid:${p.id}" region="Image"/>`))
      .join('')}</par></body></smil>`;
    const inner: OutPart[] = [
      { contentType: 'application/smil; charset=utf-8', contentId: 'smil', contentLocation: 'smil.xml', body: Buffer.from(smil) },
      ...named.map((p) => ({
        contentType: `${p.contentType}${p.charset ? `; charset=${p.charset}` : ''}; name=${param(p.name)}`,
        contentId: p.id,
        contentLocation: p.name,
        body: p.body,
      })),
    ];
    return { contentType: `multipart/related; boundary=${param(boundary)}; type="application/smil"; start="<smil>"`, contentId: 'mms-content', body: buildMultipart(inner, boundary) };
  };

  const identification = (r: Mm7Release, vaspId: string, vasId: string | undefined, senderAddress: string | undefined) =>
    el('SenderIdentification', [el('VASPID', vaspId), opt('VASID', vasId), senderAddress !== undefined ? el('SenderAddress', [el('ShortCode', senderAddress)]) : undefined]);

  const txid = (given: string | undefined): string => given ?? `${o.vaspId}-${++txSeq}-${randomBytes(3).toString('hex')}`;

  return {
    url: `http://${o.host ?? '127.0.0.1'}:${port}/mm7`,
    port,
    received,
    failNext(fault, times = 1) {
      faults.push({ fault, left: times });
    },
    submit(s) {
      const r = s.release ?? release;
      const kind = s.addressKind ?? 'Number';
      const xml = envelope(r, txid(s.transactionId), 'SubmitReq', [
        el('MM7Version', r.version),
        identification(r, s.vaspId ?? o.vaspId, s.vasId ?? o.vasId, s.senderAddress),
        el('Recipients', [el('To', s.to.map((n) => el(kind, n)))]),
        el('ServiceCode', 'demo'),
        el('TimeStamp', new Date().toISOString()),
        el('DeliveryReport', String(s.deliveryReport ?? true)),
        el('ReadReply', String(s.readReply ?? false)),
        opt('Subject', s.subject),
        el('Content', [], { href: 'cid:mms-content', allowAdaptations: 'true' }),
      ]);
      return exchange(xml, contentPart(s.parts), s.auth);
    },
    cancel(messageId, c = {}) {
      const r = c.release ?? release;
      return exchange(envelope(r, txid(c.transactionId), 'CancelReq', [el('MM7Version', r.version), identification(r, o.vaspId, o.vasId, undefined), el('MessageID', messageId)]), undefined);
    },
    replace(messageId, parts, c = {}) {
      const r = c.release ?? release;
      const xml = envelope(r, txid(c.transactionId), 'ReplaceReq', [
        el('MM7Version', r.version),
        identification(r, o.vaspId, o.vasId, undefined),
        el('MessageID', messageId),
        el('Content', [], { href: 'cid:mms-content', allowAdaptations: 'true' }),
      ]);
      return exchange(xml, contentPart(parts));
    },
    useBox(url) {
      boxUrl = url;
    },
    post,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
