/**
 * Glue between the IMAP intake and the checks: each fetched mail becomes an outcome and is
 * handed to the pipeline's handler. The handler's rejection propagates, so the intake leaves
 * the mail unprocessed and retries it.
 */
import { processInbound } from './accept.js';
import type { MailSink } from './imap.js';
import type { InboundHandler, MailInOptions } from './types.js';

export function imapSink(mailIn: MailInOptions, handler: InboundHandler): MailSink {
  return async (mail) => {
    const outcome = await processInbound(mail.raw, { transport: 'imap', id: mail.id, receivedAt: mail.internalDate ?? new Date() }, {}, mailIn, mail.size);
    await handler(outcome);
  };
}
