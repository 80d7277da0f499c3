import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { html } from '../html.js';
import { page } from '../layout.js';
import type { WebContext } from '../server.js';
import type { OutboundMedia } from '../services.js';

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
<button type="submit">Send</button>
</form>`;
  return page({ title: 'New message', section: 'compose', session: s, loginRequired: ctx.authRequired }, body).value;
}

export function registerCompose(app: FastifyInstance, ctx: WebContext): void {
  app.get('/compose', async (req, reply) => {
    const to = (req.query as Record<string, unknown>).to;
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(composeForm(ctx, req, { to: typeof to === 'string' ? to.slice(0, 500) : '', subject: '', text: '' }));
  });

  app.post('/compose', async (req, reply) => {
    const f: Form = { to: '', subject: '', text: '' };
    let key: string | undefined;
    const media: OutboundMedia[] = [];
    if (!req.isMultipart()) return reply.code(415).type('text/plain').send('multipart/form-data expected');
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
    const to = f.to.split(/[,;\n]+/).map((x) => x.trim()).filter((x) => x !== '');
    const r = await ctx.services.send({
      to,
      text: f.text,
      ...(f.subject.trim() !== '' ? { subject: f.subject.trim() } : {}),
      media,
      origin: `web:${req.webSession?.user ?? 'local'}`,
      ...(key && /^[A-Za-z0-9_-]{8,64}$/.test(key) ? { idempotencyKey: key } : {}),
    });
    if (!r.ok) return reply.code(400).type('text/html; charset=utf-8').send(composeForm(ctx, req, f, `${r.reason} (${r.field})`));
    ctx.log.info({ msgId: r.msgId, kind: r.kind, created: r.created, user: req.webSession?.user }, 'message queued from the web interface');
    ctx.events.threads.catchUp();
    const thread = ctx.events.threads.threadOf(r.msgId);
    return reply.redirect(thread !== undefined ? `/c/${thread}` : `/m/${r.msgId}`, 303);
  });
}
