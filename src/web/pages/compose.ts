import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { MmsgwError } from '../../util/errors.js';
import { formatAddress, formatBytes, intParam } from '../format.js';
import { html, multiline } from '../html.js';
import { csrfField, page } from '../layout.js';
import { baseType, INLINE_TYPES } from '../render.js';
import { MEDIA_CSP } from '../security.js';
import type { WebContext } from '../server.js';
import type { OutboundMedia, OutboundRequest, PreviewResult } from '../services.js';
import { contentDisposition } from './message.js';

/** A previewed message waiting for "Send": the request as uploaded and what composing made of it. */
interface Pending {
  readonly session: string;
  readonly request: OutboundRequest;
  readonly result: Extract<PreviewResult, { ok: true }>;
  readonly expires: number;
}

/** Previews are held in memory, few and briefly: uploads can be large and the box is small. */
const MAX_PENDING = 4;
const PENDING_MS = 15 * 60_000;

interface Form {
  to: string;
  subject: string;
  text: string;
}

function composeForm(ctx: WebContext, req: FastifyRequest, f: Form, error?: string): string {
  const s = req.webSession;
  const { box } = ctx.services;
  // The token rides in the query string: a multipart body is only read after the CSRF check.
  const body = html`<h1>New message</h1>
${error ? html`<p class="flash bad" role="alert">${error}</p>` : ''}
<form id="compose" class="stack card" method="post" action="/compose?_csrf=${encodeURIComponent(s?.csrf ?? '')}" enctype="multipart/form-data" data-limit="${box.mmsMaxBytes}" data-max-sms="${box.maxSmsParts}">
<input type="hidden" name="key" value="${randomBytes(12).toString('base64url')}">
<label>To <input name="to" value="${f.to}" required placeholder="+4915112345678, 0151 …" inputmode="tel" autocomplete="off"></label>
<label>Subject (MMS) <input name="subject" value="${f.subject}" maxlength="200"></label>
<label>Text <textarea name="text" rows="5">${f.text}</textarea></label>
<label>Pictures, audio, video <input type="file" name="media" multiple accept="image/*,audio/*,video/*,text/vcard,text/x-vcard"></label>
<div id="estimate" class="estimate" aria-live="polite">Size estimate needs the page script.</div>
<p class="muted">Pictures are scaled down to fit the carrier's limit of ${Math.floor(box.mmsMaxBytes / 1024)} KB; the sent version appears in the conversation.</p>
<p><button type="submit">Send</button> <button type="submit" class="secondary" formaction="/compose/preview?_csrf=${encodeURIComponent(s?.csrf ?? '')}">Preview</button></p>
</form>`;
  return page({ title: 'New message', section: 'compose', session: s, loginRequired: ctx.authRequired }, body).value;
}

export function registerCompose(app: FastifyInstance, ctx: WebContext): void {
  app.get('/compose', async (req, reply) => {
    const to = (req.query as Record<string, unknown>).to;
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(composeForm(ctx, req, { to: typeof to === 'string' ? to.slice(0, 500) : '', subject: '', text: '' }));
  });

  /** Reads the multipart compose form (the CSRF token was checked from the query string before). */
  async function readForm(req: FastifyRequest): Promise<{ f: Form; key: string | undefined; media: OutboundMedia[] }> {
    const f: Form = { to: '', subject: '', text: '' };
    let key: string | undefined;
    const media: OutboundMedia[] = [];
    if (!req.isMultipart()) throw new MmsgwError('WEB_BAD_FORM', 'the form must be sent as multipart/form-data');
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const content = await part.toBuffer();
        if (content.byteLength === 0 && !part.filename) continue; // the empty file input of a text-only message
        media.push({ contentType: part.mimetype, content, ...(part.filename ? { filename: part.filename } : {}) });
      } else {
        const v = typeof part.value === 'string' ? part.value : '';
        if (part.fieldname === 'to' || part.fieldname === 'subject' || part.fieldname === 'text') f[part.fieldname] = v;
        else if (part.fieldname === 'key') key = v;
      }
    }
    return { f, key, media };
  }

  function request(req: FastifyRequest, f: Form, key: string | undefined, media: OutboundMedia[]): OutboundRequest {
    return {
      to: f.to.split(/[,;\n]+/).map((x) => x.trim()).filter((x) => x !== ''),
      text: f.text,
      ...(f.subject.trim() !== '' ? { subject: f.subject.trim() } : {}),
      media,
      origin: `web:${req.webSession?.user ?? 'local'}`,
      ...(key && /^[A-Za-z0-9_-]{8,64}$/.test(key) ? { idempotencyKey: key } : {}),
    };
  }

  async function queue(req: FastifyRequest, reply: FastifyReply, out: OutboundRequest, f: Form): Promise<unknown> {
    const r = await ctx.services.send(out);
    if (!r.ok) return reply.code(400).type('text/html; charset=utf-8').send(composeForm(ctx, req, f, `${r.reason} (${r.field})`));
    ctx.log.info({ msgId: r.msgId, kind: r.kind, created: r.created, user: req.webSession?.user }, 'message queued from the web interface');
    ctx.events.threads.catchUp();
    const thread = ctx.events.threads.threadOf(r.msgId);
    return reply.redirect(thread !== undefined ? `/c/${thread}` : `/m/${r.msgId}`, 303);
  }

  app.post('/compose', async (req, reply) => {
    const { f, key, media } = await readForm(req);
    return queue(req, reply, request(req, f, key, media), f);
  });

  const pending = new Map<string, Pending>();
  const live = (id: string, req: FastifyRequest): Pending => {
    const now = ctx.now();
    for (const [k, p] of pending) if (p.expires <= now) pending.delete(k);
    const p = pending.get(id);
    if (!p || p.session !== req.webSession?.id) throw new MmsgwError('WEB_NOT_FOUND', 'this preview has expired; compose the message again');
    return p;
  };

  app.post('/compose/preview', async (req, reply) => {
    const { f, key, media } = await readForm(req);
    if (!ctx.services.preview) return reply.code(400).type('text/html; charset=utf-8').send(composeForm(ctx, req, f, 'Preview is not available on this box; send the message directly.'));
    const out = request(req, f, key, media);
    const r = await ctx.services.preview(out);
    if (!r.ok) return reply.code(400).type('text/html; charset=utf-8').send(composeForm(ctx, req, f, `${r.reason} (${r.field})`));
    const id = randomBytes(12).toString('base64url');
    while (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value as string);
    pending.set(id, { session: req.webSession?.id ?? '', request: out, result: r, expires: ctx.now() + PENDING_MS });
    const { box } = ctx.services;
    const body = html`<h1>Preview</h1>
<div class="card">
<p><strong>${r.kind.toUpperCase()}</strong> to ${r.to.map((n) => formatAddress(n, box.region)).join(', ')} —
${r.kind === 'sms' ? `${r.segments ?? 1} SMS part(s)` : `about ${formatBytes(r.estimatedSize ?? 0)} of ${formatBytes(box.mmsMaxBytes)}`}</p>
<div class="bubble out">
${r.parts.map((p, n) => (INLINE_TYPES.has(baseType(p.contentType)) && p.contentType.startsWith('image/')
    ? html`<div class="slide"><img src="/compose/preview/${id}/${n + 1}" alt="${p.name}"><div class="muted">${p.name}, ${formatBytes(p.body.byteLength)} as sent</div></div>`
    : html`<div class="attachment">📎 ${p.name} (${p.contentType}, ${formatBytes(p.body.byteLength)})</div>`))}
<div class="text">${multiline(r.text)}</div>
</div>
<form method="post" action="/compose/preview/${id}/send" class="inline">${csrfField(req.webSession)}<button type="submit">Send</button></form>
<a href="/compose?to=${encodeURIComponent(f.to)}">Start over</a>
</div>`;
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(page({ title: 'Preview', section: 'compose', session: req.webSession, loginRequired: ctx.authRequired }, body).value);
  });

  app.get('/compose/preview/:id/:n', async (req, reply) => {
    const { id, n } = req.params as { id: string; n: string };
    const part = live(id, req).result.parts[(intParam(n) ?? 0) - 1];
    if (!part) throw new MmsgwError('WEB_NOT_FOUND', 'no such part');
    const type = baseType(part.contentType);
    const inline = INLINE_TYPES.has(type);
    return reply
      .header('Content-Type', inline ? type : 'application/octet-stream')
      .header('Content-Disposition', contentDisposition(inline ? 'inline' : 'attachment', part.name))
      .header('Content-Security-Policy', MEDIA_CSP)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Cache-Control', 'no-store')
      .send(Buffer.from(part.body));
  });

  app.post('/compose/preview/:id/send', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const p = live(id, req);
    pending.delete(id);
    const r = p.request;
    return queue(req, reply, r, { to: r.to.join(', '), subject: r.subject ?? '', text: r.text });
  });
}
