/**
 * When to try a retrieve again. Pure: the pipeline stores the attempt count and the expiry and
 * schedules durably; this only answers "when next, if ever".
 *
 * Exponential backoff (30 s, 1 min, 2 min … capped at 1 h) with optional jitter, never past
 * the notification's X-Mms-Expiry (OMA-TS-MMS_ENC §7.3.20): once the MMSC has discarded the
 * message, a retrieve can only fail. The last try is placed shortly before the expiry instead
 * of being dropped. Without an expiry, `horizonMs` after the first attempt bounds the effort.
 */
export interface RetryPolicy {
  baseMs: number;
  factor: number;
  maxDelayMs: number;
  /** 0..1: the delay is scaled by a random factor in [1 - jitter, 1]. */
  jitter: number;
  /** Stop this long before the expiry. */
  expiryMarginMs: number;
  /** Upper bound on attempts, whatever the expiry. */
  maxAttempts: number;
  /** Used when the notification carried no expiry. */
  horizonMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  baseMs: 30_000,
  factor: 2,
  maxDelayMs: 3_600_000,
  jitter: 0,
  expiryMarginMs: 60_000,
  maxAttempts: 40,
  horizonMs: 7 * 24 * 3_600_000,
};

export interface RetryState {
  /** Attempts made so far (≥ 1 when asking after a failure). */
  attempts: number;
  /** When the previous attempt was made. */
  lastAttemptAt: Date;
  /** When the first attempt was made (for the horizon when there is no expiry). */
  firstAttemptAt?: Date;
}

/** The time of the next attempt, or undefined to give up. */
export function nextAttemptAt(state: RetryState, expiry: Date | undefined, policy: Partial<RetryPolicy> = {}, random: () => number = Math.random): Date | undefined {
  const p = { ...DEFAULT_RETRY, ...policy };
  if (state.attempts >= p.maxAttempts) return undefined;
  const exp = Math.max(0, state.attempts - 1);
  let delay = Math.min(p.maxDelayMs, p.baseMs * p.factor ** exp);
  if (p.jitter > 0) delay *= 1 - p.jitter * random();
  const next = state.lastAttemptAt.getTime() + delay;
  const deadline = expiry
    ? expiry.getTime() - p.expiryMarginMs
    : (state.firstAttemptAt ?? state.lastAttemptAt).getTime() + p.horizonMs;
  if (next <= deadline) return new Date(next);
  // One last try just before the deadline, if it is still ahead of the previous attempt.
  if (deadline > state.lastAttemptAt.getTime()) return new Date(deadline);
  return undefined;
}

/** X-Mms-Expiry (absolute or relative to the notification's arrival) as an instant. */
export function expiryInstant(expiry: { kind: 'absolute'; date: Date } | { kind: 'relative'; seconds: number } | undefined, receivedAt: Date): Date | undefined {
  if (!expiry) return undefined;
  return expiry.kind === 'absolute' ? expiry.date : new Date(receivedAt.getTime() + expiry.seconds * 1000);
}
