import type { FastifyInstance, FastifyReply } from 'fastify';
import type { JobRow, MessageRow, Store } from '../../store/index.js';
import { reprocessMessage } from '../../ops/reprocess.js';
import { retryJob } from '../../ops/jobs.js';
import { MmsgwError } from '../../util/errors.js';
import { formatAddress, formatBytes, formatTime, intParam } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField, page } from '../layout.js';
import { baseType, INLINE_TYPES, renderContent } from '../render.js';
import { MEDIA_CSP } from '../security.js';
import type { WebContext } from '../server.js';

/** Jobs of a message, by the pipeline's key scheme (src/pipeline/context.ts JOB): exact keys and `<prefix>:<id>:…` ranges on the unique key index. */
export function jobsOf(store: Store, msgId: number): JobRow[] {
  const exact = [`mms-retrieve:${msgId}`, `relay:${msgId}`, `send-sms:${msgId}`, `send-mms:${msgId}`, `notify-failed:${msgId}`, `notify-expired:${msgId}`];
  const ids = new Set<number>();
  for (const key of exact) {
    const id = store.db.prepare('SELECT id FROM jobs WHERE key = ?').pluck().get(key) as number | undefined;
    if (id !== undefined) ids.add(id);
  }
  for (const prefix of ['relay', 'notify']) {
    const lo = `${prefix}:${msgId}:`;
    const hi = `${prefix}:${msgId};`;
    for (const id of store.db.prepare('SELECT id FROM jobs WHERE key >= ? AND key < ?').pluck().all(lo, hi) as number[]) ids.add(id);
  }
  return [...ids].map((id) => store.jobs.get(id)).filter((j): j is JobRow => j !== undefined).sort((a, b) => a.createdAt - b.createdAt);
}

interface TimelineEntry {
  readonly at: number;
  readonly what: SafeHtml;
}

function detail(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 300 ? `${s.slice(0, 299)}…` : s;
}

/** Received on the modem, stored, fetched, acknowledged, relayed, reports — from the store's history. */
function timeline(store: Store, m: MessageRow, jobs: readonly JobRow[]): TimelineEntry[] {
  const out: TimelineEntry[] = [{ at: m.createdAt, what: html`stored (${m.direction === 'in' ? 'received' : 'queued to send'})` }];
  for (const r of store.content.rawPdusOf(m.id)) out.push({ at: r.receivedAt, what: html`raw ${r.kind} kept (${r.size} B${r.source ? `, from ${r.source}` : ''})` });
  for (const e of store.events.ofMessage(m.id)) out.push({ at: e.at, what: html`${e.kind} <span class="muted">${detail(e.detail)}</span>` });
  for (const r of store.relays.ofMessage(m.id)) {
    out.push({ at: r.createdAt, what: html`mail to ${r.mailbox}: relay created` });
    if (r.updatedAt !== r.createdAt) out.push({ at: r.updatedAt, what: html`mail to ${r.mailbox}: ${r.state}${r.lastError ? html` <span class="bad">${r.lastError}</span>` : ''}${r.smtpResponse ? html` <span class="muted">${r.smtpResponse}</span>` : ''}` });
  }
  for (const r of store.reports.ofMessage(m.id)) out.push({ at: r.at, what: html`${r.kind} report${r.recipient ? ` from ${r.recipient}` : ''}: <strong>${r.status}</strong>` });
  for (const j of jobs) out.push({ at: j.updatedAt, what: html`job ${j.key}: ${j.state}, ${j.attempts} attempt(s)${j.lastError ? html` <span class="bad">${j.lastError}</span>` : ''}` });
  return out.sort((a, b) => a.at - b.at);
}

/** `Content-Disposition` (RFC 6266) with an ASCII fallback and the RFC 5987 UTF-8 form; nothing from the name can end the header. */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\;]/g, '_').slice(0, 150) || 'part.bin';
  const utf8 = encodeURIComponent(filename.slice(0, 150)).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

export function registerMessage(app: FastifyInstance, ctx: WebContext): void {
  const { store } = ctx.services;

  app.get('/m/:id', async (req, reply) => {
    const id = intParam((req.params as { id: string }).id);
    const m = id === undefined ? undefined : store.messages.get(id);
    if (!m) throw new MmsgwError('WEB_NOT_FOUND', 'no such message');
    const { box } = ctx.services;
    const addrs = store.messages.addresses(m.id);
    const parts = store.content.parts(m.id);
    const jobs = jobsOf(store, m.id);
    const thread = ctx.events.threads.threadOf(m.id);
    const who = (role: string): string => addrs.filter((a) => a.role === role).map((a) => formatAddress(a.normalized, box.region)).join(', ') || '—';
    const body = html`<h1>${m.direction === 'in' ? 'Received' : 'Sent'} ${m.kind.toUpperCase()} #${m.id} <span class="live" id="live-status"></span></h1>
${thread !== undefined ? html`<p><a href="/c/${thread}">← Conversation</a></p>` : ''}
<div class="card"><dl class="facts">
<dt>From</dt><dd>${who('from')}</dd><dt>To</dt><dd>${who('to')}</dd>
${addrs.some((a) => a.role === 'cc') ? html`<dt>Cc</dt><dd>${who('cc')}</dd>` : ''}
<dt>Time</dt><dd>${formatTime(m.date ?? m.createdAt, box.timeZone)}</dd>
<dt>Subject</dt><dd>${m.subject ?? '—'}</dd>
<dt>State</dt><dd>${m.state}${m.incomplete ? ' (incomplete)' : ''}</dd>
<dt>Size</dt><dd>${formatBytes(m.size)}</dd>
<dt>Message-ID</dt><dd>${m.messageId ?? '—'}</dd>
</dl></div>
<div class="card bubble ${m.direction}">${await renderContent(store, parts)}</div>
<h2>Parts</h2>
<div class="scroll"><table><thead><tr><th>#</th><th>type</th><th>name</th><th>size</th></tr></thead><tbody>
${parts.map((p) => html`<tr><td>${p.seq}</td><td>${p.contentType}</td><td><a href="/media/${p.id}/download" download>${p.filename}</a></td><td>${formatBytes(p.size)}</td></tr>`)}
</tbody></table></div>
<h2>Timeline</h2>
<div class="scroll"><table><tbody>${timeline(store, m, jobs).map((e) => html`<tr><td class="muted">${formatTime(e.at, box.timeZone)}</td><td>${e.what}</td></tr>`)}</tbody></table></div>
<h2>Actions</h2>
${m.direction === 'in' ? html`<form method="post" action="/m/${m.id}/reprocess" class="inline">${csrfField(req.webSession)}<label><input type="checkbox" name="relay" value="1"> and relay again</label> <button type="submit" class="secondary">Re-decode from the raw PDU</button></form>` : ''}
${jobs.filter((j) => j.state === 'dead').map((j) => html`<form method="post" action="/queue/${j.id}/retry" class="inline">${csrfField(req.webSession)}<button type="submit" class="secondary">Retry ${j.key}</button></form>`)}`;
    return reply
      .type('text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .send(page({ title: `Message ${m.id}`, section: 'conversations', session: req.webSession, loginRequired: ctx.authRequired, live: `message:${m.id}` }, body).value);
  });

  app.post('/m/:id/reprocess', async (req, reply) => {
    const id = intParam((req.params as { id: string }).id);
    if (id === undefined) throw new MmsgwError('WEB_NOT_FOUND', 'no such message');
    const relay = (req.body as Record<string, unknown> | undefined)?.relay === '1';
    await reprocessMessage(store, id, { relay, now: ctx.now() });
    ctx.log.info({ msgId: id, relay, user: req.webSession?.user }, 'message reprocessed from the web interface');
    return reply.redirect(`/m/${id}`, 303);
  });

  app.post('/queue/:id/retry', async (req, reply) => {
    const id = intParam((req.params as { id: string }).id);
    if (id === undefined) throw new MmsgwError('OPS_NOT_FOUND', 'no such job');
    retryJob(store, id, ctx.now());
    ctx.log.info({ jobId: id, user: req.webSession?.user }, 'job retried from the web interface');
    return reply.redirect('/queue?state=dead', 303);
  });

  /** A part's bytes: inline only for types a browser cannot run, with a sandbox CSP; all else as a download. */
  const sendPart = async (req: { params: unknown }, reply: FastifyReply, download: boolean): Promise<unknown> => {
    const id = intParam((req.params as { id: string }).id);
    const part = id === undefined ? undefined : store.content.part(id);
    if (!part) throw new MmsgwError('WEB_NOT_FOUND', 'no such part');
    const type = baseType(part.contentType);
    const inline = !download && INLINE_TYPES.has(type);
    const body = await store.content.partBody(part);
    return reply
      .header('Content-Type', inline ? type : 'application/octet-stream')
      .header('Content-Disposition', contentDisposition(inline ? 'inline' : 'attachment', part.filename))
      .header('Content-Security-Policy', MEDIA_CSP)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Cache-Control', 'private, max-age=3600')
      .send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  };
  app.get('/media/:id', async (req, reply) => sendPart(req, reply, false));
  app.get('/media/:id/download', async (req, reply) => sendPart(req, reply, true));
}
