/**
 * Webhook delivery: one HTTP POST of an event's JSON to a target, signed the way the
 * Standard Webhooks specification describes (headers `webhook-id`, `webhook-timestamp` in
 * Unix seconds, `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`).
 * The key is the secret's UTF-8 bytes, or the base64 after a `whsec_` prefix. A 2xx answer
 * is success; anything else, a timeout or a network error is retried by the job system.
 */
import { createHmac } from 'node:crypto';
import { withDeadline } from '../util/deadline.js';
import { MmsgwError } from '../util/errors.js';

export interface WebhookTarget {
  readonly name: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly secret: string;
}

export function secretKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}

export interface Delivery {
  readonly eventId: string;
  readonly type: string;
  /** The event JSON exactly as it is sent every time. */
  readonly body: string;
}

/** POSTs one delivery; resolves on 2xx, throws with the status (or network error) otherwise. */
export async function deliver(target: WebhookTarget, d: Delivery, timeoutMs: number, signal: AbortSignal, now: () => number = Date.now): Promise<void> {
  const ts = Math.floor(now() / 1000);
  try {
    await withDeadline(signal, timeoutMs, async (deadline) => {
      const res = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'mmsgw-webhook/1',
          'webhook-id': d.eventId,
          'webhook-timestamp': String(ts),
          'webhook-signature': sign(target.secret, d.eventId, ts, d.body),
          'mmsgw-event': d.type,
        },
        body: d.body,
        // A redirect could lead the signed event anywhere: treated as a failure.
        redirect: 'manual',
        signal: deadline,
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.status < 200 || res.status > 299) {
        throw new MmsgwError('HOOK_WEBHOOK_FAILED', `webhook ${target.name}: HTTP ${res.status}`, { details: { status: res.status } });
      }
    });
  } catch (e) {
    if (e instanceof MmsgwError) throw e;
    throw new MmsgwError('HOOK_WEBHOOK_FAILED', `webhook ${target.name}: ${(e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e as Error).message}`, { cause: e });
  }
}
