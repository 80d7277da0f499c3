import type { FastifyInstance } from 'fastify';
import { html } from '../html.js';
import { page } from '../layout.js';
import type { WebContext } from '../server.js';

/** The running configuration (secrets already redacted by the gateway) and the self-check results. */
export function registerSettings(app: FastifyInstance, ctx: WebContext): void {
  app.get('/settings', async (req, reply) => {
    const checks = ctx.services.selfChecks?.() ?? [];
    const body = html`<h1>Settings</h1>
<h2>Self-checks</h2>
${checks.length === 0 ? html`<p class="muted">No self-check results.</p>` : html`<ul>${checks.map((c) => html`<li class="${c.ok ? 'ok' : 'bad'}">${c.ok ? '✔' : '✘'} ${c.name}: ${c.detail}</li>`)}</ul>`}
<h2>Running configuration</h2>
<p class="muted">Secrets are shown as (redacted). Change the file and restart the service to apply changes.</p>
<pre>${JSON.stringify(ctx.services.settings(), null, 2)}</pre>`;
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(page({ title: 'Settings', section: 'settings', session: req.webSession, loginRequired: ctx.authRequired }, body).value);
  });
}
