import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../util/log.js';
import { authenticate, type VaspAccount } from './auth.js';
import { parseContentType, parseMultipart, type MimePart } from './multipart.js';
import { STATUS, statusText } from './ns.js';
import { readCancelReq, readReplaceReq, readSubmitReq } from './requests.js';
import type { Mm7Service, OpResult } from './service.js';
import { envelope, faultEnvelope, Mm7Fault, parseEnvelope, statusNode, type FaultContext } from './soap.js';
import { el, opt } from './xml.js';

/**
 * The box as the MMS Relay/Server of MM7 (3GPP TS 23.140 §8) for the configured VASPs: a
 * fastify plugin answering SOAP 1.1 POSTs (registered under the prefix /mm7). Order of work
 * per request: HTTP Basic authentication (before any byte of the body is read), the body
 * read up to `maxRequestBytes` (refused while streaming beyond), MIME, XML, the operation.
 * Every refusal is a SOAP Fault with an MM7 status, in the namespace of the request.
 */

export interface Mm7PluginOptions {
  readonly vasps: readonly VaspAccount[];
  readonly service: Mm7Service;
  /** Largest request body accepted (SOAP envelope and attachments together). */
  readonly maxRequestBytes: number;
  readonly log?: Logger;
}

const SOAP_CONTENT_TYPE = 'text/xml; charset=utf-8';

declare module 'fastify' {
  interface FastifyRequest {
    mm7Vasp?: VaspAccount;
  }
}

function sendFault(reply: FastifyReply, httpStatus: number, ctx: FaultContext, code: number, text: string): FastifyReply {
  if (httpStatus === 401) reply.header('WWW-Authenticate', 'Basic realm="mmsgw MM7", charset="UTF-8"');
  return reply.code(httpStatus).type(SOAP_CONTENT_TYPE).send(faultEnvelope(ctx, code, text));
}

/** The SOAP envelope and the other MIME parts of a request (SOAP messages with attachments). */
function splitRequest(contentType: string | undefined, body: Buffer): { xml: string; parts: MimePart[] } {
  let ct;
  try {
    ct = parseContentType(contentType);
  } catch (e) {
    throw new Mm7Fault(STATUS.messageFormatCorrupt, (e as Error).message);
  }
  if (ct.mediaType === 'text/xml' || ct.mediaType === 'application/soap+xml') return { xml: body.toString('utf8'), parts: [] };
  if (ct.mediaType !== 'multipart/related') {
    throw new Mm7Fault(STATUS.messageFormatCorrupt, `Content-Type must be text/xml or multipart/related (SOAP with attachments), got '${ct.mediaType}'`);
  }
  let parts: MimePart[];
  try {
    parts = parseMultipart(body, ct.params.boundary ?? '');
  } catch (e) {
    throw new Mm7Fault(STATUS.messageFormatCorrupt, (e as Error).message);
  }
  const start = ct.params.start?.replace(/^<|>$/g, '');
  const root = start !== undefined ? parts.find((p) => p.contentId === start) : parts[0];
  if (!root) throw new Mm7Fault(STATUS.messageFormatCorrupt, start !== undefined ? `the start part <${start}> is missing` : 'the multipart request has no parts');
  if (root.contentType.mediaType !== 'text/xml' && root.contentType.mediaType !== 'application/soap+xml') {
    throw new Mm7Fault(STATUS.messageFormatCorrupt, `the root part must be the SOAP envelope (text/xml), got '${root.contentType.mediaType}'`);
  }
  return { xml: root.body.toString('utf8'), parts: parts.filter((p) => p !== root) };
}

export const mm7Plugin: FastifyPluginAsync<Mm7PluginOptions> = async (app: FastifyInstance, opts: Mm7PluginOptions) => {
  const { service, log } = opts;

  // Bodies are read raw (no JSON or form parsing here), bounded while streaming.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: opts.maxRequestBytes }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
      return sendFault(reply, 413, {}, STATUS.contentRefused, `the request is larger than ${opts.maxRequestBytes} bytes`);
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return sendFault(reply, error.statusCode, {}, STATUS.messageFormatCorrupt, error.message);
    }
    log?.error({ err: error }, 'MM7 request failed');
    return sendFault(reply, 500, {}, STATUS.serverError, 'internal error; the request was not processed');
  });

  // Authorise before the body is parsed (or even read): HTTP Basic per VASP.
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const vasp = await authenticate(opts.vasps, req.headers.authorization);
    if (!vasp) {
      log?.info({ ip: req.ip }, 'MM7 request without valid credentials');
      return sendFault(reply, 401, {}, STATUS.improperIdentification, 'HTTP Basic authentication with a configured VASP account is required');
    }
    req.mm7Vasp = vasp;
    return undefined;
  });

  // SOAP 1.1 over HTTP (§6) is POST only.
  app.route({
    method: ['GET', 'PUT', 'DELETE', 'PATCH'],
    url: '/',
    handler: (_req, reply) => sendFault(reply.header('Allow', 'POST'), 405, {}, STATUS.unsupportedOperation, 'MM7 requests are HTTP POSTs (SOAP 1.1 §6)'),
  });

  app.post('/', async (req: FastifyRequest, reply: FastifyReply) => {
    const vasp = req.mm7Vasp!;
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const fctx: FaultContext = {};
    try {
      const { xml, parts } = splitRequest(req.headers['content-type'], body);
      const env = parseEnvelope(xml, fctx);
      const { release, transactionId, op } = env;
      const answer = (name: string, r: OpResult): FastifyReply =>
        reply
          .code(200)
          .type(SOAP_CONTENT_TYPE)
          .send(envelope(release, transactionId, name, [el('MM7Version', release.version), statusNode(r.status, statusText(r.status), r.details), name === 'SubmitRsp' ? opt('MessageID', r.messageId) : undefined]));
      let result: OpResult;
      let name: string;
      switch (op.local) {
        case 'SubmitReq':
          name = 'SubmitRsp';
          result = await service.submit(vasp, release, transactionId, readSubmitReq(op, Date.now()), parts);
          break;
        case 'CancelReq':
          name = 'CancelRsp';
          result = service.cancel(vasp, readCancelReq(op));
          break;
        case 'ReplaceReq':
          name = 'ReplaceRsp';
          result = await service.replace(vasp, transactionId, readReplaceReq(op), parts);
          break;
        default:
          throw new Mm7Fault(STATUS.unsupportedOperation, `operation <${op.local}> is not offered to VASPs (SubmitReq, CancelReq, ReplaceReq are)`);
      }
      log?.info({ vasp: vasp.vaspId, op: op.local, transactionId, status: result.status, messageId: result.messageId }, 'MM7 request answered');
      if (result.status >= 2000) keep(service, vasp, body, result.status, result.details ?? statusText(result.status));
      return answer(name, result);
    } catch (e) {
      if (!(e instanceof Mm7Fault)) throw e;
      log?.info({ vasp: vasp.vaspId, status: e.status, err: e.message }, 'MM7 request refused');
      keep(service, vasp, body, e.status, e.message);
      return sendFault(reply, e.httpStatus, fctx, e.status, e.message);
    }
  });
};

/** A refused request from an authenticated VASP is kept with the reason (quarantine, source `mm7`). */
function keep(service: Mm7Service, vasp: VaspAccount, body: Buffer, status: number, reason: string): void {
  service.quarantine(`mm7:${vasp.vaspId}`, body, `MM7_${status}`, reason);
}

export type { VaspAccount } from './auth.js';
export { Mm7Service } from './service.js';
