import type Database from 'better-sqlite3';
import { MmsgwError } from '../util/errors.js';
import type { JobRow, JobState, NewJob } from './types.js';

interface JobRecord {
  id: number;
  kind: string;
  key: string;
  payload: string;
  state: JobState;
  attempts: number;
  run_at: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * A finished job's outcome, for `settle`. A done job may carry its last writes (`final`): they
 * are committed with its move to `done`, in its savepoint, instead of in a commit of their own.
 */
export type JobOutcome =
  | { readonly id: number; readonly outcome: 'done'; readonly final?: () => void }
  | { readonly id: number; readonly outcome: 'retry'; readonly retryAt: number; readonly error: string }
  | { readonly id: number; readonly outcome: 'dead'; readonly error: string };

function jobRow<P>(r: JobRecord): JobRow<P> {
  return {
    id: r.id,
    kind: r.kind,
    key: r.key,
    payload: JSON.parse(r.payload) as P,
    state: r.state,
    attempts: r.attempts,
    runAt: r.run_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/**
 * Durable jobs. A job is `queued` until `claim` hands it out (`running`, attempts + 1), then
 * ends `done`, goes back to `queued` with a later `run_at` (`fail`), or to `dead` (the
 * dead-letter state, from which `retry` re-queues it). `key` is unique across all jobs, in
 * every state: enqueueing an existing key is a no-op, which is what makes the pipeline's
 * steps idempotent across crashes and duplicate notifications.
 */
/** Free slots shared by the jobs of `kinds` (one kind, or a group of kinds under one bound). */
export interface ClaimCap {
  readonly kinds: readonly string[];
  readonly free: number;
}

export class JobsRepo {
  private readonly claimAny: Database.Statement;
  private readonly claimMany: Database.Statement;
  private readonly getStmt: Database.Statement;
  private readonly getByKeyStmt: Database.Statement;
  private readonly insertStmt: Database.Statement;
  /** Prepared once per transition kind (a handful of fixed SQL texts). */
  private readonly transitions = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    this.claimAny = db.prepare(`UPDATE jobs SET state = 'running', attempts = attempts + 1, updated_at = @now
      WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= @now ORDER BY run_at, id LIMIT 1)
      RETURNING *`);
    this.claimMany = db.prepare(`UPDATE jobs SET state = 'running', attempts = attempts + 1, updated_at = @now
      WHERE id IN (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= @now ORDER BY run_at, id LIMIT @limit)
      RETURNING *`);
    this.getStmt = db.prepare('SELECT * FROM jobs WHERE id = ?');
    this.getByKeyStmt = db.prepare('SELECT * FROM jobs WHERE key = ?');
    this.insertStmt = db.prepare(`INSERT INTO jobs (kind, key, payload, state, attempts, run_at, created_at, updated_at)
                VALUES (?, ?, ?, 'queued', 0, ?, ?, ?) ON CONFLICT(key) DO NOTHING`);
  }

  /** Adds a job unless one with the same key exists (whatever its state); returns the job either way. */
  enqueue<P = unknown>(job: NewJob, now: number = Date.now()): { job: JobRow<P>; created: boolean } {
    const info = this.insertStmt.run(job.kind, job.key, JSON.stringify(job.payload ?? null), job.runAt ?? now, now, now);
    const row = this.getByKey<P>(job.key);
    if (!row) throw new MmsgwError('STORE_NOT_FOUND', `job ${job.key} vanished after insert`);
    return { job: row, created: info.changes > 0 };
  }

  /**
   * Atomically takes the next due job (oldest `run_at` first), optionally only of the given
   * kinds, and marks it running. Undefined when nothing is due.
   */
  claim<P = unknown>(now: number = Date.now(), kinds?: readonly string[]): JobRow<P> | undefined {
    let r: JobRecord | undefined;
    if (kinds === undefined) {
      r = this.claimAny.get({ now }) as JobRecord | undefined;
    } else if (kinds.length > 0) {
      r = this.db
        .prepare(`UPDATE jobs SET state = 'running', attempts = attempts + 1, updated_at = ?
          WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= ? AND kind IN (${kinds.map(() => '?').join(', ')})
                      ORDER BY run_at, id LIMIT 1)
          RETURNING *`)
        .get(now, now, ...kinds) as JobRecord | undefined;
    }
    return r && jobRow<P>(r);
  }

  /**
   * Group commit of the job worker: records the outcomes of finished jobs and claims up to
   * `limit` due jobs (oldest `run_at` first) in ONE transaction, so one commit (one fsync)
   * serves several jobs instead of two per job. Each outcome runs in its own savepoint: one
   * that cannot apply (the job changed state meanwhile) is reported in `errors` by index and
   * does not undo the others. Nothing is committed when the transaction itself fails.
   */
  settle(outcomes: readonly JobOutcome[], limit: number, now: number = Date.now(), caps?: readonly ClaimCap[]): { claimed: JobRow[]; errors: Map<number, unknown> } {
    const errors = new Map<number, unknown>();
    const one = this.db.transaction((o: JobOutcome) => this.apply(o, now));
    const claimed = this.db.transaction((): JobRow[] => {
      outcomes.forEach((o, i) => {
        try {
          one(o);
        } catch (e) {
          // Rolled back with its savepoint. A job whose last writes failed stays `running`: the
          // worker records it as failed (retry with backoff, or dead), as if its handler had thrown.
          errors.set(i, e);
        }
      });
      if (limit <= 0) return [];
      const rows = caps === undefined || caps.length === 0 ? (this.claimMany.all({ now, limit }) as JobRecord[]) : this.claimCapped(now, limit, caps);
      return rows.sort((a, b) => a.run_at - b.run_at || a.id - b.id).map((r) => jobRow(r));
    }).immediate();
    return { claimed, errors };
  }

  /**
   * Claims up to `limit` due jobs one at a time, oldest first, skipping the kinds of every cap
   * whose free slots are used up (the worker's bounds: one kind, or a group of kinds sharing
   * one bound). Inside `settle`'s transaction.
   */
  private claimCapped(now: number, limit: number, caps: readonly ClaimCap[]): JobRecord[] {
    const free = caps.map((c) => c.free);
    const rows: JobRecord[] = [];
    while (rows.length < limit) {
      const full = [...new Set(caps.flatMap((c, i) => ((free[i] ?? 0) <= 0 ? c.kinds : [])))];
      const r = this.db
        .prepare(`UPDATE jobs SET state = 'running', attempts = attempts + 1, updated_at = ?
          WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= ?${full.length > 0 ? ` AND kind NOT IN (${full.map(() => '?').join(', ')})` : ''}
                      ORDER BY run_at, id LIMIT 1)
          RETURNING *`)
        .get(now, now, ...full) as JobRecord | undefined;
      if (r === undefined) break;
      rows.push(r);
      caps.forEach((c, i) => {
        if (c.kinds.includes(r.kind)) free[i] = (free[i] ?? 0) - 1;
      });
    }
    return rows;
  }

  private apply(o: JobOutcome, now: number): void {
    if (o.outcome === 'done') {
      o.final?.();
      this.complete(o.id, now);
    }
    else if (o.outcome === 'retry') this.fail(o.id, o.retryAt, o.error, now);
    else this.dead(o.id, o.error, now);
  }

  complete(id: number, now: number = Date.now()): void {
    this.transition(id, ['running'], "state = 'done', last_error = NULL", now);
  }

  /** A transient failure: back to `queued`, due again at `retryAt`. */
  fail(id: number, retryAt: number, error: string, now: number = Date.now()): void {
    this.transition(id, ['running'], "state = 'queued', run_at = @retryAt, last_error = @error", now, { retryAt, error });
  }

  /** A permanent failure, or retries exhausted: to the dead-letter state. */
  dead(id: number, reason: string, now: number = Date.now()): void {
    this.transition(id, ['running', 'queued'], "state = 'dead', last_error = @error", now, { error: reason });
  }

  /** Dead-letter → queued, due now, attempts reset (an operator's "try again"). */
  retry(id: number, now: number = Date.now()): void {
    this.transition(id, ['dead'], "state = 'queued', run_at = @now, attempts = 0", now);
  }

  /** Dead or done → queued, due now, attempts reset: the work is wanted again (a carrier's resent notification). */
  requeue(id: number, now: number = Date.now()): void {
    this.transition(id, ['dead', 'done'], "state = 'queued', run_at = @now, attempts = 0, last_error = NULL", now);
  }

  /** Replaces the payload of a job (progress a step wants to survive a crash). */
  updatePayload(id: number, payload: unknown, now: number = Date.now()): void {
    this.transition(id, ['queued', 'running'], 'payload = @payload', now, { payload: JSON.stringify(payload ?? null) });
  }

  /** Re-queues jobs a crash left `running`; call once at start-up before claiming. Returns how many. */
  recoverRunning(now: number = Date.now()): number {
    return this.db.prepare("UPDATE jobs SET state = 'queued', run_at = ?, updated_at = ? WHERE state = 'running'").run(now, now).changes;
  }

  get<P = unknown>(id: number): JobRow<P> | undefined {
    const r = this.getStmt.get(id) as JobRecord | undefined;
    return r && jobRow<P>(r);
  }

  getByKey<P = unknown>(key: string): JobRow<P> | undefined {
    const r = this.getByKeyStmt.get(key) as JobRecord | undefined;
    return r && jobRow<P>(r);
  }

  /** When the next queued job is due (for the scheduler's sleep), or undefined. */
  nextRunAt(): number | undefined {
    const v = this.db.prepare("SELECT min(run_at) FROM jobs WHERE state = 'queued'").pluck().get() as number | null;
    return v ?? undefined;
  }

  list(state?: JobState, limit = 100): JobRow[] {
    const rows = (
      state
        ? this.db.prepare('SELECT * FROM jobs WHERE state = ? ORDER BY id DESC LIMIT ?').all(state, limit)
        : this.db.prepare('SELECT * FROM jobs ORDER BY id DESC LIMIT ?').all(limit)
    ) as JobRecord[];
    return rows.map((r) => jobRow(r));
  }

  counts(): Record<JobState, number> {
    const out: Record<JobState, number> = { queued: 0, running: 0, done: 0, dead: 0 };
    for (const r of this.db.prepare('SELECT state, count(*) AS n FROM jobs GROUP BY state').all() as { state: JobState; n: number }[]) {
      out[r.state] = r.n;
    }
    return out;
  }

  /** Deletes `done` jobs last updated before `before`; their keys become reusable. */
  purgeDone(before: number): number {
    return this.db.prepare("DELETE FROM jobs WHERE state = 'done' AND updated_at < ?").run(before).changes;
  }

  private transition(id: number, from: readonly JobState[], set: string, now: number, extra: Record<string, unknown> = {}): void {
    const sql = `UPDATE jobs SET ${set}, updated_at = @now WHERE id = @id AND state IN (${from.map((s) => `'${s}'`).join(', ')})`;
    let stmt = this.transitions.get(sql);
    if (!stmt) this.transitions.set(sql, (stmt = this.db.prepare(sql)));
    const info = stmt.run({ id, now, ...extra });
    if (info.changes === 0) {
      const job = this.get(id);
      throw new MmsgwError(
        job ? 'STORE_JOB_STATE' : 'STORE_NOT_FOUND',
        job ? `job ${id} is ${job.state}, expected ${from.join(' or ')}` : `job ${id} does not exist`,
        { details: { id, state: job?.state } },
      );
    }
  }
}
