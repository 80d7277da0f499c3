import { EventEmitter } from 'node:events';
import { statfsSync } from 'node:fs';
import { MmsgwError, errorMessage } from '../util/errors.js';
import type { Logger } from '../util/log.js';

/**
 * Whether `e` (or anything in its cause chain) says the file system is full: SQLite's
 * SQLITE_FULL (extended codes included) or the OS's ENOSPC / EDQUOT (a blob write).
 */
export function isDiskFull(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur !== null && typeof cur === 'object' && depth < 8; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('SQLITE_FULL') || code === 'ENOSPC' || code === 'EDQUOT')) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

export interface DiskGuardOptions {
  /** The state directory: its file system is the one watched. */
  readonly stateDir: string;
  /** Intake pauses below this many free bytes and resumes at or above it. */
  readonly minFreeBytes: number;
  /** How often free space is checked. */
  readonly checkMs?: number;
  readonly log: Logger;
  /** Tells the owner, once per episode (a mail does not need the local disk). */
  readonly alert?: (text: string) => Promise<void>;
  /** Free bytes on the state directory's file system (injectable for tests). */
  readonly freeBytes?: () => number | null;
}

/**
 * Intake pauses when the state directory's file system is full, and resumes by itself.
 *
 * A full SD card must not turn into a restart loop, nor into lost messages: while paused the
 * gateway takes nothing it cannot store — an SMS stays on the SIM (the intake handler fails,
 * so the modem keeps it), mail is answered 451 (the sender's server retries), jobs are not
 * claimed — and says so once (log at error level, one mail to the owner). It pauses when a
 * write fails with SQLITE_FULL / ENOSPC (`observe`) or when less than `minFreeBytes` is free;
 * it resumes when at least that much is free again, checked every `checkMs`.
 */
export class DiskGuard extends EventEmitter {
  private paused = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly checkMs: number;
  private readonly free: () => number | null;

  constructor(private readonly o: DiskGuardOptions) {
    super();
    this.checkMs = o.checkMs ?? 10_000;
    this.free = o.freeBytes ?? (() => {
      try {
        const s = statfsSync(o.stateDir);
        return s.bavail * s.bsize;
      } catch {
        return null;
      }
    });
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Starts the periodic check (pauses at once if space is already short). */
  start(): void {
    this.check();
    this.timer = setInterval(() => this.check(), this.checkMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Throws STORE_DISK_FULL while intake is paused (the caller answers 451 / leaves the SMS on the SIM). */
  refuse(): void {
    if (this.paused) throw new MmsgwError('STORE_DISK_FULL', 'the state directory\'s file system is full; intake is paused until space returns');
  }

  /** Looks at a failure: when it says the disk is full, intake pauses. Returns whether it did. */
  observe(e: unknown): boolean {
    if (!isDiskFull(e)) return false;
    this.pause(`a write failed: ${errorMessage(e)}`);
    return true;
  }

  /** One check of free space: pause below the threshold, resume at or above it. */
  check(): void {
    const free = this.free();
    if (free === null) return;
    if (!this.paused && free < this.o.minFreeBytes) this.pause(`only ${free} bytes free, less than ${this.o.minFreeBytes}`);
    else if (this.paused && free >= this.o.minFreeBytes) {
      this.paused = false;
      this.o.log.warn({ freeBytes: free }, 'disk space is back: intake resumed');
      this.emit('resume');
    }
  }

  private pause(why: string): void {
    if (this.paused) return;
    this.paused = true;
    const free = this.free();
    const text = [
      `mmsgw paused intake: the file system of its state directory ${this.o.stateDir} is full (${why}).`,
      '',
      'Nothing is lost: SMS stay on the SIM, mail is answered with a temporary failure (451) so the',
      "sending server retries, and queued work waits. Free some space (at least",
      `${Math.ceil(this.o.minFreeBytes / 1_048_576)} MiB; free now: ${free ?? '?'} bytes) and intake resumes by itself within ${Math.ceil(this.checkMs / 1000)} s.`,
      '',
    ].join('\n');
    this.o.log.error({ stateDir: this.o.stateDir, freeBytes: free, why }, 'disk full: intake paused until space returns');
    this.emit('pause');
    this.o.alert?.(text).catch((e: unknown) => this.o.log.warn({ err: errorMessage(e) }, 'could not mail the disk-full alert'));
  }
}
