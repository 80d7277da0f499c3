import { z } from 'zod';
import { bool, httpUrl, int, oneOf, text } from './fields.js';

/** Events a webhook target can subscribe to (docs/API.md "Webhooks"). */
export const WEBHOOK_EVENTS = ['message.received', 'message.sent', 'message.delivered', 'message.failed', 'modem.state'] as const;

/** The REST API under /api/v1 on the web listener (docs/API.md). */
export const apiSection = z
  .strictObject({
    enabled: bool().default(true),
    /** Requests per minute per token (token bucket, refilled continuously), and the burst allowed. */
    rateLimit: z.strictObject({ perMinute: int(1, 100_000).default(60), burst: int(1, 10_000).default(20) }).prefault({}),
    /** Largest request body: a JSON message, or a multipart upload with all its media. */
    maxBodyBytes: int(1024, 100 * 1024 * 1024).default(5 * 1024 * 1024),
  })
  .prefault({});

const target = z.strictObject({
  /** Names the target in job keys and logs; default: its position (`webhook-1`, …). */
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, { error: 'expected 1–40 letters, digits, "_", "." or "-"' }).optional(),
  url: httpUrl(),
  events: z.array(oneOf(WEBHOOK_EVENTS)).min(1, { error: 'name at least one event' }).default([...WEBHOOK_EVENTS]),
  /** HMAC-SHA256 key: its UTF-8 bytes, or the base64 after a `whsec_` prefix. */
  secret: text().min(16, { error: 'the secret must be at least 16 characters' }),
});

export const webhooksSection = z
  .strictObject({
    targets: z.array(target).max(20, { error: 'at most 20 webhook targets' }).default([]),
    /** A delivery still failing this long after its event is dead-lettered (`mmsgw jobs --dead`). */
    maxAgeHours: int(1, 24 * 14).default(24),
    timeoutSeconds: int(1, 120).default(10),
  })
  .prefault({})
  .superRefine((w, ctx) => {
    const seen = new Set<string>();
    w.targets.forEach((t, i) => {
      const name = t.name ?? `webhook-${i + 1}`;
      if (seen.has(name)) ctx.addIssue({ code: 'custom', path: ['targets', i, 'name'], message: `'${name}' names two targets` });
      seen.add(name);
    });
  });

export const hooksSection = z
  .strictObject({
    /** Executable run for every received message, with the message as JSON on stdin. */
    onReceive: text('an absolute path').refine((p) => p.startsWith('/'), { error: 'expected an absolute path' }).nullable().default(null),
    timeoutSeconds: int(1, 600).default(30),
    maxAgeHours: int(1, 24 * 14).default(24),
  })
  .prefault({});
