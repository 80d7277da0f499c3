import type { Store } from '../store/index.js';
import type { ClaimedJob, JobFinal, JobHandler } from './worker.js';

/**
 * Where a pipeline step puts its last writes — those after its last exchange with the outside
 * world, that nothing waits for before the step ends: committed at once in a transaction of
 * their own (`commitNow`, the default for callers outside the job worker), or collected by
 * `asJobFinal` and handed to the worker, which commits them with the job's move to `done`, in
 * the commit that records the round's outcomes (one commit fewer per job; if they fail, the job
 * has failed, and its retry does them again).
 */
export type LastWrites = (writes: () => void) => void;

export function commitNow(store: Store): LastWrites {
  return (writes) => store.tx(writes);
}

/** Runs `step` with a LastWrites that collects; returns what it collected as the job's final writes. */
export async function asJobFinal(step: (last: LastWrites) => Promise<void>): Promise<JobFinal | undefined> {
  const collected: (() => void)[] = [];
  await step((writes) => collected.push(writes));
  if (collected.length === 0) return undefined;
  return () => {
    for (const writes of collected) writes();
  };
}

/**
 * Runs a claimed job to `done` outside the worker (benches, test harnesses that drain jobs one
 * by one), as the worker does: its last writes and its move to `done` in one transaction. A
 * loop that called `run` and then `complete` would drop those writes. If the handler or its
 * last writes throw, nothing of them is committed, the job stays `running`, and the error is
 * thrown: the caller records the failure (the worker retries with backoff, test/pipeline/harness.ts
 * fails the job).
 */
export async function runToDone(store: Store, handler: JobHandler, job: ClaimedJob, signal: AbortSignal, now: number = Date.now()): Promise<void> {
  const final = await handler.run(job, signal);
  store.tx(() => {
    final?.();
    store.jobs.complete(job.id, now);
  });
}
