import { AtError } from './errors.js';

/**
 * Whose turn it is on the AT channel: one job at a time (a command, an exclusive sequence, an
 * escape), the rest waiting in FIFO order — except that a `receive` job (AtCommand.receive)
 * goes behind the last waiting one of its kind, ahead of the rest; never ahead of the job that
 * has started. A job's AbortSignal takes it out while it waits (once started, aborting it is the
 * job's business). A job offered while the port is closed is rejected at once, and `failAll`
 * rejects every waiting one when the port closes.
 */
interface Waiting {
  /** A `receive` job: waits ahead of those that are not (AtCommand.receive). */
  readonly receive: boolean;
  readonly start: () => void;
  readonly fail: (e: AtError) => void;
}

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
        start: () => {
          started = true;
          signal?.removeEventListener('abort', onAbort);
          job().then(resolve, reject).finally(() => {
            this.busy = false;
            this.pump();
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
      // ahead of the rest (AtCommand.receive).
      if (receive) {
        const firstOther = this.waiting.findIndex((q) => !q.receive);
        this.waiting.splice(firstOther < 0 ? this.waiting.length : firstOther, 0, item);
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
