import { MmsgwError } from '../util/errors.js';

/**
 * How a job step failed. A transient failure is retried with backoff; a permanent one sends
 * the job to the dead-letter state with its reason, visible and retryable by hand.
 */
export class PermanentJobError extends MmsgwError {
  constructor(code: string, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(code, message, options);
  }
}

/** Whether an error from a lower layer should end the job rather than be retried. */
export function isPermanent(e: unknown): boolean {
  if (e instanceof PermanentJobError) return true;
  if (e !== null && typeof e === 'object') {
    const o = e as { permanent?: unknown; transient?: unknown };
    if (o.permanent === true) return true;
    if (o.transient === false) return true;
  }
  return false;
}
