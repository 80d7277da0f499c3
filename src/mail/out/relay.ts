/**
 * Relaying one message to one mailbox over SMTP, with a typed outcome.
 *
 * The message is rendered (./render.ts) and handed to nodemailer as `raw` with an explicit
 * envelope, so nothing is added or regenerated on the way: every attempt for the same
 * (message, mailbox) sends the same bytes with the same Message-ID. The relay renders it as a
 * stream: bodies kept in files are read and base64-encoded while the message is sent, so a
 * large MMS is never whole in memory. nodemailer and the renderer (html-to-text, he) are
 * loaded with the first mail, not at start.
 *
 * Duplicates: SMTP has no two-phase commit. If the server takes the final "." and accepts
 * the message but the connection drops before its 250 reply arrives, this side sees a
 * network failure, reports `transient`, and the pipeline retries — the mailbox then receives
 * the message twice. Because both copies carry the same Message-ID, the receiving side (or
 * the mail client) can recognise and drop the second. That window is the only way a
 * duplicate arises; an `accepted` outcome is only reported after the 250 reply.
 */
import type { Transporter } from 'nodemailer';
import { errorMessage } from '../../util/errors.js';
import { logger, type Logger } from '../../util/log.js';
import { messageIdFor } from './addresses.js';
import type { RenderedMail, StreamedMail } from './render.js';
import { classifySmtpError, createSmtpTransport } from './smtp.js';
import type { RelayMessage, RelayOutcome, RenderConfig, SmtpConfig } from './types.js';

export interface MailRelayOptions {
  readonly smtp: SmtpConfig;
  readonly render: RenderConfig;
  readonly log?: Logger | undefined;
}

/** The envelope sender: configured, else the login when it is an address, else the From. */
export function envelopeSender(smtp: SmtpConfig, rendered: Pick<RenderedMail, 'from'>): string {
  if (smtp.envelopeFrom !== undefined) return smtp.envelopeFrom;
  const user = smtp.auth?.user;
  if (user !== undefined && /^[^@\s]+@[^@\s]+$/.test(user)) return user;
  return rendered.from.address;
}

export class MailRelay {
  #transport: Promise<Transporter> | undefined;
  #made: Transporter | undefined;
  #closed = false;
  readonly #smtp: SmtpConfig;
  readonly #render: RenderConfig;
  readonly #log: Logger;

  constructor(options: MailRelayOptions) {
    this.#smtp = options.smtp;
    this.#render = options.render;
    this.#log = options.log ?? logger('mail-out');
  }

  /** The nodemailer transport, made on first use (a failed load is retried next time). */
  #transporter(): Promise<Transporter> {
    this.#transport ??= createSmtpTransport(this.#smtp).then(
      (t) => {
        t.on('token', (token: { user?: string; expires?: number }) => {
          this.#log.info({ user: token.user, expires: token.expires }, 'OAuth2 access token renewed');
        });
        if (this.#closed) t.close();
        return (this.#made = t);
      },
      (e: unknown) => {
        this.#transport = undefined;
        throw e;
      },
    );
    return this.#transport;
  }

  /** Renders without sending: what `relay` would send to `mailbox`. */
  async render(msg: RelayMessage, mailbox: string): Promise<RenderedMail> {
    return (await import('./render.js')).renderMail(msg, mailbox, this.#render);
  }

  /** Sends `msg` to `mailbox`. Never throws: every failure is a `transient` or `permanent` outcome. */
  async relay(msg: RelayMessage, mailbox: string): Promise<RelayOutcome> {
    let rendered: StreamedMail;
    try {
      rendered = (await import('./render.js')).renderMailStream(msg, mailbox, this.#render);
    } catch (e) {
      const messageId = messageIdFor(msg, this.#render);
      this.#log.error({ id: msg.id, err: errorMessage(e) }, 'rendering failed');
      return { kind: 'permanent', messageId, code: 'MAIL_RENDER', message: errorMessage(e) };
    }
    return this.send(rendered, mailbox);
  }

  /** Sends already rendered bytes to `mailbox` (envelope recipient only; headers unchanged). */
  async send(rendered: RenderedMail | StreamedMail, mailbox: string): Promise<RelayOutcome> {
    const { messageId } = rendered;
    try {
      const info = (await (await this.#transporter()).sendMail({
        raw: rendered.raw,
        envelope: { from: envelopeSender(this.#smtp, rendered), to: [mailbox] },
      })) as { response?: unknown; rejected?: unknown };
      const rejected = Array.isArray(info.rejected) ? info.rejected.length : 0;
      const response = typeof info.response === 'string' ? info.response : '';
      if (rejected > 0) {
        // Only one recipient per relay, so a rejected recipient means nothing was delivered.
        return { kind: 'permanent', messageId, code: 'MAIL_REJECTED', response, message: `recipient ${mailbox} rejected` };
      }
      this.#log.info({ messageId, mailbox, response }, `relayed: ${rendered.summary} → ${mailbox}`);
      return { kind: 'accepted', messageId, response, mailbox };
    } catch (e) {
      const f = classifySmtpError(e);
      this.#log.warn({ messageId, mailbox, code: f.code, responseCode: f.responseCode, err: f.message }, `relay failed: ${rendered.summary} → ${mailbox}`);
      const outcome = { messageId, code: f.code, responseCode: f.responseCode, response: f.response, message: f.message };
      return f.permanent ? { kind: 'permanent', ...outcome } : { kind: 'transient', ...outcome };
    }
  }

  /** Connects, negotiates TLS and authenticates without sending anything. Throws on failure. */
  async verify(): Promise<void> {
    await (await this.#transporter()).verify();
  }

  /** Closes pooled connections. */
  close(): void {
    this.#closed = true;
    this.#made?.close();
  }
}
