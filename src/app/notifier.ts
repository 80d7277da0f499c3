import nodemailer from 'nodemailer';
import type { Config } from '../config/index.js';
import { transportOptions } from '../mail/out/index.js';
import type { ReplyMail } from '../mail/in/reply.js';
import type { Notifier } from '../pipeline/notify.js';
import { smtpFromConfig } from '../mail/out/from-config.js';

/** Automatic mails (refusals, delivery notices) through the same SMTP server as relays. */
export function createNotifier(config: Config): Notifier & { close(): void } {
  const transport = nodemailer.createTransport(transportOptions(smtpFromConfig(config.mail.out)));
  return {
    async send(mail: ReplyMail): Promise<void> {
      await transport.sendMail({
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
    close: () => transport.close(),
  };
}
