import type Database from 'better-sqlite3';
import { JobsRepo, SubmissionsRepo, type JobRow, type JobState, type Store, type UncertainSubmission } from '../store/index.js';
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

/** Sends a crash left uncertain (resent or held), newest first. */
export function listUncertain(db: Database.Database, limit: number): UncertainSubmission[] {
  return new SubmissionsRepo(db).uncertain(limit);
}

export function renderUncertain(rows: readonly UncertainSubmission[]): string {
  if (rows.length === 0) return 'no uncertain sends';
  return table(
    ['msg', 'kind', 'part', 'to', 'state', 'resolution', 'times', 'job', 'sender'],
    rows.map((r) => [
      String(r.msgId),
      r.kind,
      r.recipient ? `${r.seq}/${r.total}` : '-',
      clean(r.recipient || '(all)'),
      r.messageState,
      r.resolution === 'held' ? 'held: `mmsgw retry` sends it' : (r.resolution ?? '-'),
      String(r.uncertain),
      r.jobId === null ? '-' : String(r.jobId),
      truncate(r.from, 30),
    ]),
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
    releaseHeld(store, job, now);
    return { retried: [{ id, key: job.key, lastError: job.lastError }] };
  });
}

/**
 * A send job dead because `outbound.uncertain: hold` kept back a send a crash left uncertain:
 * re-queueing it is the operator's answer "send it again", so the held sends are released.
 */
function releaseHeld(store: Store, job: JobRow, now: number): void {
  if (job.kind !== 'send-sms' && job.kind !== 'send-mms') return;
  const msgId = (job.payload as { msgId?: unknown } | null)?.msgId;
  if (typeof msgId === 'number') store.submissions.releaseHeld(msgId, now);
}

/** Every dead job back to queued, in one transaction. */
export function retryAllDead(store: Store, now: number = Date.now()): RetryResult {
  return store.tx(() => {
    const dead = store.db.prepare("SELECT id, key, last_error AS lastError FROM jobs WHERE state = 'dead' ORDER BY id").all() as {
      id: number;
      key: string;
      lastError: string | null;
    }[];
    for (const j of dead) {
      store.jobs.retry(j.id, now);
      const job = store.jobs.get(j.id);
      if (job) releaseHeld(store, job, now);
    }
    return { retried: dead };
  });
}
