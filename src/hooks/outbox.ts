/**
 * Reads the undispatched state changes (the outbox) and turns each event into durable jobs
 * (one per webhook target, one for the onReceive script). The rows are marked dispatched in
 * the same transaction that enqueues the jobs, and job keys are unique: a crash at any moment
 * leaves either the row pending (done again on the next pass) or the jobs, never both and
 * never neither.
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
  return (db.prepare('SELECT * FROM state_changes WHERE dispatched = 0 ORDER BY id LIMIT ?').all(limit) as OutboxRecord[]).map((r) => ({
    id: r.id,
    msgId: r.msg_id,
    direction: r.direction,
    state: r.state,
    prevState: r.prev_state,
    at: r.at,
  }));
}

/**
 * One pass: up to BATCH pending rows become events, `jobsFor(event)` says which jobs each
 * needs, and jobs plus the rows' dispatched marks commit together. Returns the number of rows handled.
 */
export async function drainOutbox(store: Store, jobsFor: (e: HookEvent) => NewJob[], now: number): Promise<number> {
  const rows = pendingOutbox(store.db);
  if (rows.length === 0) return 0;
  // Message data is read (blob files included) before the transaction, which must be synchronous.
  const events = await Promise.all(rows.map((r) => eventOf(store, r)));
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
