/**
 * A send command from `<prefix>/send`: JSON `{"to": "+49…" | ["+49…", …], "text": "…",
 * "subject"?: "…", "idempotencyKey": "…"}`. The key is required: QoS 1 means a command may
 * arrive twice, and the key makes the second one a replay (app/send.ts).
 */
import type { SendError } from '../app/send.js';

/** Largest command accepted (text only; media go through the API). */
export const MAX_COMMAND_BYTES = 64 * 1024;

export interface SendCommand {
  readonly to: string[];
  readonly text: string;
  readonly subject?: string;
  readonly idempotencyKey: string;
}

export type CommandResult =
  | { readonly ok: true; readonly idempotencyKey: string; readonly id: number; readonly created: boolean; readonly kind: 'sms' | 'mms'; readonly to: readonly string[] }
  | { readonly ok: false; readonly idempotencyKey: string | null; readonly error: SendError | { readonly code: 'bad-command'; readonly field: string; readonly reason: string } };

type Parsed = { ok: true; request: SendCommand } | { ok: false; idempotencyKey: string | null; error: { code: 'bad-command'; field: string; reason: string } };

const bad = (field: string, reason: string, key: string | null = null): Parsed => ({ ok: false, idempotencyKey: key, error: { code: 'bad-command', field, reason } });

export function commandOf(payload: Buffer | string): Parsed {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
  if (bytes.length > MAX_COMMAND_BYTES) return bad('payload', `the command is larger than ${MAX_COMMAND_BYTES} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch {
    return bad('payload', 'the command is not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('payload', 'the command must be a JSON object');
  const o = v as Record<string, unknown>;
  const key = typeof o.idempotencyKey === 'string' ? o.idempotencyKey : null;
  if (key === null) return bad('idempotencyKey', 'an idempotencyKey (string) is required');
  for (const k of Object.keys(o)) if (!['to', 'text', 'subject', 'idempotencyKey'].includes(k)) return bad(k, `unknown field '${k}'`, key);
  const to = typeof o.to === 'string' ? [o.to] : o.to;
  if (!Array.isArray(to) || !to.every((t): t is string => typeof t === 'string')) return bad('to', 'to must be a phone number or a list of them', key);
  if (typeof o.text !== 'string') return bad('text', 'text (string) is required', key);
  if (o.subject !== undefined && typeof o.subject !== 'string') return bad('subject', 'subject must be a string', key);
  return { ok: true, request: { to, text: o.text, idempotencyKey: key, ...(typeof o.subject === 'string' ? { subject: o.subject } : {}) } };
}
