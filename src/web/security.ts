import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Response headers and request checks every page of the web interface gets. MMS content is
 * attacker-controlled, so the pages themselves must be unable to run anything the box did not
 * serve: no inline script or style, no plugins, no framing, no remote loads.
 */

/** Content-Security-Policy of every page (W3C CSP Level 3): only the box's own script, style and media. */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "media-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Served message content: a sandbox with nothing allowed, in case a browser renders it as a document. */
export const MEDIA_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";

export function securityHeaders(reply: FastifyReply, tls: boolean): void {
  reply.header('Content-Security-Policy', PAGE_CSP);
  reply.header('X-Content-Type-Options', 'nosniff');
  // same-origin: nothing leaks to other sites, and the box's own forms carry their Origin.
  reply.header('Referrer-Policy', 'same-origin');
  reply.header('X-Frame-Options', 'DENY');
  reply.header('Cross-Origin-Opener-Policy', 'same-origin');
  reply.header('Cross-Origin-Resource-Policy', 'same-origin');
  reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  if (tls) reply.header('Strict-Transport-Security', 'max-age=31536000');
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isStateChanging(method: string): boolean {
  return UNSAFE_METHODS.has(method);
}

/**
 * A request that another site made the browser send. Fetch Metadata (W3C) first: anything but
 * `same-origin` / `none` (typed URL, bookmark) is cross-site, except a plain top-level GET
 * navigation (a link to the box from elsewhere), which carries no session cookie
 * (SameSite=Strict) and changes nothing. Browsers without Fetch Metadata: the Origin header
 * of a state-changing request, when present, must be the box's own (`null` included: refused).
 */
export function crossSite(req: FastifyRequest): string | undefined {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') {
    const navigation = req.headers['sec-fetch-mode'] === 'navigate' && req.method === 'GET' && req.headers['sec-fetch-dest'] === 'document';
    if (!navigation) return `Sec-Fetch-Site: ${site}`;
  }
  const origin = req.headers.origin;
  // Fetch Metadata, when sent, is authoritative: a same-origin form may still say `Origin: null`.
  if (typeof site === 'string') return undefined;
  if (isStateChanging(req.method) && typeof origin === 'string') {
    const host = req.headers.host;
    let ok = false;
    try {
      ok = origin !== 'null' && new URL(origin).host === host;
    } catch {
      ok = false;
    }
    if (!ok) return `Origin: ${origin}`;
  }
  return undefined;
}

/**
 * Host names a request may carry when the interface answers without a login: a page on some
 * other site whose name resolves to 127.0.0.1 (DNS rebinding) is refused by its Host header.
 */
export function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set([host, 'localhost', '127.0.0.1', '[::1]']);
  const out = new Set<string>();
  for (const n of names) {
    const h = n.includes(':') && !n.startsWith('[') ? `[${n}]` : n;
    out.add(`${h}:${port}`.toLowerCase());
    if (port === 80 || port === 443) out.add(h.toLowerCase());
  }
  return out;
}

export function registerSecurity(app: FastifyInstance, o: { tls: boolean }): void {
  app.addHook('onRequest', async (_req, reply) => {
    securityHeaders(reply, o.tls);
  });
}
