/**
 * Reads the undispatched state changes (the outbox) and turns each event into durable jobs
 * (one per webhook target, one for the onReceive script). The rows are marked dispatched in
 * the same transaction that enqueues the jobs, and job keys are unique: a crash at any moment
 * leaves either the row pending (done again on the next pass) or the jobs, never both and
 * never neither.
 */
import type Database from 'better-sqlite3';
import type { NewJob, Store } from '../store/index.js';
import { eventOf, eventTypeOf, type EventType, type HookEvent, type OutboxRow } from './events.js';

interface OutboxRecord {
  id: number;
  msg_id: number;
  direction: 'in' | 'out';
  state: string;
  prev_state: string | null;
  at: number;
}

const BATCH = 100;

/**
 * Rows still to be dispatched to the hooks (`afterId` undefined), or, for a reader with its own
 * cursor (MQTT), every row after `afterId`; oldest first.
 */
export function pendingOutbox(db: Database.Database, limit = BATCH, afterId?: number): OutboxRow[] {
  const rows = afterId === undefined
    ? db.prepare('SELECT * FROM state_changes WHERE dispatched = 0 ORDER BY id LIMIT ?').all(limit)
    : db.prepare('SELECT * FROM state_changes WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit);
  return (rows as OutboxRecord[]).map((r) => ({
    id: r.id,
    msgId: r.msg_id,
    direction: r.direction,
    state: r.state,
    prevState: r.prev_state,
    at: r.at,
  }));
}

/**
 * One pass: up to `batch` (default 100) pending rows become events, `jobsFor(event)` says which jobs each
 * needs, and jobs plus the rows' dispatched marks commit together. Returns the number of rows handled.
 * `wants(type)`, when given, says whether any hook listens to events of that type: a row no
 * hook listens to is only marked, without reading its message (and its blob files).
 */
export async function drainOutbox(store: Store, jobsFor: (e: HookEvent) => NewJob[], now: number, wants?: (type: EventType) => boolean, batch = BATCH): Promise<number> {
  const rows = pendingOutbox(store.db, batch);
  if (rows.length === 0) return 0;
  const wanted = (r: OutboxRow): boolean => {
    const type = eventTypeOf(r);
    return type !== undefined && (wants === undefined || wants(type));
  };
  // Message data is read (blob files included) before the transaction, which must be synchronous.
  const events = await Promise.all(rows.map(async (r) => (wanted(r) ? eventOf(store, r) : undefined)));
  const done = store.db.prepare('UPDATE state_changes SET dispatched = 1 WHERE id = ?');
  store.tx(() => {
    rows.forEach((r, i) => {
      const e = events[i];
      if (e) for (const job of jobsFor(e)) store.jobs.enqueue(job, now);
      done.run(r.id);
    });
  });
  return rows.length;
}

/** The last row id reader `name` handled; a reader not registered yet has handled nothing. */
export function consumerCursor(db: Database.Database, name: string): number {
  return (db.prepare('SELECT last_id FROM outbox_consumers WHERE name = ?').pluck().get(name) as number | undefined) ?? 0;
}

/** Makes `name` a reader with its own cursor, starting after the newest row (no replay of history). */
export function registerConsumer(db: Database.Database, name: string): void {
  db.prepare("INSERT OR IGNORE INTO outbox_consumers (name, last_id) VALUES (?, (SELECT ifnull(max(id), 0) FROM state_changes))").run(name);
}

/** `name` reads no more (its feature was turned off); switched on again it starts at the newest row. */
export function unregisterConsumer(db: Database.Database, name: string): void {
  db.prepare('DELETE FROM outbox_consumers WHERE name = ?').run(name);
}

/** Records that `name` handled every row up to `lastId`. Call inside a transaction with the work. */
export function advanceConsumer(db: Database.Database, name: string, lastId: number): void {
  db.prepare('INSERT INTO outbox_consumers (name, last_id) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET last_id = max(last_id, excluded.last_id)').run(name, lastId);
}
