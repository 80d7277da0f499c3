import { EventEmitter, setMaxListeners } from 'node:events';
import type { Logger } from '../util/log.js';
import { crashPoint } from '../util/crash-point.js';
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

/**
 * A job's last writes (JobHandler.run's result): committed with its move to `done`, in the
 * worker's group commit, instead of in a commit of their own. If they fail, they are rolled
 * back and the job has failed: retried with its backoff, or dead-lettered.
 */
export type JobFinal = () => void;

/** What became of a job the worker ran (recorded by `JobQueue.settle`). */
export type JobOutcome =
  | { readonly id: number; readonly outcome: 'done'; readonly final?: JobFinal }
  | { readonly id: number; readonly outcome: 'retry'; readonly retryAt: number; readonly error: string }
  | { readonly id: number; readonly outcome: 'dead'; readonly error: string };

/** The store's side of the job contract (implemented by src/store). */
export interface JobQueue {
  /**
   * Records `outcomes` and claims up to `limit` due jobs in ONE commit (group commit: one
   * fsync for several jobs' transitions), for each cap at most `free` more of its `kinds`.
   * `errors` maps an outcome's index to why it could not be applied; the others stand.
   */
  settle(outcomes: readonly JobOutcome[], limit: number, now: number, caps?: readonly { readonly kinds: readonly string[]; readonly free: number }[]): { claimed: ClaimedJob[]; errors: Map<number, unknown> };
  /** Earliest run time of a queued job, to sleep until then. */
  nextRunAt(): number | undefined;
}

export interface JobHandler {
  /** Does the job; may return its last writes, to be committed with its outcome (JobFinal). */
  run(job: ClaimedJob, signal: AbortSignal): Promise<void | JobFinal>;
  /** Retry policy for this kind of job. */
  readonly backoff?: BackoffPolicy;
  /** Give up retrying after this instant (e.g. the MMS notification's expiry). */
  deadline?(job: ClaimedJob): number | undefined;
  /** Called once the job is dead-lettered: make the failure visible (state, notices). Errors are logged. */
  onDead?(job: ClaimedJob, reason: string): void | Promise<void>;
}

/** At most `max` jobs of `kinds` run at once: one kind, or a group of kinds sharing the bound. */
export interface KindLimit {
  readonly kinds: readonly string[];
  readonly max: number;
}

export interface WorkerOptions {
  readonly queue: JobQueue;
  readonly handlers: Readonly<Record<string, JobHandler>>;
  readonly log: Logger;
  /**
   * Jobs run at once (default DEFAULT_CONCURRENCY). Modem access is serialised below by the AT
   * channel anyway; the SMTP pool bounds the relays' connections.
   */
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
  /**
   * How long a finished job's outcome waits for other running jobs (default GATHER_MS). 0
   * gathers what finishes within one event-loop turn: right when a commit costs no fsync
   * (the store's `acknowledge` durability), where waiting only adds latency.
   */
  readonly gatherMs?: number;
  /**
   * The most jobs of a kind that may run at once (asked at every round). A kind whose jobs
   * wait for one resource — SMS sends for the modem's AT channel, each waiting for the SMSC's
   * answer to +CMGS — would otherwise hold every slot while the jobs that do not need it (a
   * received SMS to assemble, a relay) wait behind them.
   */
  readonly kindLimits?: () => readonly KindLimit[];
}

/**
 * Jobs in flight by default. Most jobs wait on I/O (an SMTP server's answer, the MMSC, a VASP,
 * the modem) for far longer than they compute, so the slots must outnumber the cores by a lot
 * to keep the process busy in a burst: with 6, the gateway sat at a third of a core while
 * relays and MM7 deliveries waited for answers (docs/PERFORMANCE.md, "Jobs in flight"). Jobs
 * that hold a whole message in memory are bounded apart (`kindLimits`, src/app/job-limits.ts).
 */
export const DEFAULT_CONCURRENCY = 16;

/**
 * How long a finished job's outcome waits for other running jobs to finish, so that their
 * outcomes and the claims that refill their slots share one commit (one fsync).
 */
const GATHER_MS = 5;
/**
 * With half the slots or more busy (a burst), the wait is this many times longer: with that
 * many jobs in flight others finish within it, and each round's transaction (the outcomes in
 * their savepoints, the claims, the commit) is then shared by three times as many jobs. In a
 * burst of 300 messages: 2,215 → 1,563 worker commits and 25.3 → 21.9 ms of gateway CPU a
 * message (docs/PERFORMANCE.md, "Seventh round"). A job running alone, or beside a few, is
 * recorded as before, so a quiet box's latency does not change.
 */
const BUSY_GATHER_FACTOR = 3;

/** A finished job waiting for the next group commit of outcomes. */
interface Pending {
  readonly outcome: JobOutcome;
  readonly kind: string;
  /** Runs once the outcome is committed (events, logs, dead-letter hooks). */
  readonly after: () => void | Promise<void>;
  /** A done outcome whose last writes failed (rolled back; the job is still `running`): record the failure. */
  readonly finalFailed?: (e: unknown) => Promise<void>;
  readonly settled: () => void;
}

/**
 * Runs durable jobs: claims due jobs, runs their handlers, and records each outcome (done,
 * retry at, or dead with the reason). Outcomes and claims are group-committed: every round
 * of the loop writes the outcomes of the jobs that finished since the last round and claims
 * as many jobs as there are free slots, in one transaction. An outcome is only a job-table
 * mark after the handler's own (durable) work; a crash before it is committed re-runs the
 * job, exactly as a crash between the handler and a per-job commit would. A job left
 * `running` by a crash is re-queued by the store on open, so every step must be idempotent.
 */
export class JobWorker extends EventEmitter {
  private readonly queue: JobQueue;
  private readonly handlers: Readonly<Record<string, JobHandler>>;
  private readonly log: Logger;
  private readonly concurrency: number;
  private readonly maxIdleMs: number;
  private readonly gatherMs: number;
  private readonly now: () => number;
  private readonly abort = new AbortController();
  private running = 0;
  private readonly runningByKind = new Map<string, number>();
  private readonly kindLimits: (() => readonly KindLimit[]) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private paused = false;
  private readonly storeFailure: (e: unknown) => boolean;
  private readonly inflight = new Set<Promise<void>>();
  /** Outcomes not yet committed (see `settle`). */
  private pending: Pending[] = [];
  private pumpQueued = false;
  private gatherTimer: NodeJS.Timeout | undefined;
  /** Last time the loop made progress, for the systemd watchdog. */
  lastTick = Date.now();

  constructor(options: WorkerOptions) {
    super();
    this.queue = options.queue;
    this.handlers = options.handlers;
    this.log = options.log;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    // Every running job listens to this signal (its requests, its deadline): a few each.
    setMaxListeners(Math.max(10, 4 * this.concurrency), this.abort.signal);
    this.maxIdleMs = options.maxIdleMs ?? 1_000;
    this.gatherMs = options.gatherMs ?? GATHER_MS;
    this.kindLimits = options.kindLimits;
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
    // Busy already: the new job joins the next gathered round instead of a commit of its own.
    if (this.running > 0) this.gather();
    else this.schedule();
  }

  /** A pump within `gatherMs` (one pending at most), so that what happens meanwhile shares its commit. */
  private gather(): void {
    if (this.pumpQueued) return;
    if (this.gatherMs <= 0) return this.schedule();
    this.gatherTimer ??= setTimeout(
      () => {
        this.gatherTimer = undefined;
        this.schedule();
      },
      this.running * 2 >= this.concurrency ? BUSY_GATHER_FACTOR * this.gatherMs : this.gatherMs,
    );
  }

  /** One pump per event-loop turn, however many jobs finished or pokes arrived in it. */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    await Promise.allSettled([...this.inflight]);
  }

  private pump(): void {
    this.lastTick = Date.now();
    if (this.gatherTimer) clearTimeout(this.gatherTimer);
    this.gatherTimer = undefined;
    const batch = this.pending;
    this.pending = [];
    // Jobs whose outcome is in this batch leave their slot once it is committed.
    const busy = this.running - batch.length;
    const limit = this.stopped || this.paused ? 0 : this.concurrency - busy;
    let claimed: ClaimedJob[] = [];
    let errors = new Map<number, unknown>();
    let committed = batch.length === 0;
    if (batch.length > 0) crashPoint('jobs-settle');
    if (batch.length > 0 || limit > 0) {
      try {
        ({ claimed, errors } = this.queue.settle(
          batch.map((p) => p.outcome),
          limit,
          this.now(),
          this.caps(batch),
        ));
        committed = true;
      } catch (e) {
        // Nothing of the batch was written: its jobs stay `running` (re-queued on resume or restart).
        if (!this.onStoreFailure(e)) this.log.error({ err: errorMessage(e) }, 'cannot record job outcomes');
      }
    }
    for (const [i, p] of batch.entries()) {
      const err = committed ? errors.get(i) : 'not committed';
      if (err !== undefined) {
        // Logged (or the worker paused) once for the whole batch when nothing was committed.
        if (!committed) {
          p.settled();
          continue;
        }
        if (p.finalFailed && !this.onStoreFailure(err)) {
          // Its last writes failed and were rolled back: a failure of the job like any other —
          // retried with its backoff, dead-lettered when they run out — never an instant rerun,
          // which a write that always fails would turn into a busy loop. It keeps its slot.
          this.log.warn({ job: p.outcome.id, err: errorMessage(err) }, 'a job\'s last writes failed');
          this.running++;
          this.runningByKind.set(p.kind, (this.runningByKind.get(p.kind) ?? 0) + 1);
          void p.finalFailed(err).finally(p.settled);
          continue;
        }
        if (!this.onStoreFailure(err)) this.log.error({ job: p.outcome.id, err: errorMessage(err) }, 'cannot record a job outcome');
        p.settled();
        continue;
      }
      void Promise.resolve()
        .then(p.after)
        .catch((e: unknown) => this.log.error({ job: p.outcome.id, err: errorMessage(e) }, 'job outcome follow-up failed'))
        .finally(p.settled);
    }
    this.running -= batch.length;
    for (const p of batch) this.runningByKind.set(p.kind, (this.runningByKind.get(p.kind) ?? 1) - 1);
    for (const job of claimed) this.start1(job);
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

  /** Free slots under each limit once the jobs of `batch` have left theirs. */
  private caps(batch: readonly Pending[]): { kinds: readonly string[]; free: number }[] | undefined {
    const limits = this.kindLimits?.();
    if (limits === undefined) return undefined;
    return limits.map(({ kinds, max }) => {
      let running = 0;
      for (const kind of kinds) running += this.runningByKind.get(kind) ?? 0;
      const leaving = batch.filter((p) => kinds.includes(p.kind)).length;
      return { kinds, free: Math.max(0, max - (running - leaving)) };
    });
  }

  private start1(job: ClaimedJob): void {
    this.running++;
    this.runningByKind.set(job.kind, (this.runningByKind.get(job.kind) ?? 0) + 1);
    const p = this.execute(job).finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  /** Hands a finished job's outcome to the next group commit; resolves once it is committed and followed up. */
  private settle(job: ClaimedJob, outcome: JobOutcome, after: () => void | Promise<void> = () => undefined, finalFailed?: (e: unknown) => Promise<void>): Promise<void> {
    return new Promise<void>((settled) => {
      this.pending.push({ outcome, kind: job.kind, after, settled, ...(finalFailed ? { finalFailed } : {}) });
      // Other jobs still running: give them `gatherMs` to finish too, so one commit records
      // several outcomes and refills several slots. A lone job is recorded at once.
      if (this.stopped || this.running - this.pending.length <= 0) this.schedule();
      else this.gather();
    });
  }

  private async execute(job: ClaimedJob): Promise<void> {
    const handler = this.handlers[job.kind];
    if (!handler) {
      const reason = `no handler for job kind '${job.kind}'`;
      await this.settle(job, { id: job.id, outcome: 'dead', error: reason }, () => void this.emit('dead', job, reason));
      return;
    }
    const started = Date.now();
    let final: JobFinal | void;
    try {
      final = await handler.run(job, this.abort.signal);
    } catch (e) {
      if (this.onStoreFailure(e)) {
        // Not the job's fault: it runs again once space returns (a write that fails here
        // leaves it `running`; the gateway re-queues those on resume).
        await this.settle(job, { id: job.id, outcome: 'retry', retryAt: this.now(), error: `paused: ${errorMessage(e)}` });
        return;
      }
      await this.failed(job, handler, e);
      return;
    }
    await this.settle(
      job,
      { id: job.id, outcome: 'done', ...(final ? { final } : {}) },
      () => {
        this.log.debug({ job: job.key, ms: Date.now() - started }, 'job done');
        this.emit('done', job);
      },
      final ? (e) => this.failed(job, handler, e) : undefined,
    );
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
      await this.settle(job, { id: job.id, outcome: 'retry', retryAt: this.now(), error: `interrupted: ${reason}` });
      return;
    }
    const attempts = job.attempts;
    const retryAt = isPermanent(e)
      ? undefined
      : nextRetryAt(attempts, this.now(), handler.backoff ?? DEFAULT_BACKOFF, handler.deadline?.(job));
    if (retryAt === undefined) {
      await this.settle(job, { id: job.id, outcome: 'dead', error: reason }, async () => {
        this.log.warn({ job: job.key, attempts, err: reason }, 'job dead-lettered');
        try {
          await handler.onDead?.(job, reason);
        } catch (err) {
          this.log.error({ job: job.key, err: errorMessage(err) }, 'dead-letter hook failed');
        }
        this.emit('dead', job, reason);
      });
    } else {
      await this.settle(job, { id: job.id, outcome: 'retry', retryAt, error: reason }, () => {
        this.log.info({ job: job.key, attempts, retryInMs: retryAt - this.now(), err: reason }, 'job will be retried');
        this.emit('retry', job, reason);
      });
    }
  }
}
