import type { Config } from '../config/index.js';
import { messageIdFor } from '../mail/out/addresses.js';
import { MailRelay } from '../mail/out/relay.js';
import { mailOutFromConfig } from '../mail/out/from-config.js';
import type { Mailer } from '../pipeline/relay.js';

/** The relay step's mailer, backed by nodemailer through src/mail/out. */
export function createMailer(config: Config): Mailer & { relayer: MailRelay; close(): void } {
  const { smtp, render, routing } = mailOutFromConfig(config);
  const relayer = new MailRelay({ smtp, render });
  return {
    relayer,
    routing,
    relay: (msg, mailbox) => relayer.relay(msg, mailbox),
    messageIdFor: (msg) => messageIdFor(msg, render),
    close: () => relayer.close(),
  };
}
