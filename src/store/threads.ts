import type Database from 'better-sqlite3';
import { normalizeAddress } from './address.js';

/**
 * Conversations: a derived index over `messages` (migration v3). A message belongs to the
 * thread of its correspondents — every address of an inbound message but the box's own
 * numbers (a group MMS is one thread), the recipients of an outbound one (its `from` is the
 * mail or web sender, not a correspondent). The index is caught up in id order
 * (`catchUp`), so it never needs the writers of messages to know about it, and it can be
 * rebuilt from scratch by deleting its rows.
 */
export interface ThreadRow {
  readonly id: number;
  readonly key: string;
  /** Normalized addresses, sorted. */
  readonly participants: readonly string[];
  readonly lastMsgId: number;
  readonly lastAt: number;
  readonly count: number;
  readonly unread: number;
}

interface ThreadRecord {
  id: number;
  key: string;
  participants: string;
  last_msg_id: number;
  last_at: number;
  count: number;
  unread: number;
}

function toRow(r: ThreadRecord): ThreadRow {
  return {
    id: r.id,
    key: r.key,
    participants: r.participants === '' ? [] : r.participants.split(','),
    lastMsgId: r.last_msg_id,
    lastAt: r.last_at,
    count: r.count,
    unread: r.unread,
  };
}

export interface ThreadQuery {
  /** Keyset: threads whose newest message id is below this. */
  readonly before?: number;
  /** Default 30, at most 200. */
  readonly limit?: number;
}

const UNKNOWN = '(unknown)';

export class ThreadsRepo {
  private readonly own: Set<string>;

  constructor(
    private readonly db: Database.Database,
    ownNumbers: readonly string[] = [],
  ) {
    this.own = new Set(ownNumbers.map(normalizeAddress));
  }

  /** Indexes messages not yet in a thread, oldest first, at most `limit` per call; returns how many. */
  catchUp(limit = 5000): number {
    // The common case, nothing new: two primary-key lookups, no write transaction.
    const newest = this.db.prepare('SELECT ifnull(max(id), 0) FROM messages').pluck().get() as number;
    const indexed = this.db.prepare('SELECT ifnull(max(msg_id), 0) FROM message_threads').pluck().get() as number;
    if (newest <= indexed) return 0;
    return this.db.transaction(() => {
      const last = this.db.prepare('SELECT ifnull(max(msg_id), 0) FROM message_threads').pluck().get() as number;
      const msgs = this.db
        .prepare('SELECT id, direction, box, created_at AS at FROM messages WHERE id > ? ORDER BY id LIMIT ?')
        .all(last, limit) as { id: number; direction: 'in' | 'out'; box: string | null; at: number }[];
      if (msgs.length === 0) return 0;
      const addrs = this.db.prepare('SELECT role, normalized FROM addresses WHERE msg_id = ?');
      const upsert = this.db.prepare(`INSERT INTO threads (key, participants, last_msg_id, last_at, count, unread)
        VALUES (@key, @key, @id, @at, 1, @unread)
        ON CONFLICT(key) DO UPDATE SET last_msg_id = max(last_msg_id, excluded.last_msg_id), last_at = max(last_at, excluded.last_at),
          count = count + 1, unread = unread + excluded.unread
        RETURNING id`);
      const link = this.db.prepare('INSERT OR IGNORE INTO message_threads (msg_id, thread_id, unread) VALUES (?, ?, ?)');
      for (const m of msgs) {
        const own = new Set(this.own);
        if (m.box) own.add(normalizeAddress(m.box));
        const people = new Set<string>();
        for (const a of addrs.all(m.id) as { role: string; normalized: string }[]) {
          if (m.direction === 'out' && a.role === 'from') continue;
          if (!own.has(a.normalized) && a.normalized !== '') people.add(a.normalized.replace(/,/g, ' '));
        }
        const key = [...people].sort().join(',') || UNKNOWN;
        const unread = m.direction === 'in' ? 1 : 0;
        const threadId = upsert.pluck().get({ key, id: m.id, at: m.at, unread }) as number;
        link.run(m.id, threadId, unread);
      }
      return msgs.length;
    }).immediate();
  }

  /** Newest conversation first (by its newest message), keyset-paged. */
  list(q: ThreadQuery = {}): ThreadRow[] {
    const limit = Math.min(Math.max(1, q.limit ?? 30), 200);
    const rows =
      q.before === undefined
        ? this.db.prepare('SELECT * FROM threads ORDER BY last_msg_id DESC LIMIT ?').all(limit)
        : this.db.prepare('SELECT * FROM threads WHERE last_msg_id < ? ORDER BY last_msg_id DESC LIMIT ?').all(q.before, limit);
    return (rows as ThreadRecord[]).map(toRow);
  }

  /**
   * Conversations with a participant containing the digits of `term` (when it is a number),
   * else with a participant, a subject or a text part containing `term` — the latter a scan
   * of the stored text parts, bounded by `limit`; newest first.
   */
  search(term: string, limit = 50): ThreadRow[] {
    const t = term.trim();
    if (t === '') return [];
    const like = `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const digits = t.replace(/[\s\-().]/g, '');
    const ids = new Set<number>();
    if (/^\+?\d{3,}$/.test(digits)) {
      // A number: the participants only (one row per conversation), not a scan of every text.
      const d = `%${digits.replace(/^\+/, '')}%`;
      return (this.db.prepare('SELECT * FROM threads WHERE participants LIKE ? ORDER BY last_msg_id DESC LIMIT ?').all(d, limit) as ThreadRecord[]).map(toRow);
    } else {
      for (const id of this.db.prepare("SELECT id FROM threads WHERE participants LIKE ? ESCAPE '\\' ORDER BY last_msg_id DESC LIMIT ?").pluck().all(like, limit) as number[]) ids.add(id);
    }
    const byText = this.db
      .prepare(`SELECT DISTINCT mt.thread_id FROM message_threads mt JOIN messages m ON m.id = mt.msg_id
        WHERE m.subject LIKE @like ESCAPE '\\' OR mt.msg_id IN (SELECT msg_id FROM parts WHERE content_type LIKE 'text/%'
          AND inline_body IS NOT NULL AND CAST(inline_body AS TEXT) LIKE @like ESCAPE '\\')
        ORDER BY mt.msg_id DESC LIMIT @limit`)
      .pluck()
      .all({ like, limit }) as number[];
    for (const id of byText) ids.add(id);
    return [...ids]
      .map((id) => this.get(id))
      .filter((x): x is ThreadRow => x !== undefined)
      .sort((a, b) => b.lastMsgId - a.lastMsgId)
      .slice(0, limit);
  }

  get(id: number): ThreadRow | undefined {
    const r = this.db.prepare('SELECT * FROM threads WHERE id = ?').get(id) as ThreadRecord | undefined;
    return r && toRow(r);
  }

  threadOf(msgId: number): number | undefined {
    return this.db.prepare('SELECT thread_id FROM message_threads WHERE msg_id = ?').pluck().get(msgId) as number | undefined;
  }

  /** Message ids of a thread, newest first, keyset-paged by id. */
  messageIds(threadId: number, q: ThreadQuery = {}): number[] {
    const limit = Math.min(Math.max(1, q.limit ?? 30), 200);
    return (
      q.before === undefined
        ? this.db.prepare('SELECT msg_id FROM message_threads WHERE thread_id = ? ORDER BY msg_id DESC LIMIT ?').pluck().all(threadId, limit)
        : this.db.prepare('SELECT msg_id FROM message_threads WHERE thread_id = ? AND msg_id < ? ORDER BY msg_id DESC LIMIT ?').pluck().all(threadId, q.before, limit)
    ) as number[];
  }

  /** Marks every message of the thread read. */
  markRead(threadId: number): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE message_threads SET unread = 0 WHERE thread_id = ? AND unread = 1').run(threadId);
      this.db.prepare('UPDATE threads SET unread = 0 WHERE id = ? AND unread <> 0').run(threadId);
    }).immediate();
  }

  /**
   * Recounts every thread from its remaining messages after messages were deleted (retention
   * pruning cascades to message_threads, not to the counters) and drops threads left empty.
   * A few index lookups per thread; returns the number of threads dropped.
   */
  repair(): number {
    return this.db.transaction(() => {
      this.db.exec(`UPDATE threads SET
          count = (SELECT count(*) FROM message_threads mt WHERE mt.thread_id = threads.id),
          unread = (SELECT ifnull(sum(unread), 0) FROM message_threads mt WHERE mt.thread_id = threads.id),
          last_msg_id = ifnull((SELECT max(msg_id) FROM message_threads mt WHERE mt.thread_id = threads.id), 0)
        WHERE last_msg_id NOT IN (SELECT id FROM messages)
           OR count <> (SELECT count(*) FROM message_threads mt WHERE mt.thread_id = threads.id)`);
      this.db.exec('UPDATE threads SET last_at = ifnull((SELECT created_at FROM messages WHERE id = threads.last_msg_id), last_at) WHERE last_msg_id > 0');
      return this.db.prepare('DELETE FROM threads WHERE count = 0').run().changes;
    }).immediate();
  }

  unreadTotal(): number {
    return this.db.prepare('SELECT ifnull(sum(unread), 0) FROM threads').pluck().get() as number;
  }
}
