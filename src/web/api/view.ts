/**
 * How stored messages look in the API (schemas `MessageSummary` / `Message` in openapi.ts):
 * times as ISO 8601 UTC, addresses in their normalized form, parts numbered from 1 in the
 * stored order (for an MMS the SMIL presentation is part 1).
 */
import type { MessageRow, MessageState, Store } from '../../store/index.js';
import { ApiProblem } from './problem.js';

export const MESSAGE_STATES = [
  'received', 'notified', 'retrieving', 'retrieved', 'relayed', 'deferred',
  'queued', 'submitting', 'held', 'sent', 'delivered', 'read', 'failed', 'expired', 'rejected',
] as const satisfies readonly MessageState[];
/** Fails to compile when the store gains a state this list (and the OpenAPI enum) lacks. */
export const STATES_COMPLETE: Exclude<MessageState, (typeof MESSAGE_STATES)[number]> extends never ? true : never = true;

const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

export function summary(store: Store, m: MessageRow, base: string): Record<string, unknown> {
  const addrs = store.messages.addresses(m.id);
  const of = (role: string): string[] => addrs.filter((a) => a.role === role).map((a) => a.normalized);
  return {
    id: m.id,
    direction: m.direction,
    kind: m.kind,
    state: m.state,
    from: m.from,
    to: of('to'),
    cc: of('cc'),
    subject: m.subject,
    date: iso(m.date),
    createdAt: new Date(m.createdAt).toISOString(),
    updatedAt: new Date(m.updatedAt).toISOString(),
    url: `${base}/messages/${m.id}`,
  };
}

export function detail(store: Store, m: MessageRow, base: string): Record<string, unknown> {
  return {
    ...summary(store, m, base),
    messageId: m.messageId,
    size: m.size,
    expiry: iso(m.expiry),
    incomplete: m.incomplete,
    box: m.box,
    modem: store.modemLinks.messageModem(m.id) ?? null,
    parts: store.content.parts(m.id).map((p, i) => ({
      n: i + 1,
      contentType: p.contentType,
      charset: p.charset,
      filename: p.filename,
      contentId: p.contentId,
      size: p.size,
      sha256: p.sha256,
      url: `${base}/messages/${m.id}/parts/${i + 1}`,
    })),
    states: (store.db.prepare('SELECT state, at FROM state_changes WHERE msg_id = ? ORDER BY id').all(m.id) as { state: string; at: number }[]).map((r) => ({
      state: r.state,
      at: new Date(r.at).toISOString(),
    })),
    events: store.events.ofMessage(m.id).map((e) => ({ at: new Date(e.at).toISOString(), kind: e.kind, detail: e.detail ?? null })),
    reports: store.reports.ofMessage(m.id).map((r) => ({ kind: r.kind, recipient: r.recipient, status: r.status, at: new Date(r.at).toISOString() })),
  };
}

export interface ListQuery {
  readonly direction?: 'in' | 'out';
  readonly correspondent?: string;
  readonly state?: MessageState[];
  readonly since?: number;
  readonly beforeId?: number;
  readonly limit: number;
}

const one = (v: unknown, field: string): string | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ApiProblem(400, 'bad-query', `give ${field} once`, field);
  return v;
};

/** Reads and checks the query string of GET /messages. */
export function parseListQuery(q: Record<string, unknown>): ListQuery {
  const known = new Set(['direction', 'correspondent', 'state', 'since', 'cursor', 'limit']);
  for (const k of Object.keys(q)) if (!known.has(k)) throw new ApiProblem(400, 'bad-query', `unknown query parameter '${k.slice(0, 40)}'`, k.slice(0, 40));
  const direction = one(q.direction, 'direction');
  if (direction !== undefined && direction !== 'in' && direction !== 'out') throw new ApiProblem(400, 'bad-query', "direction is 'in' or 'out'", 'direction');
  const correspondent = one(q.correspondent, 'correspondent');
  if (correspondent !== undefined && (correspondent.length === 0 || correspondent.length > 320)) throw new ApiProblem(400, 'bad-query', 'correspondent is a phone number or mail address', 'correspondent');
  const stateText = one(q.state, 'state');
  let state: MessageState[] | undefined;
  if (stateText !== undefined) {
    state = stateText.split(',').map((s) => s.trim()) as MessageState[];
    const bad = state.find((s) => !(MESSAGE_STATES as readonly string[]).includes(s));
    if (bad !== undefined) throw new ApiProblem(400, 'bad-query', `unknown state '${bad.slice(0, 20)}' (one of ${MESSAGE_STATES.join(', ')})`, 'state');
  }
  const sinceText = one(q.since, 'since');
  let since: number | undefined;
  if (sinceText !== undefined) {
    since = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(sinceText) ? Date.parse(sinceText) : NaN;
    if (Number.isNaN(since)) throw new ApiProblem(400, 'bad-query', 'since is an ISO 8601 date or date-time with offset, e.g. 2026-01-31T12:00:00Z', 'since');
  }
  const cursor = one(q.cursor, 'cursor');
  let beforeId: number | undefined;
  if (cursor !== undefined) {
    const m = /^c(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
    if (!m) throw new ApiProblem(400, 'bad-query', 'cursor is not one this API handed out', 'cursor');
    beforeId = Number(m[1]);
  }
  const limitText = one(q.limit, 'limit');
  const limit = limitText === undefined ? 50 : Number(limitText);
  if (!/^\d{1,3}$/.test(limitText ?? '50') || limit < 1 || limit > 200) throw new ApiProblem(400, 'bad-query', 'limit is a whole number from 1 to 200', 'limit');
  return {
    limit,
    ...(direction !== undefined ? { direction } : {}),
    ...(correspondent !== undefined ? { correspondent } : {}),
    ...(state !== undefined ? { state } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(beforeId !== undefined ? { beforeId } : {}),
  };
}

export const cursorFor = (id: number): string => Buffer.from(`c${id}`, 'latin1').toString('base64url');

/** One page, newest first; `next` is absent on the last page. */
export function listPage(store: Store, q: ListQuery): { items: MessageRow[]; next?: string } {
  const rows = store.messages.list({
    limit: q.limit + 1,
    ...(q.direction ? { direction: q.direction } : {}),
    ...(q.correspondent !== undefined ? { address: q.correspondent } : {}),
    ...(q.state ? { state: q.state } : {}),
    ...(q.beforeId !== undefined ? { beforeId: q.beforeId } : {}),
  });
  // Ids grow with creation time, so the first row older than `since` ends the listing.
  const cut = q.since === undefined ? -1 : rows.findIndex((r) => r.createdAt < (q.since as number));
  const fresh = cut === -1 ? rows : rows.slice(0, cut);
  const items = fresh.slice(0, q.limit);
  const more = fresh.length > q.limit;
  const last = items[items.length - 1];
  return more && last ? { items, next: cursorFor(last.id) } : { items };
}
