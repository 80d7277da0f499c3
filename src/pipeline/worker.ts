import { EventEmitter } from 'node:events';
import type { Logger } from '../util/log.js';
import { errorMessage } from '../util/errors.js';
import { isPermanent } from './errors.js';
import { DEFAULT_BACKOFF, nextRetryAt, type BackoffPolicy } from './backoff.js';

/** A job as the worker sees it. The durable row lives in the store (src/store). */
export interface ClaimedJob {
  readonly id: number;
  readonly kind: string;
  readonly key: string;
  readonly payload: unknown;
  /** Attempts made, this one included (the store counts a claim as an attempt). */
  readonly attempts: number;
}

/** The store's side of the job contract (implemented by src/store). */
export interface JobQueue {
  claim(now: number): ClaimedJob | undefined;
  complete(id: number): void;
  fail(id: number, retryAt: number, error: string): void;
  dead(id: number, reason: string): void;
  /** Earliest run time of a queued job, to sleep until then. */
  nextRunAt(): number | undefined;
}

export interface JobHandler {
  run(job: ClaimedJob, signal: AbortSignal): Promise<void>;
  /** Retry policy for this kind of job. */
  readonly backoff?: BackoffPolicy;
  /** Give up retrying after this instant (e.g. the MMS notification's expiry). */
  deadline?(job: ClaimedJob): number | undefined;
  /** Called once the job is dead-lettered: make the failure visible (state, notices). Errors are logged. */
  onDead?(job: ClaimedJob, reason: string): void | Promise<void>;
}

export interface WorkerOptions {
  readonly queue: JobQueue;
  readonly handlers: Readonly<Record<string, JobHandler>>;
  readonly log: Logger;
  /** Jobs run at once. Modem access is serialised below by the AT channel anyway. */
  readonly concurrency?: number;
  /** Longest sleep between polls (also bounds clock-jump effects). */
  readonly maxIdleMs?: number;
  readonly now?: () => number;
  /**
   * Looks at an error from a handler or from the queue itself; returns true when it means the
   * store cannot be written (disk full). The worker then pauses instead of failing the job (or
   * crashing on the write that records the failure) until `resume`.
   */
  readonly storeFailure?: (e: unknown) => boolean;
}

/**
 * Runs durable jobs: claims the next due job, runs its handler, and records the outcome
 * (done, retry at, or dead with the reason). A job left `running` by a crash is re-queued
 * by the store on open, so every step must be idempotent.
 */
export class JobWorker extends EventEmitter {
  private readonly queue: JobQueue;
  private readonly handlers: Readonly<Record<string, JobHandler>>;
  private readonly log: Logger;
  private readonly concurrency: number;
  private readonly maxIdleMs: number;
  private readonly now: () => number;
  private readonly abort = new AbortController();
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private paused = false;
  private readonly storeFailure: (e: unknown) => boolean;
  private readonly inflight = new Set<Promise<void>>();
  /** Last time the loop made progress, for the systemd watchdog. */
  lastTick = Date.now();

  constructor(options: WorkerOptions) {
    super();
    this.queue = options.queue;
    this.handlers = options.handlers;
    this.log = options.log;
    this.concurrency = options.concurrency ?? 2;
    this.maxIdleMs = options.maxIdleMs ?? 1_000;
    this.now = options.now ?? Date.now;
    this.storeFailure = options.storeFailure ?? (() => false);
  }

  /** Claims nothing until `resume` (the store cannot be written). Running jobs go on. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.poke();
  }

  /** Resolves when no job is running. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  start(): void {
    this.stopped = false;
    this.poke();
  }

  /** Something was enqueued: look for work now instead of at the next timer. */
  poke(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    setImmediate(() => this.pump());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    await Promise.allSettled([...this.inflight]);
  }

  private pump(): void {
    this.lastTick = Date.now();
    while (!this.stopped && !this.paused && this.running < this.concurrency) {
      let job: ClaimedJob | undefined;
      try {
        job = this.queue.claim(this.now());
      } catch (e) {
        if (!this.onStoreFailure(e)) throw e;
        break;
      }
      if (!job) break;
      this.running++;
      const p = this.execute(job).finally(() => {
        this.running--;
        this.inflight.delete(p);
        if (!this.stopped) setImmediate(() => this.pump());
      });
      this.inflight.add(p);
    }
    if (this.stopped || this.running >= this.concurrency) return;
    let next: number | undefined;
    try {
      next = this.paused ? undefined : this.queue.nextRunAt();
    } catch (e) {
      if (!this.onStoreFailure(e)) throw e;
    }
    const wait = next === undefined ? this.maxIdleMs : Math.max(0, Math.min(this.maxIdleMs, next - this.now()));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), wait);
  }

  private async execute(job: ClaimedJob): Promise<void> {
    const handler = this.handlers[job.kind];
    if (!handler) {
      await this.record(() => {
        this.queue.dead(job.id, `no handler for job kind '${job.kind}'`);
        this.emit('dead', job, `no handler for job kind '${job.kind}'`);
      });
      return;
    }
    const started = Date.now();
    try {
      await handler.run(job, this.abort.signal);
    } catch (e) {
      if (this.onStoreFailure(e)) {
        // Not the job's fault: it runs again once space returns (a write that fails here
        // leaves it `running`; the gateway re-queues those on resume).
        await this.record(() => this.queue.fail(job.id, this.now(), `paused: ${errorMessage(e)}`));
        return;
      }
      await this.record(() => this.failed(job, handler, e));
      return;
    }
    await this.record(() => {
      this.queue.complete(job.id);
      this.log.debug({ job: job.key, ms: Date.now() - started }, 'job done');
      this.emit('done', job);
    });
  }

  /** Runs a queue write; a disk-full error pauses the worker, anything else is logged. */
  private record(fn: () => void | Promise<void>): Promise<void> {
    return Promise.resolve()
      .then(fn)
      .catch((e: unknown) => {
        if (this.onStoreFailure(e)) return;
        this.log.error({ err: errorMessage(e) }, 'cannot record a job outcome');
      });
  }

  private onStoreFailure(e: unknown): boolean {
    if (!this.storeFailure(e)) return false;
    this.paused = true;
    return true;
  }

  private async failed(job: ClaimedJob, handler: JobHandler, e: unknown): Promise<void> {
    const reason = errorMessage(e);
    if (this.stopped) {
      // Shutting down: leave it for the next start, without counting the attempt as failed.
      this.queue.fail(job.id, this.now(), `interrupted: ${reason}`);
      return;
    }
    const attempts = job.attempts;
    const retryAt = isPermanent(e)
      ? undefined
      : nextRetryAt(attempts, this.now(), handler.backoff ?? DEFAULT_BACKOFF, handler.deadline?.(job));
    if (retryAt === undefined) {
      this.queue.dead(job.id, reason);
      this.log.warn({ job: job.key, attempts, err: reason }, 'job dead-lettered');
      try {
        await handler.onDead?.(job, reason);
      } catch (err) {
        this.log.error({ job: job.key, err: errorMessage(err) }, 'dead-letter hook failed');
      }
      this.emit('dead', job, reason);
    } else {
      this.queue.fail(job.id, retryAt, reason);
      this.log.info({ job: job.key, attempts, retryInMs: retryAt - this.now(), err: reason }, 'job will be retried');
      this.emit('retry', job, reason);
    }
  }
}
