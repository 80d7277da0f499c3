import type { FastifyInstance } from 'fastify';
import { sameSecret, verifyPassword } from '../auth.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import type { WebContext } from '../server.js';

/** Only a path on this box may follow a login (no `//host`, no scheme). */
function safeNext(v: unknown): string {
  return typeof v === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(v) ? v : '/';
}

function loginForm(next: string, message?: string, bad = false): string {
  return page(
    { title: 'Log in', section: 'login', session: null },
    html`<h1>Log in</h1>
${message ? html`<p class="flash${bad ? ' bad' : ''}">${message}</p>` : ''}
<form method="post" action="/login" class="stack card">
<input type="hidden" name="next" value="${next}">
<label>User <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Log in</button>
</form>`,
  ).value;
}

export function registerLogin(app: FastifyInstance, ctx: WebContext): void {
  app.get('/login', async (req, reply) => {
    const next = safeNext((req.query as Record<string, unknown>).next);
    if (!ctx.authRequired) return reply.redirect(next, 303);
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(loginForm(next));
  });

  app.post('/login', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    if (!ctx.authRequired) return reply.redirect(next, 303);
    const client = req.ip;
    const wait = ctx.limiter.retryAfter(client);
    if (wait > 0) {
      ctx.log.warn({ client }, 'login refused: too many failed attempts');
      return reply
        .code(429)
        .header('Retry-After', String(wait))
        .type('text/html; charset=utf-8')
        .send(loginForm(next, `Too many failed attempts. Try again in ${Math.ceil(wait / 60)} minute(s).`, true));
    }
    const user = typeof body.username === 'string' ? body.username : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
    // Both checks always run, so the time taken does not tell whether the user name was right.
    const userOk = sameSecret(user, ctx.username ?? '');
    const passOk = ctx.passwordHash !== null && (await verifyPassword(password, ctx.passwordHash));
    if (!userOk || !passOk) {
      ctx.limiter.fail(client);
      ctx.log.warn({ client }, 'failed web login');
      return reply.code(401).type('text/html; charset=utf-8').send(loginForm(next, 'Wrong user or password.', true));
    }
    ctx.limiter.succeed(client);
    const old = req.cookies[ctx.cookieName];
    if (old) ctx.sessions.destroy(old);
    const s = ctx.sessions.create(user);
    ctx.setSessionCookie(reply, s);
    ctx.log.info({ client, user }, 'web login');
    return reply.redirect(next, 303);
  });

  app.post('/logout', async (req, reply) => {
    if (req.webSession) ctx.sessions.destroy(req.webSession.id);
    reply.clearCookie(ctx.cookieName, { path: '/' });
    return reply.redirect(ctx.authRequired ? '/login' : '/', 303);
  });
}
