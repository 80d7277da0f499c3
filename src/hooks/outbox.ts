/**
 * Reads the state outbox and turns each event into durable jobs (one per webhook target, one
 * for the onReceive script). The hooks' cursor moves in the same transaction that enqueues the
 * jobs, and job keys are unique: a crash at any moment leaves either the row unhandled (done
 * again on the next pass) or the jobs, never both and never neither.
 *
 * Other readers (MQTT) keep their own cursor in `outbox_consumers` (migration 6); a row is
 * deleted once every registered reader is past it.
 */
import type Database from 'better-sqlite3';
import type { NewJob, Store } from '../store/index.js';
import { eventOf, type HookEvent, type OutboxRow } from './events.js';

interface OutboxRecord {
  id: number;
  msg_id: number;
  direction: 'in' | 'out';
  state: string;
  prev_state: string | null;
  at: number;
}

const BATCH = 100;

/** The cursor name of webhooks + hooks.onReceive. */
export const HOOKS_CONSUMER = 'hooks';

/** The last row id `name` handled (0 before its first row). */
export function consumerCursor(db: Database.Database, name: string): number {
  return (db.prepare('SELECT last_id FROM outbox_consumers WHERE name = ?').pluck().get(name) as number | undefined) ?? 0;
}

/** Makes `name` a reader whose rows are kept until it has handled them. */
export function registerConsumer(db: Database.Database, name: string): void {
  db.prepare('INSERT OR IGNORE INTO outbox_consumers (name, last_id) VALUES (?, 0)').run(name);
}

/** `name` reads no more (its feature was turned off): its rows need not be kept. */
export function unregisterConsumer(db: Database.Database, name: string): void {
  db.prepare('DELETE FROM outbox_consumers WHERE name = ?').run(name);
  pruneOutbox(db);
}

/** Records that `name` handled every row up to `lastId`, and deletes rows all readers are past. Call inside a transaction with the work. */
export function advanceConsumer(db: Database.Database, name: string, lastId: number): void {
  db.prepare('INSERT INTO outbox_consumers (name, last_id) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET last_id = max(last_id, excluded.last_id)').run(name, lastId);
  pruneOutbox(db);
}

function pruneOutbox(db: Database.Database): void {
  const min = db.prepare('SELECT min(last_id) FROM outbox_consumers').pluck().get() as number | null;
  if (min !== null) db.prepare('DELETE FROM state_outbox WHERE id <= ?').run(min);
}

/** Rows after `afterId`, oldest first. */
export function pendingOutbox(db: Database.Database, limit = BATCH, afterId = consumerCursor(db, HOOKS_CONSUMER)): OutboxRow[] {
  return (db.prepare('SELECT * FROM state_outbox WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as OutboxRecord[]).map((r) => ({
    id: r.id,
    msgId: r.msg_id,
    direction: r.direction,
    state: r.state,
    prevState: r.prev_state,
    at: r.at,
  }));
}

/**
 * One pass: up to BATCH outbox rows become events, `jobsFor(event)` says which jobs each
 * needs, and jobs plus the cursor move commit together. Returns the number of rows handled.
 */
export async function drainOutbox(store: Store, jobsFor: (e: HookEvent) => NewJob[], now: number): Promise<number> {
  const rows = pendingOutbox(store.db);
  if (rows.length === 0) return 0;
  // Message data is read (blob files included) before the transaction, which must be synchronous.
  const events = await Promise.all(rows.map((r) => eventOf(store, r)));
  store.tx(() => {
    rows.forEach((r, i) => {
      const e = events[i];
      if (e) for (const job of jobsFor(e)) store.jobs.enqueue(job, now);
    });
    advanceConsumer(store.db, HOOKS_CONSUMER, rows[rows.length - 1]!.id);
  });
  return rows.length;
}
