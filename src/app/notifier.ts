import type { Transporter } from 'nodemailer';
import type { Config } from '../config/index.js';
import { transportOptions } from '../mail/out/smtp.js';
import type { ReplyMail } from '../mail/in/reply.js';
import type { Notifier } from '../pipeline/notify.js';
import { smtpFromConfig } from '../mail/out/from-config.js';

/** Automatic mails (refusals, delivery notices) through the same SMTP server as relays. */
export function createNotifier(config: Config): Notifier & { close(): void } {
  // nodemailer is loaded with the first notice: an idle box does not carry it.
  let transport: Promise<Transporter> | undefined;
  let made: Transporter | undefined;
  const open = (): Promise<Transporter> =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) => (made = nodemailer.createTransport(transportOptions(smtpFromConfig(config.mail.out))))));
  return {
    async send(mail: ReplyMail): Promise<void> {
      await (await open()).sendMail({
        envelope: { from: mail.envelope.from, to: mail.envelope.to },
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
        ...(mail.references ? { references: [...mail.references] } : {}),
        headers: { ...mail.headers },
      });
    },
    close: () => made?.close(),
  };
}
