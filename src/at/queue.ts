import { AtError } from './errors.js';

/**
 * Whose turn it is on the AT channel: one job at a time (a command, an exclusive sequence, an
 * escape), the rest waiting in FIFO order — except that a `receive` job (AtCommand.receive)
 * goes behind the last waiting one of its kind, ahead of the rest; never ahead of the job that
 * has started, and never ahead of a job that MAX_OVERTAKEN receive jobs have overtaken already.
 * The turn passes once the continuations of the job that ended have run: a receive job its
 * caller queues there (a sweep's next step) goes ahead of the waiting ones, as if queued with
 * it. A job's AbortSignal takes it out while it waits (once started, aborting it is the job's
 * business). A job offered while the port is closed is rejected at once, and `failAll` rejects
 * every waiting one when the port closes.
 */
interface Waiting {
  /** A `receive` job: waits ahead of those that are not (AtCommand.receive). */
  readonly receive: boolean;
  /** How many receive jobs went ahead of this one while it waited. */
  overtaken: number;
  readonly start: () => void;
  readonly fail: (e: AtError) => void;
}

/**
 * Receive jobs that may go ahead of another waiting job. Reading first keeps the modem's SMS
 * storage from filling in a burst (a full storage makes the network hold or refuse messages),
 * but without a bound a steady stream of received SMS — each sweep a listing and its deletes —
 * held an SMS send back for seconds: in a burst of 300, sends went through about one a second
 * until the last received SMS was read. Sixteen is about two sweeps of eight messages.
 */
export const MAX_OVERTAKEN = 16;

export class CommandQueue {
  private readonly waiting: Waiting[] = [];
  private busy = false;

  /** `isOpen` says whether the port is open now. */
  constructor(private readonly isOpen: () => boolean) {}

  /** Runs `job` in its turn; settles as the job settles. */
  enqueue<T>(job: () => Promise<T>, signal: AbortSignal | undefined, receive = false): Promise<T> {
    if (!this.isOpen()) return Promise.reject(new AtError('AT_PORT_CLOSED', 'the AT port is closed'));
    if (signal?.aborted) return Promise.reject(new AtError('AT_ABORTED', 'aborted before it was queued'));
    return new Promise<T>((resolve, reject) => {
      let started = false;
      const item: Waiting = {
        receive,
        overtaken: 0,
        start: () => {
          started = true;
          signal?.removeEventListener('abort', onAbort);
          // The turn passes on a macrotask later: what the job's caller queues next in its
          // continuation (a sweep's listing after its +CPMS, its deletes after the listing) is
          // queued by then and takes its place. Passed at once, the first waiting send started
          // before it, and each step of a sweep waited for an SMSC's answer.
          job().then(resolve, reject).finally(() => {
            setImmediate(() => {
              this.busy = false;
              this.pump();
            });
          });
        },
        fail: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      const onAbort = (): void => {
        if (started) return;
        const i = this.waiting.indexOf(item);
        if (i >= 0) this.waiting.splice(i, 1);
        item.fail(new AtError('AT_ABORTED', 'aborted while queued'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // FIFO, except that a `receive` command goes behind the last queued one of its kind,
      // ahead of the rest (AtCommand.receive) — but behind any it has overtaken MAX_OVERTAKEN times.
      if (receive) {
        let at = this.waiting.length;
        while (at > 0) {
          const q = this.waiting[at - 1] as Waiting;
          if (q.receive || q.overtaken >= MAX_OVERTAKEN) break;
          at--;
        }
        for (let i = at; i < this.waiting.length; i++) (this.waiting[i] as Waiting).overtaken++;
        this.waiting.splice(at, 0, item);
      } else this.waiting.push(item);
      this.pump();
    });
  }

  /** Rejects every waiting job with a fresh `error()` each; the running one ends on its own. */
  failAll(error: () => AtError): void {
    for (const q of this.waiting.splice(0)) q.fail(error());
  }

  private pump(): void {
    if (this.busy) return;
    const next = this.waiting.shift();
    if (!next) return;
    this.busy = true;
    next.start();
  }
}
