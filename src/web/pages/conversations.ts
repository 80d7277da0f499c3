import type { FastifyInstance } from 'fastify';
import type { ThreadRow } from '../../store/index.js';
import { formatAddress, formatTime, intParam } from '../format.js';
import { html, query, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import { snippetOf } from '../render.js';
import type { WebContext } from '../server.js';

const PAGE_SIZE = 30;

export function threadTitle(ctx: WebContext, t: ThreadRow): string {
  if (t.participants.length === 0 || t.key === '(unknown)') return 'Unknown sender';
  return t.participants.map((p) => formatAddress(p, ctx.services.box.region)).join(', ');
}

function threadItems(ctx: WebContext, threads: readonly ThreadRow[]): SafeHtml {
  const { store, box } = ctx.services;
  if (threads.length === 0) return html`<li class="muted">No conversations.</li>`;
  return html`${threads.map((t) => {
    const last = store.messages.get(t.lastMsgId);
    const snippet = last ? (snippetOf(store, last.id) || last.subject || (last.kind === 'mms' ? 'MMS' : 'SMS')) : '';
    return html`<li${t.unread > 0 ? html` class="unread"` : ''}><a href="/c/${t.id}">
<span class="who">${threadTitle(ctx, t)}</span><span class="muted">${formatTime(t.lastAt, box.timeZone, true)}</span>
<span class="snippet">${last?.direction === 'out' ? 'You: ' : ''}${snippet}${t.unread > 0 ? html` <strong>(${t.unread} new)</strong>` : ''}</span></a></li>`;
  })}`;
}

export function registerConversations(app: FastifyInstance, ctx: WebContext): void {
  app.get('/', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const search = typeof q.q === 'string' ? q.q.slice(0, 100) : '';
    const before = intParam(q.before);
    ctx.events.threads.catchUp();
    const threads = search ? ctx.events.threads.search(search, 50) : ctx.events.threads.list({ limit: PAGE_SIZE, ...(before !== undefined ? { before } : {}) });
    const older = !search && threads.length === PAGE_SIZE ? threads[threads.length - 1]?.lastMsgId : undefined;
    const body = html`<h1>Messages <span class="live" id="live-status"></span></h1>
<form class="search" method="get" action="/" role="search"><input name="q" type="search" value="${search}" placeholder="Search number or text" aria-label="Search"><button type="submit">Search</button></form>
<ul class="threads" id="threads">${threadItems(ctx, threads)}</ul>
<p class="pager">${before !== undefined || search ? html`<a href="/">Newest</a> ` : ''}${older !== undefined ? html`<a href="/${query({ before: older })}">Older conversations</a>` : ''}</p>`;
    return reply
      .type('text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .send(page({ title: 'Messages', section: 'conversations', session: req.webSession, loginRequired: ctx.authRequired, ...(!search && before === undefined ? { live: 'threads' } : {}) }, body).value);
  });

  /** The first page of the list, for the live update of / (assets.ts). */
  app.get('/threads-fragment', async (_req, reply) => {
    ctx.events.threads.catchUp();
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(threadItems(ctx, ctx.events.threads.list({ limit: PAGE_SIZE })).value);
  });
}
