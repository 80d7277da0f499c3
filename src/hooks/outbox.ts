/**
 * Reads the state outbox and turns each event into durable jobs (one per webhook target, one
 * for the onReceive script). The rows are deleted in the same transaction that enqueues the
 * jobs, and job keys are unique: a crash at any moment leaves either the row (done again on
 * the next pass) or the jobs, never both and never neither.
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

export function pendingOutbox(db: Database.Database, limit = BATCH): OutboxRow[] {
  return (db.prepare('SELECT * FROM state_outbox ORDER BY id LIMIT ?').all(limit) as OutboxRecord[]).map((r) => ({
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
 * needs, and jobs plus row deletions commit together. Returns the number of rows handled.
 */
export async function drainOutbox(store: Store, jobsFor: (e: HookEvent) => NewJob[], now: number): Promise<number> {
  const rows = pendingOutbox(store.db);
  if (rows.length === 0) return 0;
  // Message data is read (blob files included) before the transaction, which must be synchronous.
  const events = await Promise.all(rows.map((r) => eventOf(store, r)));
  const del = store.db.prepare('DELETE FROM state_outbox WHERE id = ?');
  store.tx(() => {
    rows.forEach((r, i) => {
      const e = events[i];
      if (e) for (const job of jobsFor(e)) store.jobs.enqueue(job, now);
      del.run(r.id);
    });
  });
  return rows.length;
}
