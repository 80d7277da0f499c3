import type { FastifyInstance } from 'fastify';
import type { MessageRow } from '../../store/index.js';
import { MmsgwError } from '../../util/errors.js';
import { formatAddress, formatTime, intParam } from '../format.js';
import { html, query, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import { renderContent } from '../render.js';
import type { WebContext } from '../server.js';
import { threadTitle } from './conversations.js';

const PAGE_SIZE = 30;

const STATE_LABEL: Readonly<Record<string, string>> = {
  notified: 'announced', retrieving: 'fetching', retrieved: 'received', relayed: 'received, mailed',
  queued: 'queued', submitting: 'sending', sent: 'sent', delivered: 'delivered', read: 'read',
  failed: 'failed', expired: 'expired', rejected: 'rejected', deferred: 'deferred', received: 'received',
};

/** One message as a chat bubble (also served alone for the live update). */
export async function bubble(ctx: WebContext, m: MessageRow, group: boolean): Promise<SafeHtml> {
  const { store, box } = ctx.services;
  const content = await renderContent(store, store.content.parts(m.id));
  const bad = m.state === 'failed' || m.state === 'expired' || m.state === 'rejected';
  return html`<li class="bubble ${m.direction}" id="msg-${m.id}" data-state="${m.state}">
${m.subject ? html`<div class="subject">${m.subject}</div>` : ''}
${content}
<div class="meta">${group && m.direction === 'in' && m.from ? html`${formatAddress(m.from, box.region)} · ` : ''}${formatTime(m.date ?? m.createdAt, box.timeZone, true)} · ${m.kind.toUpperCase()} · <span class="${bad ? 'bad' : ''}">${STATE_LABEL[m.state] ?? m.state}</span>${m.incomplete ? ' · incomplete' : ''} · <a href="/m/${m.id}">details</a></div>
</li>`;
}

export function registerThread(app: FastifyInstance, ctx: WebContext): void {
  app.get('/c/:id', async (req, reply) => {
    const id = intParam((req.params as { id: string }).id);
    const thread = id === undefined ? undefined : ctx.events.threads.get(id);
    if (!thread) throw new MmsgwError('WEB_NOT_FOUND', 'no such conversation');
    const before = intParam((req.query as Record<string, unknown>).before);
    const ids = ctx.events.threads.messageIds(thread.id, { limit: PAGE_SIZE, ...(before !== undefined ? { before } : {}) });
    if (thread.unread > 0 && before === undefined) ctx.events.threads.markRead(thread.id);
    const group = thread.participants.length > 1;
    const bubbles: SafeHtml[] = [];
    for (const msgId of ids) {
      const m = ctx.services.store.messages.get(msgId);
      if (m) bubbles.push(await bubble(ctx, m, group));
    }
    const older = ids.length === PAGE_SIZE ? ids[ids.length - 1] : undefined;
    const reply1 = thread.participants.filter((p) => /^\+\d+$/.test(p)).join(', ');
    const body = html`<h1>${threadTitle(ctx, thread)} <span class="live" id="live-status"></span></h1>
<p><a class="button" href="/compose${query({ to: reply1 })}">Write</a></p>
<ol class="messages" id="messages">${bubbles}</ol>
<p class="pager">${before !== undefined ? html`<a href="/c/${thread.id}">Newest</a> ` : ''}${older !== undefined ? html`<a href="/c/${thread.id}${query({ before: older })}">Older messages</a>` : ''}</p>`;
    return reply
      .type('text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .send(page({ title: threadTitle(ctx, thread), section: 'conversations', session: req.webSession, loginRequired: ctx.authRequired, ...(before === undefined ? { live: `thread:${thread.id}` } : {}) }, body).value);
  });

  app.get('/m/:id/bubble', async (req, reply) => {
    const id = intParam((req.params as { id: string }).id);
    const m = id === undefined ? undefined : ctx.services.store.messages.get(id);
    if (!m) throw new MmsgwError('WEB_NOT_FOUND', 'no such message');
    const threadId = ctx.events.threads.threadOf(m.id);
    const group = (threadId !== undefined ? ctx.events.threads.get(threadId)?.participants.length ?? 1 : 1) > 1;
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send((await bubble(ctx, m, group)).value);
  });
}
