import type Database from 'better-sqlite3';
import { JobsRepo, type JobRow, type JobState, type Store } from '../store/index.js';
import { MmsgwError } from '../util/errors.js';
import { clean, table, time, truncate } from './text.js';

export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'done', 'dead'];

export function isJobState(s: string): s is JobState {
  return (JOB_STATES as readonly string[]).includes(s);
}

/** Newest first, optionally of one state. */
export function listJobs(db: Database.Database, state: JobState | undefined, limit: number): JobRow[] {
  return new JobsRepo(db).list(state, limit);
}

export function renderJobs(jobs: readonly JobRow[]): string {
  if (jobs.length === 0) return 'no jobs';
  return table(
    ['id', 'kind', 'key', 'state', 'attempts', 'run at', 'last error'],
    jobs.map((j) => [String(j.id), clean(j.kind), truncate(j.key, 40), j.state, String(j.attempts), time(j.runAt), truncate(j.lastError, 60)]),
  );
}

export interface RetryResult {
  readonly retried: readonly { id: number; key: string; lastError: string | null }[];
}

/**
 * Dead-letter → queued, due now, attempts reset (JobsRepo.retry). The running gateway's
 * worker is woken by this commit (it watches the database's WAL, src/app/db-wake.ts), so it
 * takes the job up at once, or as soon as one of its job slots is free.
 */
export function retryJob(store: Store, id: number, now: number = Date.now()): RetryResult {
  return store.tx(() => {
    const job = store.jobs.get(id);
    if (!job) throw new MmsgwError('OPS_NOT_FOUND', `no such job ${id}`, { details: { id } });
    if (job.state !== 'dead') throw new MmsgwError('OPS_NOT_DEAD', `job ${id} (${job.key}) is not a dead job: it is ${job.state}`, { details: { id, state: job.state } });
    store.jobs.retry(id, now);
    return { retried: [{ id, key: job.key, lastError: job.lastError }] };
  });
}

/** Every dead job back to queued, in one transaction. */
export function retryAllDead(store: Store, now: number = Date.now()): RetryResult {
  return store.tx(() => {
    const dead = store.db.prepare("SELECT id, key, last_error AS lastError FROM jobs WHERE state = 'dead' ORDER BY id").all() as {
      id: number;
      key: string;
      lastError: string | null;
    }[];
    for (const j of dead) store.jobs.retry(j.id, now);
    return { retried: dead };
  });
}
