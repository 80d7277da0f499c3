import type { MmsPdu } from '../codec/mms/index.js';
import { expiryInstant } from './retry.js';

/** What the configuration says about incoming notifications. */
export interface RetrievalPolicy {
  /** Largest message fetched; larger ones are answered Rejected. */
  maxSize: number;
  /** X-Mms-Message-Class values answered Rejected (e.g. ["advertisement"]). */
  rejectClasses?: readonly string[];
  /** Answer Deferred instead of fetching (manual retrieval; fetched later, then m-acknowledge-ind). */
  defer?: boolean;
}

export type RetrievalDecision =
  | { action: 'retrieve' }
  | { action: 'reject'; status: 'rejected'; reason: string }
  | { action: 'defer'; status: 'deferred'; reason: string }
  /** The MMSC no longer holds the message: nothing to fetch or to answer. */
  | { action: 'expired'; reason: string };

/**
 * What to do with an m-notification-ind (OMA-TS-MMS_CTR §8.1.3): fetch it now, answer
 * m-notifyresp-ind with X-Mms-Status Deferred (§7.3.54, retrieval later) or Rejected, or
 * nothing when X-Mms-Expiry has passed.
 */
export function retrievalDecision(ind: MmsPdu, policy: RetrievalPolicy, receivedAt: Date, now: Date = new Date()): RetrievalDecision {
  const expiry = expiryInstant(ind.expiry, receivedAt);
  if (expiry && expiry.getTime() <= now.getTime()) return { action: 'expired', reason: `expired at ${expiry.toISOString()}` };
  if (ind.messageSize !== undefined && ind.messageSize > policy.maxSize) {
    return { action: 'reject', status: 'rejected', reason: `announced size ${ind.messageSize} exceeds the limit of ${policy.maxSize}` };
  }
  const cls = ind.messageClass;
  if (cls && policy.rejectClasses?.some((c) => c.toLowerCase() === cls.toLowerCase())) {
    return { action: 'reject', status: 'rejected', reason: `message class ${cls} is rejected by configuration` };
  }
  if (policy.defer) return { action: 'defer', status: 'deferred', reason: 'deferred retrieval is configured' };
  return { action: 'retrieve' };
}
