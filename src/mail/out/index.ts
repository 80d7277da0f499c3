/**
 * Outbound mail: routing messages to mailboxes, rendering them as email, relaying over SMTP.
 * See docs/MAIL-OUT.md.
 */
export type * from './types.js';
export { routeMessage, ruleMatches, compileNumberPattern } from './routing.js';
export {
  conversationKey,
  conversationRootId,
  messageIdFor,
  normalizeNumber,
  numberAddress,
  numberLocalPart,
  participants,
  partyAddress,
  relayIdFromMessageId,
  replyToAddress,
} from './addresses.js';
export { renderMail, type RenderedMail } from './render.js';
export { MailRelay, envelopeSender, type MailRelayOptions } from './relay.js';
export { classifySmtpError, describeFailure, transportOptions, type SmtpFailure } from './smtp.js';
export { attachmentFileName, sanitizeFileName, safeMediaType } from './filename.js';
export { decodeText, charsetLabel } from './charset.js';
export { mailOutFromConfig, readAddressBook, type MailOutSettings } from './from-config.js';
