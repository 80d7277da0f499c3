/**
 * The REST API (`/api/v1`), a fastify plugin the web server registers under its prefix:
 *
 *   await app.register(apiPlugin, { prefix: '/api/v1', store, send, tokens, status, ... });
 *
 * Every address needs a bearer token (checked in onRequest, before any body is read) with the
 * route's scope; each token has a rate limit; errors are problem+json naming the field. See
 * docs/API.md and the OpenAPI document at `<prefix>/openapi.json`.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { SendService } from '../../app/send.js';
import type { Store } from '../../store/index.js';
import { logger } from '../../util/log.js';
import { authenticate, RateLimiter, requireScope, type RateLimit } from './auth.js';
import { openApiDocument } from './openapi.js';
import { ApiProblem, problemOf, sendProblem } from './problem.js';
import { fromJson, fromMultipart, MAX_MEDIA_FILES, type SendBody } from './send-route.js';
import { TokensRepo, type Scope, type TokenRow } from './tokens.js';
import { detail, listPage, parseListQuery, summary } from './view.js';

export { TokensRepo, SCOPES, type Scope, type TokenRow } from './tokens.js';

export interface ApiStatusSource {
  /** The modem's status (`gateway.modemStatus()`), undefined without a modem. */
  modem?(): unknown;
  /** Every modem of the box (`gateway.modemViews()`). */
  modems?(): readonly unknown[];
  bearer?(): unknown;
}

export interface ApiOptions {
  readonly store: Store;
  readonly send: SendService;
  readonly status?: ApiStatusSource;
  readonly rateLimit?: RateLimit;
  /** Largest request body in bytes (default 5 MiB). */
  readonly maxBodyBytes?: number;
  readonly now?: () => number;
}

declare module 'fastify' {
  interface FastifyRequest {
    apiToken?: TokenRow;
  }
}

const log = logger('api');
const DEFAULT_MAX_BODY = 5 * 1024 * 1024;

/** Scope each route needs; the OpenAPI document needs only a valid token. */
const SCOPE_OF: Record<string, Scope | undefined> = {
  'POST /messages': 'send',
  'GET /messages': 'read',
  'GET /messages/:id': 'read',
  'GET /messages/:id/parts/:n': 'read',
  'GET /status': 'admin',
  'GET /openapi.json': undefined,
};

function positiveId(v: unknown, field: string): number {
  const s = String(v);
  if (!/^[1-9]\d{0,14}$/.test(s)) throw new ApiProblem(400, 'bad-path', `${field} must be a positive whole number`, field);
  return Number(s);
}

/** A MIME type safe to put in a Content-Type header; anything else is served as octet-stream. */
function safeType(t: string, charset: string | null): string {
  if (!/^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/i.test(t)) return 'application/octet-stream';
  return charset && /^[A-Za-z0-9_.:-]{1,40}$/.test(charset) ? `${t}; charset=${charset}` : t;
}

export const apiPlugin: FastifyPluginAsync<ApiOptions> = async (app: FastifyInstance, opts: ApiOptions) => {
  const { store } = opts;
  const tokens = new TokensRepo(store.db);
  const limiter = new RateLimiter(opts.rateLimit ?? { perMinute: 60, burst: 20 }, opts.now);
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const base = app.prefix;

  // Only JSON and multipart bodies here (fastify's text/plain parser is not wanted).
  app.removeContentTypeParser('text/plain');
  await app.register(multipart, { limits: { fileSize: maxBody, files: MAX_MEDIA_FILES, fields: 64, fieldSize: 64 * 1024, parts: 100, headerPairs: 200 } });

  app.setErrorHandler((e, req, reply) => {
    const p = problemOf(e);
    if (p.status >= 500) log.error({ err: e, url: req.url }, 'API request failed');
    return sendProblem(reply, p);
  });
  app.setNotFoundHandler(async (req, reply) => {
    authenticate(req, tokens);
    return sendProblem(reply, new ApiProblem(404, 'not-found', 'no such address in this API', 'path'));
  });

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    void reply.header('Cache-Control', 'no-store').header('X-Content-Type-Options', 'nosniff');
    const token = authenticate(req, tokens);
    // HEAD is answered by the GET route and needs what GET needs; a route missing from the
    // table is refused rather than left open. Unmatched addresses go on to the 404 handler.
    if (req.routeOptions.url !== undefined) {
      const route = `${req.method === 'HEAD' ? 'GET' : req.method} ${req.routeOptions.url.slice(base.length) || '/'}`;
      if (!(route in SCOPE_OF)) throw new ApiProblem(403, 'forbidden', 'this address is not open to API tokens', 'path');
      const scope = SCOPE_OF[route];
      if (scope) requireScope(token, scope);
    }
    const wait = limiter.take(token.id);
    if (wait !== undefined) throw new ApiProblem(429, 'rate-limited', `this token's rate limit is reached; try again in ${wait} s`, 'Authorization', { 'Retry-After': String(wait) });
    tokens.touch(token.id, token.lastUsedAt, opts.now?.());
    req.apiToken = token;
  });

  app.get('/openapi.json', async (req, reply) => {
    const host = req.headers.host ?? '127.0.0.1';
    return reply.type('application/json').send(openApiDocument(`${req.protocol}://${host}${base}`));
  });

  app.post('/messages', { bodyLimit: maxBody }, async (req, reply) => {
    const key = req.headers['idempotency-key'];
    if (Array.isArray(key)) throw new ApiProblem(400, 'bad-header', 'give Idempotency-Key once', 'Idempotency-Key');
    let body: SendBody;
    if (req.isMultipart()) body = await fromMultipart(req, maxBody);
    else body = fromJson(req.body);
    const token = req.apiToken as TokenRow;
    const r = await opts.send.send({
      to: body.to,
      media: body.media,
      origin: `api:${token.name}`,
      ...(body.text !== undefined ? { text: body.text } : {}),
      ...(body.subject !== undefined ? { subject: body.subject } : {}),
      ...(body.from !== undefined ? { from: body.from } : {}),
      ...(key !== undefined ? { idempotencyKey: key } : {}),
    });
    if (!r.ok) {
      const e = r.error;
      const status = e.code === 'idempotency-conflict' ? 409 : e.code === 'bad-idempotency-key' ? 400 : e.code === 'media-too-large' ? 413 : 422;
      const field = e.field === 'idempotencyKey' ? 'Idempotency-Key' : e.field;
      throw new ApiProblem(status, e.code, e.reason, field);
    }
    const url = `${base}/messages/${r.id}`;
    if (!r.created) void reply.header('Idempotent-Replayed', 'true');
    return reply.code(202).header('Location', url).send({ id: r.id, kind: r.kind, to: r.to, url });
  });

  app.get('/messages', async (req) => {
    const q = parseListQuery(req.query as Record<string, unknown>);
    const page = listPage(store, q);
    return { items: page.items.map((m) => summary(store, m, base)), ...(page.next !== undefined ? { next: page.next } : {}) };
  });

  app.get('/messages/:id', async (req) => {
    const id = positiveId((req.params as { id: string }).id, 'id');
    const m = store.messages.get(id);
    if (!m) throw new ApiProblem(404, 'not-found', `there is no message ${id}`, 'id');
    return detail(store, m, base);
  });

  app.get('/messages/:id/parts/:n', async (req, reply) => {
    const params = req.params as { id: string; n: string };
    const id = positiveId(params.id, 'id');
    const n = positiveId(params.n, 'n');
    const m = store.messages.get(id);
    if (!m) throw new ApiProblem(404, 'not-found', `there is no message ${id}`, 'id');
    const part = store.content.parts(id)[n - 1];
    if (!part) throw new ApiProblem(404, 'not-found', `message ${id} has no part ${n}`, 'n');
    const body = Buffer.from(await store.content.partBody(part));
    // Message content is the sender's: never rendered by a browser in this origin.
    const ascii = part.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
    return reply
      .type(safeType(part.contentType, part.charset))
      .header('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(part.filename)}`)
      .header('Content-Security-Policy', "default-src 'none'; sandbox")
      .send(body);
  });

  app.get('/status', async () => ({
    modem: (opts.status?.modem?.() as object | undefined) ?? null,
    modems: opts.status?.modems?.() ?? [],
    bearer: (opts.status?.bearer?.() as object | undefined) ?? null,
    queues: store.jobs.counts(),
    messages: store.stats().messages,
  }));
};

export default apiPlugin;
