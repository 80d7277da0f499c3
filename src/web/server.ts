import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import { isLoopback } from '../config/plain.js';
import { MmsgwError, errorMessage } from '../util/errors.js';
import { logger, type Logger } from '../util/log.js';
import { ASSETS } from './assets.js';
import { hashPassword, LoginLimiter, sameSecret, Sessions, type Session } from './auth.js';
import { LiveEvents } from './events.js';
import { errorPage } from './layout.js';
import { registerLogin } from './pages/login.js';
import { registerPages } from './pages/index.js';
import { allowedHosts, crossSite, isStateChanging, registerSecurity } from './security.js';
import type { WebServices } from './services.js';

declare module 'fastify' {
  interface FastifyRequest {
    webSession: Session | null;
  }
}

/** Options of the listener, from `web.*` (src/app/web.ts maps the configuration). */
export interface WebOptions {
  readonly host: string;
  readonly port: number;
  /** PEM certificate and key: HTTPS only. */
  readonly tls?: { readonly cert: Buffer | string; readonly key: Buffer | string };
  /** Required unless the listener is on loopback and no password is configured. */
  readonly username?: string | null;
  /** A `scrypt$…` hash (web.passwordHash). */
  readonly passwordHash?: string | null;
  /** A plain password (web.password / MMSGW_WEB_PASSWORD), hashed here at start. */
  readonly password?: string | null;
  readonly sessionHours?: number;
  /** Largest upload of one compose form, bytes (default 20 MiB). */
  readonly maxUploadBytes?: number;
  readonly log?: Logger;
  /** Clock for tests. */
  readonly now?: () => number;
}

/** A fastify plugin served on the same listener under `prefix`; it does its own authentication. */
export interface WebPlugin {
  readonly prefix: string;
  readonly plugin: FastifyPluginAsync;
}

export interface WebServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly events: LiveEvents;
  close(): Promise<void>;
}

/** Everything the page modules share. */
export interface WebContext {
  readonly services: WebServices;
  readonly events: LiveEvents;
  readonly log: Logger;
  readonly now: () => number;
  readonly tls: boolean;
  readonly authRequired: boolean;
  readonly maxUploadBytes: number;
  readonly sessions: Sessions;
  readonly limiter: LoginLimiter;
  readonly username: string | null;
  readonly passwordHash: string | null;
  readonly cookieName: string;
  setSessionCookie(reply: FastifyReply, s: Session): void;
}

/** Paths served without a session: the login page and the static files it needs. */
const PUBLIC = /^\/(login|static\/[a-z0-9.-]+)(\?|$)/;

/**
 * Creates and starts the web listener: the pages (src/web/pages), the live event stream,
 * and `plugins` (the REST API, MM7) under their prefixes. Refuses to listen on anything but
 * loopback without a password.
 */
export async function startWebServer(o: WebOptions, services: WebServices, plugins: readonly WebPlugin[] = []): Promise<WebServer> {
  const log = o.log ?? logger('web');
  const now = o.now ?? Date.now;
  const tls = o.tls !== undefined;
  let passwordHash = o.passwordHash ?? null;
  if (passwordHash === null && o.password) passwordHash = await hashPassword(o.password);
  const authRequired = passwordHash !== null;
  if (!isLoopback(o.host) && (!authRequired || !o.username)) {
    throw new MmsgwError(
      'WEB_EXPOSED_WITHOUT_PASSWORD',
      `web.host is '${o.host}' (not loopback): refusing to serve the web interface without web.username and a password (web.passwordHash or MMSGW_WEB_PASSWORD)`,
      { details: { host: o.host } },
    );
  }
  if (authRequired && !o.username) throw new MmsgwError('WEB_NO_USERNAME', 'a web password is configured but web.username is not');

  const app = Fastify({
    logger: false,
    trustProxy: false,
    // Open event streams would otherwise keep close() waiting.
    forceCloseConnections: true,
    bodyLimit: 1024 * 1024,
    ...(o.tls ? { https: { cert: o.tls.cert, key: o.tls.key } } : {}),
  }) as unknown as FastifyInstance;
  const events = new LiveEvents(services, log.child({ ns: 'web-events' }));
  // Filled once the port is known (port 0 picks a free one).
  let hosts = new Set<string>();
  const cookieName = tls ? '__Host-mmsgw_session' : 'mmsgw_session';
  const sessionMs = (o.sessionHours ?? 12) * 3600_000;
  const ctx: WebContext = {
    services,
    events,
    log,
    now,
    tls,
    authRequired,
    maxUploadBytes: o.maxUploadBytes ?? 20 * 1024 * 1024,
    sessions: new Sessions(sessionMs, now),
    limiter: new LoginLimiter(undefined, now),
    username: o.username ?? null,
    passwordHash,
    cookieName,
    setSessionCookie(reply, s) {
      reply.setCookie(cookieName, s.id, { path: '/', httpOnly: true, sameSite: 'strict', secure: tls, maxAge: Math.floor(sessionMs / 1000) });
    },
  };
  await app.register(cookie);
  registerSecurity(app, { tls });

  // The extra interfaces first, each in its own encapsulated context: none of the pages' hooks apply.
  for (const p of plugins) await app.register(p.plugin, { prefix: p.prefix });

  await app.register(async (ui) => {
    await ui.register(formbody, { bodyLimit: 64 * 1024 });
    await ui.register(multipart, { limits: { fileSize: ctx.maxUploadBytes, files: 10, fields: 20, fieldSize: 64 * 1024, parts: 30 } });
    ui.decorateRequest('webSession', null);
    ui.addHook('onRequest', async (req, reply) => {
      const why = crossSite(req);
      if (why) {
        log.warn({ url: req.url, why }, 'cross-site request refused');
        return reply.code(403).type('text/plain; charset=utf-8').send('cross-site request refused');
      }
      if (!authRequired && !hosts.has(String(req.headers.host ?? '').toLowerCase())) {
        return reply.code(421).type('text/plain; charset=utf-8').send('unknown Host');
      }
      if (PUBLIC.test(req.url)) return undefined;
      let s = ctx.sessions.get(req.cookies[cookieName]);
      if (!s && !authRequired) {
        s = ctx.sessions.create(null);
        ctx.setSessionCookie(reply, s);
      }
      if (!s) {
        if (req.method === 'GET' && !req.url.startsWith('/events')) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
        return reply.code(401).type('text/plain; charset=utf-8').send('login required');
      }
      req.webSession = s;
      return undefined;
    });
    ui.addHook('preHandler', async (req, reply) => {
      if (!isStateChanging(req.method)) return undefined;
      const s = req.webSession;
      if (!s && PUBLIC.test(req.url)) return undefined; // the login form: cross-site checked above, no session yet
      const token = csrfTokenOf(req);
      if (!s || token === undefined || !sameSecret(token, s.csrf)) {
        log.warn({ url: req.url }, 'request without a valid CSRF token refused');
        return reply.code(403).type('text/html; charset=utf-8').send(errorPage(403, 'This form has expired or did not come from this box. Go back, reload the page and try again.').value);
      }
      return undefined;
    });
    ui.get('/static/:name', async (req, reply) => {
      const asset = ASSETS[(req.params as { name: string }).name];
      if (!asset) return reply.code(404).type('text/plain').send('not found');
      if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
      return reply.type(asset.type).header('ETag', asset.etag).header('Cache-Control', 'no-cache').send(asset.body);
    });
    registerLogin(ui, ctx);
    registerPages(ui, ctx);
    ui.setNotFoundHandler(async (_req, reply) => reply.code(404).type('text/html; charset=utf-8').send(errorPage(404, 'There is nothing here.').value));
    ui.setErrorHandler(async (err, req, reply) => {
      const e = err as Error & { statusCode?: number; code?: string };
      const status = e instanceof MmsgwError ? statusOf(e.code) : e.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
      if (status >= 500) log.error({ err: e, url: req.url }, 'web request failed');
      const text = status >= 500 ? 'Something went wrong on the box; the log has the details.' : errorMessage(e);
      return reply.code(status).type('text/html; charset=utf-8').send(errorPage(status, text).value);
    });
  });

  await app.listen({ host: o.host, port: o.port });
  const addr = app.server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  hosts = allowedHosts(o.host, addr.port);
  const url = `${tls ? 'https' : 'http'}://${shownHost}:${addr.port}`;
  events.start();
  log.info({ url, login: authRequired }, 'web interface listening');
  return {
    url,
    app,
    events,
    async close() {
      events.stop();
      await app.close();
    },
  };
}

function csrfTokenOf(req: FastifyRequest): string | undefined {
  const h = req.headers['x-csrf-token'];
  if (typeof h === 'string') return h;
  const q = (req.query as Record<string, unknown> | undefined)?._csrf;
  if (typeof q === 'string') return q;
  const b = req.body as Record<string, unknown> | undefined;
  return b && typeof b === 'object' && typeof b._csrf === 'string' ? b._csrf : undefined;
}

function statusOf(code: string): number {
  if (code.endsWith('NOT_FOUND')) return 404;
  if (code.startsWith('OPS_') || code.startsWith('WEB_BAD') || code.startsWith('STORE_BAD')) return 400;
  return 500;
}
