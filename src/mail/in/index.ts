/**
 * Mail in: IMAP intake and SMTP listener, both ending in `processInbound` (size, structure,
 * loop rules, addressing, authorisation, limits, composition) and a durable hand-off to the
 * pipeline's handler. See docs/MAIL-IN.md.
 */
export type * from './types.js';
export { DEFAULT_MAX_MAIL_BYTES } from './types.js';
export { processInbound } from './accept.js';
export { classifyAddress, resolveRecipients, replyToAddress } from './addressing.js';
export type { AddressClass, AddressingOptions } from './addressing.js';
export { normalizeNumber, sameNumber } from './numbers.js';
export type { NumberingOptions, NumberResult } from './numbers.js';
export { authorise } from './authorise.js';
export type { AllowedSender, AuthorisationOptions, SenderEvidence } from './authorise.js';
export { parseAuthenticationResults, trustedAuthResults } from './auth-results.js';
export type { AuthResult, AuthResults } from './auth-results.js';
export { buildReply, noReplyReason } from './reply.js';
export type { ReplyMail } from './reply.js';
export { FileSeenStore } from './seen-store.js';
export type { MailboxState, SeenStore } from './seen-store.js';
export { ImapIntake, PROCESSED_KEYWORD } from './imap.js';
export type { FetchedMail, ImapIntakeOptions, MailSink } from './imap.js';
export { imapSink } from './intake.js';
export { SmtpListener } from './smtp.js';
export type { SmtpListenerOptions, SmtpUser } from './smtp.js';
