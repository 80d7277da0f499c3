import type { FastifyInstance } from 'fastify';
import { isJobState, listJobs, retryAllDead } from '../../ops/jobs.js';
import { deleteQuarantine, exportName, listQuarantine, quarantineEntry } from '../../ops/quarantine.js';
import { MmsgwError } from '../../util/errors.js';
import { formatBytes, formatTime, intParam } from '../format.js';
import { html } from '../html.js';
import { csrfField, page } from '../layout.js';
import { MEDIA_CSP } from '../security.js';
import type { WebContext } from '../server.js';
import { contentDisposition } from './message.js';

/** Jobs and quarantine: the same operations as `mmsgw jobs`, `retry` and `quarantine`, over the same src/ops code. */
export function registerQueue(app: FastifyInstance, ctx: WebContext): void {
  const { store } = ctx.services;

  app.get('/queue', async (req, reply) => {
    const s = (req.query as Record<string, unknown>).state;
    const state = typeof s === 'string' && isJobState(s) ? s : undefined;
    const jobs = listJobs(store.db, state, 100);
    const counts = store.jobs.counts();
    const tz = ctx.services.box.timeZone;
    const msgOf = (payload: unknown): number | undefined => {
      const v = (payload as { msgId?: unknown } | null)?.msgId;
      return typeof v === 'number' ? v : undefined;
    };
    const body = html`<h1>Queue</h1>
<p>${(['queued', 'running', 'dead', 'done'] as const).map((st) => html`<a href="/queue?state=${st}"${state === st ? html` aria-current="page"` : ''}>${st} ${counts[st]}</a> · `)}<a href="/queue">all</a></p>
${counts.dead > 0 ? html`<form method="post" action="/queue/retry-dead">${csrfField(req.webSession)}<button type="submit">Retry every dead job (${counts.dead})</button></form>` : ''}
<div class="scroll"><table><thead><tr><th>id</th><th>kind</th><th>key</th><th>state</th><th>tries</th><th>run at</th><th>last error</th><th></th></tr></thead><tbody>
${jobs.map((j) => {
  const msg = msgOf(j.payload);
  return html`<tr><td>${j.id}</td><td>${j.kind}</td><td>${msg !== undefined ? html`<a href="/m/${msg}">${j.key}</a>` : j.key}</td><td class="${j.state === 'dead' ? 'bad' : ''}">${j.state}</td><td>${j.attempts}</td><td>${formatTime(j.runAt, tz, true)}</td><td>${j.lastError ?? ''}</td>
<td>${j.state === 'dead' ? html`<form method="post" action="/queue/${j.id}/retry">${csrfField(req.webSession)}<button type="submit" class="secondary">Retry</button></form>` : ''}</td></tr>`;
})}
</tbody></table></div>`;
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(page({ title: 'Queue', section: 'queue', session: req.webSession, loginRequired: ctx.authRequired }, body).value);
  });

  app.post('/queue/retry-dead', async (req, reply) => {
    const r = retryAllDead(store, ctx.now());
    ctx.log.info({ jobs: r.retried.length, user: req.webSession?.user }, 'dead jobs retried from the web interface');
    return reply.redirect('/queue?state=queued', 303);
  });

  app.get('/quarantine', async (req, reply) => {
    const list = listQuarantine(store.db, 200);
    const tz = ctx.services.box.timeZone;
    const q0 = req.query as Record<string, unknown>;
    const done = typeof q0.done === 'string' ? q0.done.slice(0, 300) : undefined;
    const failed = typeof q0.failed === 'string' ? q0.failed.slice(0, 300) : undefined;
    const body = html`<h1>Quarantine</h1>
${done ? html`<p class="flash">${done}</p>` : ''}${failed ? html`<p class="flash bad">${failed}</p>` : ''}
<p class="muted">Inputs the gateway could not decode or accept, kept with their bytes. Download one to inspect it with <code>mmsgw decode</code>.</p>
${list.length === 0 ? html`<p>The quarantine is empty.</p>` : html`<div class="scroll"><table><thead><tr><th>id</th><th>time</th><th>source</th><th>error</th><th>message</th><th>size</th><th></th></tr></thead><tbody>
${list.map((q) => html`<tr><td>${q.id}</td><td>${formatTime(q.createdAt, tz, true)}</td><td>${q.source}</td><td>${q.errorCode}${q.errorField ? html`<br><span class="muted">${q.errorField}${q.errorOffset !== null ? ` @${q.errorOffset}` : ''}</span>` : ''}</td><td>${q.message}</td><td>${formatBytes(q.size)}</td>
<td><a href="/quarantine/${q.id}/raw" download>raw bytes</a>
${q.source === 'sms' && ctx.services.releaseQuarantined ? html`<form method="post" action="/quarantine/${q.id}/release">${csrfField(req.webSession)}<button type="submit" class="secondary">Decode again</button></form>` : ''}
<form method="post" action="/quarantine/${q.id}/delete">${csrfField(req.webSession)}<button type="submit" class="secondary">Delete</button></form></td></tr>`)}
</tbody></table></div>`}`;
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(page({ title: 'Quarantine', section: 'quarantine', session: req.webSession, loginRequired: ctx.authRequired }, body).value);
  });

  app.get('/quarantine/:id/raw', async (req, reply) => {
    const id = intParam((req.params as { id: string }).id);
    if (id === undefined) throw new MmsgwError('OPS_NOT_FOUND', 'no such quarantine entry');
    const q = quarantineEntry(store.db, id);
    return reply
      .header('Content-Type', 'application/octet-stream')
      .header('Content-Disposition', contentDisposition('attachment', exportName(q)))
      .header('Content-Security-Policy', MEDIA_CSP)
      .header('X-Content-Type-Options', 'nosniff')
      .send(Buffer.from(q.bytes));
  });

  app.post('/quarantine/:id/release', async (req, reply) => {
    const id = intParam((req.params as { id: string }).id);
    if (id === undefined || !ctx.services.releaseQuarantined) throw new MmsgwError('OPS_NOT_FOUND', 'no such quarantine entry');
    const r = await ctx.services.releaseQuarantined(id);
    ctx.log.info({ quarantineId: id, ok: r.ok, detail: r.detail, user: req.webSession?.user }, 'quarantine release from the web interface');
    return reply.redirect(`/quarantine?${new URLSearchParams({ [r.ok ? 'done' : 'failed']: `#${id}: ${r.detail}` }).toString()}`, 303);
  });

  app.post('/quarantine/:id/delete', async (req, reply) => {
    const id = intParam((req.params as { id: string }).id);
    if (id === undefined || !deleteQuarantine(store.db, id)) throw new MmsgwError('OPS_NOT_FOUND', 'no such quarantine entry');
    ctx.log.info({ quarantineId: id, user: req.webSession?.user }, 'quarantine entry deleted from the web interface');
    return reply.redirect('/quarantine', 303);
  });
}
