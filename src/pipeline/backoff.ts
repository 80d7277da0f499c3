/**
 * Retry policy for durable jobs: exponential backoff with full jitter, capped, and never past
 * a deadline (an MMS notification's expiry, an outbound message's time-to-live).
 */
export interface BackoffPolicy {
  /** First retry delay. */
  readonly baseMs: number;
  /** Upper bound of one delay. */
  readonly maxMs: number;
  /** Attempts after which the job goes to the dead-letter state. */
  readonly maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, maxMs: 15 * 60_000, maxAttempts: 12 };

/**
 * When to try again after `attempts` failed attempts, or `undefined` when the job should be
 * given up (too many attempts, or the next try would land after `deadline`).
 * `random` is injectable so tests are deterministic.
 */
export function nextRetryAt(
  attempts: number,
  now: number,
  policy: BackoffPolicy,
  deadline?: number,
  random: () => number = Math.random,
): number | undefined {
  if (attempts >= policy.maxAttempts) return undefined;
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  const delay = Math.max(policy.baseMs / 2, Math.round(ceiling * (0.5 + random() / 2)));
  const at = now + delay;
  if (deadline !== undefined && at > deadline) return undefined;
  return at;
}
