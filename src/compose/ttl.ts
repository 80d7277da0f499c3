/**
 * Time-to-live of outbound jobs. A reply that could not be sent within its lifetime (modem
 * offline, no coverage, carrier down) is dropped with a notice to the sender instead of
 * reaching the phone days later, when it may no longer be true or welcome.
 */

/** Default lifetime of an outbound job: 24 hours. */
export const DEFAULT_OUTBOUND_TTL_SECONDS = 24 * 60 * 60;

export function expiresAt(createdAt: Date, ttlSeconds: number = DEFAULT_OUTBOUND_TTL_SECONDS): Date {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new RangeError(`ttlSeconds must be a positive number, got ${ttlSeconds}`);
  return new Date(createdAt.getTime() + ttlSeconds * 1000);
}

/** True when a job must not be attempted any more. The boundary instant counts as expired. */
export function isExpired(job: { readonly expiresAt: Date }, now: Date): boolean {
  return now.getTime() >= job.expiresAt.getTime();
}

/**
 * The relative validity period to put in the SMS (3GPP 23.040 §9.2.3.12, TP-VP) or the MMS
 * X-Mms-Expiry (OMA-TS-MMS_ENC §7.3.20), in seconds: what is left of the job's lifetime, so the
 * network does not deliver it later than the gateway would have. Undefined once expired.
 */
export function remainingSeconds(job: { readonly expiresAt: Date }, now: Date): number | undefined {
  const left = Math.floor((job.expiresAt.getTime() - now.getTime()) / 1000);
  return left > 0 ? left : undefined;
}
