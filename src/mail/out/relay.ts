/**
 * Relaying one message to one mailbox over SMTP, with a typed outcome.
 *
 * The message is rendered to bytes first and handed to nodemailer as `raw` with an explicit
 * envelope, so nothing is added or regenerated on the way: every attempt for the same
 * (message, mailbox) sends the same bytes with the same Message-ID.
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
import { renderMail, type RenderedMail } from './render.js';
import { classifySmtpError, createSmtpTransport } from './smtp.js';
import type { RelayMessage, RelayOutcome, RenderConfig, SmtpConfig } from './types.js';

export interface MailRelayOptions {
  readonly smtp: SmtpConfig;
  readonly render: RenderConfig;
  readonly log?: Logger | undefined;
}

/** The envelope sender: configured, else the login when it is an address, else the From. */
export function envelopeSender(smtp: SmtpConfig, rendered: RenderedMail): string {
  if (smtp.envelopeFrom !== undefined) return smtp.envelopeFrom;
  const user = smtp.auth?.user;
  if (user !== undefined && /^[^@\s]+@[^@\s]+$/.test(user)) return user;
  return rendered.from.address;
}

export class MailRelay {
  readonly #transport: Transporter;
  readonly #smtp: SmtpConfig;
  readonly #render: RenderConfig;
  readonly #log: Logger;

  constructor(options: MailRelayOptions) {
    this.#smtp = options.smtp;
    this.#render = options.render;
    this.#log = options.log ?? logger('mail-out');
    this.#transport = createSmtpTransport(options.smtp);
    this.#transport.on('token', (token: { user?: string; expires?: number }) => {
      this.#log.info({ user: token.user, expires: token.expires }, 'OAuth2 access token renewed');
    });
  }

  /** Renders without sending: what `relay` would send to `mailbox`. */
  render(msg: RelayMessage, mailbox: string): Promise<RenderedMail> {
    return renderMail(msg, mailbox, this.#render);
  }

  /** Sends `msg` to `mailbox`. Never throws: every failure is a `transient` or `permanent` outcome. */
  async relay(msg: RelayMessage, mailbox: string): Promise<RelayOutcome> {
    let rendered: RenderedMail;
    try {
      rendered = await this.render(msg, mailbox);
    } catch (e) {
      const messageId = messageIdFor(msg, this.#render);
      this.#log.error({ id: msg.id, err: errorMessage(e) }, 'rendering failed');
      return { kind: 'permanent', messageId, code: 'MAIL_RENDER', message: errorMessage(e) };
    }
    return this.send(rendered, mailbox);
  }

  /** Sends already rendered bytes to `mailbox` (envelope recipient only; headers unchanged). */
  async send(rendered: RenderedMail, mailbox: string): Promise<RelayOutcome> {
    const { messageId } = rendered;
    try {
      const info = (await this.#transport.sendMail({
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
    await this.#transport.verify();
  }

  /** Closes pooled connections. */
  close(): void {
    this.#transport.close();
  }
}
