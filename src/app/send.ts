/**
 * The shared "queue an outbound SMS/MMS" service, for every door that is not mail: the REST
 * API, the web interface's send form, MM7. It runs the same composition as mail (short text
 * to one number → SMS; longer text, media or several numbers → MMS, images shrunk to the
 * carrier's limit; compose/plan.ts) and the same durable hand-off (pipeline/outbound.ts
 * `queuePlan`: parts, message row, event and send job in one transaction). Nothing is queued
 * when the request is refused.
 *
 * Interface (stable; keep it small):
 *
 *   const sender = createSendService(config, ctx);
 *   const r = await sender.send({ to: ['+4915112345678'], text: 'Hi', origin: 'api:shop', idempotencyKey: 'k1' });
 *   if (r.ok) r.id              // the stored message id (messages.id); r.created false on a replay
 *   else r.error.field / .code / .reason
 *
 * - `to`: phone numbers, E.164 ("+49…") or national ("0151…", read with the box's country code).
 * - `origin`: who asks, stored as the message's sender; `api:<token name>`, `web:<user>`,
 *   `mm7:<VASP id>`. Must not contain '@' (mail notices go only to mail senders).
 * - `idempotencyKey`: scoped by origin. The same key again returns the first message's id with
 *   `created: false` and queues nothing; the same key with a different request is refused
 *   (`code: 'idempotency-conflict'`).
 * - `media`: files as uploaded; their declared type is checked against their bytes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { composeOutbound } from '../compose/plan.js';
import { expiresAt } from '../compose/ttl.js';
import type { RefusalCode } from '../compose/types.js';
import type { Config } from '../config/index.js';
import { normalizeNumber } from '../mail/in/numbers.js';
import type { PipelineContext } from '../pipeline/context.js';
import { queuePlan } from '../pipeline/outbound.js';
import { mailInOptions } from './mail-in.js';

export interface SendMedia {
  readonly filename?: string;
  /** Declared MIME type, e.g. `image/jpeg` (parameters are ignored). */
  readonly contentType: string;
  readonly content: Uint8Array;
}

export interface SendRequest {
  readonly to: readonly string[];
  readonly text?: string;
  readonly subject?: string;
  readonly media?: readonly SendMedia[];
  /** Who asks: `api:<token>`, `web:<user>`, `mm7:<vasp>` (no '@'). */
  readonly origin: string;
  /** One of the box's own numbers to send from (several modems); default: chosen by `outbound.modems`. */
  readonly from?: string;
  /** Like `from`, but ignored when it is not one of the box's numbers (an MM7 SenderAddress may be the VASP's own). */
  readonly preferFrom?: string;
  /** Caller's retry key; the same key (per origin) never queues a second message. At most 200 characters. */
  readonly idempotencyKey?: string;
  /** The caller's own record of the message (an MM7 submission), committed with it when it is queued. */
  readonly recordWith?: (msgId: number, kind: 'sms' | 'mms') => void;
}

export type SendErrorCode =
  | 'bad-origin'
  | 'bad-recipient'
  | 'bad-sender'
  | 'no-recipient'
  | 'too-many-recipients'
  | 'empty'
  | 'unsupported-media'
  | 'media-too-large'
  | 'text-too-long'
  | 'bad-idempotency-key'
  | 'idempotency-conflict';

export interface SendError {
  readonly code: SendErrorCode;
  /** The request field that was wrong: `to`, `to[2]`, `text`, `subject`, `media`, `idempotencyKey`. */
  readonly field: string;
  /** One sentence for a person. */
  readonly reason: string;
}

export type SendOutcome =
  | { readonly ok: true; readonly id: number; readonly created: boolean; readonly kind: 'sms' | 'mms'; readonly to: readonly string[] }
  | { readonly ok: false; readonly error: SendError };

export interface SendService {
  send(req: SendRequest): Promise<SendOutcome>;
}

/** Event recorded with every message this service queues; its detail carries the request fingerprint. */
export const SEND_EVENT = 'send-accepted';
const MAX_KEY_CHARS = 200;
const MAX_SUBJECT_CHARS = 200;

const COMPOSE_FIELDS: Partial<Record<RefusalCode, { code: SendErrorCode; field: string }>> = {
  MAIL_EMPTY: { code: 'empty', field: 'text' },
  MAIL_UNSUPPORTED_MEDIA: { code: 'unsupported-media', field: 'media' },
  MAIL_MEDIA_TOO_LARGE: { code: 'media-too-large', field: 'media' },
  MAIL_TEXT_TOO_LONG: { code: 'text-too-long', field: 'text' },
};

const fail = (code: SendErrorCode, field: string, reason: string): SendOutcome => ({ ok: false, error: { code, field, reason } });

/** A digest of what was asked, to tell a retry from a different request under the same key. */
function fingerprint(req: SendRequest): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ to: req.to, text: req.text ?? '', subject: req.subject ?? '', ...(req.from !== undefined ? { from: req.from } : {}) }));
  for (const m of req.media ?? []) h.update(`\0${m.contentType}\0${m.filename ?? ''}\0`).update(m.content);
  return h.digest('hex');
}

export function createSendService(config: Config, ctx: PipelineContext): SendService {
  return { send: (req) => send(config, ctx, req) };
}

async function send(config: Config, ctx: PipelineContext, req: SendRequest): Promise<SendOutcome> {
  if (req.origin === '' || req.origin.includes('@') || /[\s\u0000-\u001f]/.test(req.origin)) {
    return fail('bad-origin', 'origin', 'origin must be a name like "api:<token>" without spaces or "@"');
  }
  const key = req.idempotencyKey;
  if (key !== undefined && (key.length === 0 || key.length > MAX_KEY_CHARS || !/^[\x21-\x7e]+$/.test(key))) {
    return fail('bad-idempotency-key', 'idempotencyKey', `the idempotency key must be 1–${MAX_KEY_CHARS} printable ASCII characters without spaces`);
  }
  const print = fingerprint(req);
  const identity = `send:${req.origin}:${key ?? randomUUID()}`;
  const known = key !== undefined ? ctx.store.messages.getByEmailMessageId(identity) : undefined;
  if (known) return replay(ctx, known.id, known.kind, print);

  const opts = mailInOptions(config, ctx);
  if (req.to.length === 0) return fail('no-recipient', 'to', 'at least one phone number is needed');
  const max = config.mail.in.limits.maxRecipients;
  if (req.to.length > max) return fail('too-many-recipients', 'to', `at most ${max} numbers in one message, got ${req.to.length}`);
  const to: string[] = [];
  for (const [i, raw] of req.to.entries()) {
    const n = normalizeNumber(raw, opts.addressing.numbering);
    if (!n.ok) return fail('bad-recipient', `to[${i}]`, n.reason);
    if (!to.includes(n.e164)) to.push(n.e164);
  }
  let via: string | undefined;
  if (req.from !== undefined) {
    const n = normalizeNumber(req.from, opts.addressing.numbering);
    const own = ownNumbers(config, ctx);
    if (!n.ok || !own.includes(n.e164)) return fail('bad-sender', 'from', `from must be one of the box's own numbers (${own.join(', ') || 'none known'})`);
    via = n.e164;
  } else if (req.preferFrom !== undefined) {
    const n = normalizeNumber(req.preferFrom, opts.addressing.numbering);
    if (n.ok && ownNumbers(config, ctx).includes(n.e164)) via = n.e164;
  }
  if (req.subject !== undefined && [...req.subject].length > MAX_SUBJECT_CHARS) {
    return fail('text-too-long', 'subject', `the subject is longer than ${MAX_SUBJECT_CHARS} characters`);
  }
  const composed = await composeOutbound(
    {
      to,
      ...(req.text !== undefined ? { text: req.text } : {}),
      ...(req.subject !== undefined ? { subject: req.subject } : {}),
      attachments: (req.media ?? []).map((m) => ({
        contentType: m.contentType.split(';')[0]!.trim().toLowerCase(),
        content: m.content,
        ...(m.filename !== undefined ? { filename: m.filename } : {}),
      })),
    },
    // What a program sends is sent as written: no reply-quote or signature trimming.
    { ...opts.compose, trim: { quotes: false, signature: false } },
  );
  if (!composed.ok) {
    const f = COMPOSE_FIELDS[composed.refusal.code] ?? { code: 'empty' as const, field: 'text' };
    return fail(f.code, f.field, composed.refusal.reason);
  }
  const now = new Date(ctx.now());
  const { message, created } = await queuePlan(ctx, {
    plan: composed.plan,
    sender: req.origin,
    identity,
    date: now,
    expiresAt: expiresAt(now, opts.ttlSeconds),
    ...(via !== undefined ? { via } : {}),
    event: { kind: SEND_EVENT, detail: { origin: req.origin, to, kind: composed.plan.kind, fingerprint: print, ...(via !== undefined ? { from: via } : {}), ...(key !== undefined ? { idempotencyKey: key } : {}) } },
    ...(req.recordWith ? { alsoWrite: (m: { id: number; kind: 'sms' | 'mms' }) => req.recordWith?.(m.id, m.kind) } : {}),
  });
  if (!created) return replay(ctx, message.id, message.kind, print);
  return { ok: true, id: message.id, created: true, kind: composed.plan.kind, to };
}

/** The box's own numbers: its modems' (configured or told by their SIMs), else the configured ones. */
function ownNumbers(config: Config, ctx: PipelineContext): string[] {
  const configured = [config.box.ownNumber, ...config.box.numbers.map((n) => n.number), ...config.modems.map((m) => m.number)].filter((n): n is string => n !== null);
  return [...new Set([...(ctx.modems?.numbers() ?? []), ...configured])];
}

function replay(ctx: PipelineContext, id: number, kind: 'sms' | 'mms', print: string): SendOutcome {
  const first = ctx.store.events.ofMessage(id).find((e) => e.kind === SEND_EVENT)?.detail as { fingerprint?: string; to?: string[] } | undefined;
  if (first?.fingerprint !== undefined && first.fingerprint !== print) {
    return fail('idempotency-conflict', 'idempotencyKey', 'this idempotency key was used before for a different request');
  }
  const to = ctx.store.messages.addresses(id).filter((a) => a.role === 'to').map((a) => a.normalized);
  return { ok: true, id, created: false, kind, to };
}
