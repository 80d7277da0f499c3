/**
 * Events other systems hear about (webhooks, the onReceive script), derived from the store's
 * state history (migration 3, table state_changes): each message insert or state change is
 * one row, written in the same transaction as the change; rows not yet dispatched are the
 * outbox. Which changes are events:
 *
 *   in,  → received | retrieved            message.received (an SMS is stored received; an MMS once fetched)
 *   out, → sent                            message.sent
 *   out, → delivered                       message.delivered
 *   out, → failed | expired | rejected     message.failed
 *
 * plus `modem.state` from the modem's status (not stored; see app/hooks.ts). The event id
 * is stable: `evt_<state_changes row id>`, or `evt_modem_<uuid>`; a consumer deduplicates on it.
 */
import type { MessageRow, Store } from '../store/index.js';

export const EVENT_TYPES = ['message.received', 'message.sent', 'message.delivered', 'message.failed', 'modem.state'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface HookEvent {
  readonly id: string;
  readonly type: EventType;
  /** ISO 8601 UTC instant of the change. */
  readonly createdAt: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface OutboxRow {
  readonly id: number;
  readonly msgId: number;
  readonly direction: 'in' | 'out';
  readonly state: string;
  readonly prevState: string | null;
  readonly at: number;
}

export function eventTypeOf(row: OutboxRow): EventType | undefined {
  if (row.direction === 'in') return row.state === 'received' || row.state === 'retrieved' ? 'message.received' : undefined;
  switch (row.state) {
    case 'sent':
      return 'message.sent';
    case 'delivered':
      return 'message.delivered';
    case 'failed':
    case 'expired':
    case 'rejected':
      return 'message.failed';
    default:
      return undefined;
  }
}

/** Longest text carried in an event (the full text stays readable through the API). */
const MAX_TEXT_BYTES = 64 * 1024;

/** The message as events carry it: headers, the text of its text parts, and its parts' metadata. */
export async function messageData(store: Store, m: MessageRow): Promise<Record<string, unknown>> {
  const addrs = store.messages.addresses(m.id);
  const of = (role: string): string[] => addrs.filter((a) => a.role === role).map((a) => a.normalized);
  const parts = store.content.parts(m.id);
  let text = '';
  for (const p of parts) {
    if (p.contentType !== 'text/plain' || text.length >= MAX_TEXT_BYTES) continue;
    const body = Buffer.from(await store.content.partBody(p)).toString('utf8');
    text += (text ? '\n' : '') + body;
  }
  if (Buffer.byteLength(text) > MAX_TEXT_BYTES) text = Buffer.from(text).subarray(0, MAX_TEXT_BYTES).toString('utf8').replace(/\uFFFD$/, '');
  return {
    id: m.id,
    direction: m.direction,
    kind: m.kind,
    state: m.state,
    from: m.from,
    to: of('to'),
    cc: of('cc'),
    subject: m.subject,
    date: m.date === null ? null : new Date(m.date).toISOString(),
    createdAt: new Date(m.createdAt).toISOString(),
    messageId: m.messageId,
    text,
    parts: parts.map((p, i) => ({ n: i + 1, contentType: p.contentType, filename: p.filename, size: p.size })),
    reports: store.reports.ofMessage(m.id).map((r) => ({ kind: r.kind, recipient: r.recipient, status: r.status, at: new Date(r.at).toISOString() })),
  };
}

/** The event of an outbox row, or undefined when the change is no event (or the message is gone). */
export async function eventOf(store: Store, row: OutboxRow): Promise<HookEvent | undefined> {
  const type = eventTypeOf(row);
  if (!type) return undefined;
  const m = store.messages.get(row.msgId);
  if (!m) return undefined;
  const message = await messageData(store, m);
  // The state at the change, not a later one the message may have reached since.
  return { id: `evt_${row.id}`, type, createdAt: new Date(row.at).toISOString(), data: { message: { ...message, state: row.state }, previousState: row.prevState } };
}
