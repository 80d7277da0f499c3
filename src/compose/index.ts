/**
 * Compose: email content → SMS or MMS plan (trimming, SMS length, SMIL, media adaptation),
 * plus the pure limit and time-to-live checks the pipeline applies to outbound jobs.
 */
export type * from './types.js';
export { refusal } from './types.js';
export { composeOutbound, cleanSubject, DEFAULT_MAX_SMS_PARTS, DEFAULT_MMS_MAX_BYTES } from './plan.js';
export type { ComposeAttachment, ComposeInput, ComposeOptions, ComposeResult } from './plan.js';
export { trimReply, tidyText } from './trim.js';
export { htmlToText, decodeEntities } from './html.js';
export type { TrimOptions } from './trim.js';
export { measureSms, foldForGsm7, isGsm7 } from './sms-length.js';
export type { SmsLength } from './sms-length.js';
export { buildSmil, xmlEscape } from './smil.js';
export type { Slide } from './smil.js';
export { fitImage } from './adapt.js';
export { classifyMedia } from './media.js';
export { checkLimits, MemoryUsageCounter, DEFAULT_LIMITS } from './limits.js';
export type { SendLimits, SenderUsage } from './limits.js';
export { expiresAt, isExpired, remainingSeconds, DEFAULT_OUTBOUND_TTL_SECONDS } from './ttl.js';
