import { open } from 'node:fs/promises';

/**
 * Group commit for the gateway's one SQLite connection: commits are written to the WAL
 * without an fsync (`PRAGMA synchronous = NORMAL`), and every acknowledgement that tells the
 * outside world "we have it" — an SMS deleted from the SIM, an MMS acknowledged to the
 * carrier, a mail answered 250, an API or MM7 request answered, a PDU or mail sent on a
 * record of "submitting" — first awaits `durable()`, which fsyncs the WAL once for every
 * commit made before the call. Many messages in flight share one fsync, and it runs on
 * libuv's thread pool instead of blocking the event loop inside COMMIT.
 *
 * What a crash can take:
 * - a killed process (SIGKILL, OOM, a panic): nothing committed. Every commit's frames are in
 *   the kernel's page cache when the statement returns, and the WAL is recovered on open.
 * - a power cut: commits made after the last `durable()` returned — never one an
 *   acknowledgement depended on, because the acknowledgement waited for it. That is the
 *   guarantee `synchronous = FULL` gives, kept where it matters and paid for once per batch
 *   (test/e2e/power-cut.test.ts cuts power at random moments and counts what was lost).
 *
 * The fsync covers the WAL's own inode, whichever descriptor wrote it (fdatasync(2) flushes
 * the file, not the descriptor); SQLite itself syncs the WAL before each checkpoint and the
 * database file after it, and the WAL header when the file is reused (sqlite.org/pragma.html
 * #pragma_synchronous, WAL mode with NORMAL).
 */
export class WalBarrier {
  /** The sync in progress, and what it covers (the connection's change count at its start). */
  private running: { readonly done: Promise<void>; readonly covers: number } | undefined;
  /** The sync queued behind the running one, for commits made after that one started. */
  private queued: Promise<void> | undefined;
  private synced: number;
  /** fsyncs done (for benches and tests). */
  syncs = 0;

  constructor(
    private readonly walPath: string,
    /** The connection's `total_changes()`: a commit since the last sync changed it. */
    private readonly changes: () => number,
    /** Test hook: runs instead of the fsync itself (after it would have started). */
    private readonly syncFile: (path: string) => Promise<void> = fdatasyncFile,
  ) {
    this.synced = -1;
  }

  /**
   * Resolves once every commit made before this call is on disk; rejects if the fsync
   * fails (the caller must not acknowledge then). Cheap when nothing was written since the
   * last sync.
   */
  durable(): Promise<void> {
    const now = this.changes();
    if (this.running === undefined) {
      if (now === this.synced) return Promise.resolve();
      return this.start(now);
    }
    // The running sync started after our commits: it covers them.
    if (now === this.running.covers) return this.running.done;
    // It may have started before them: the next one, shared by everyone who comes meanwhile.
    this.queued ??= this.running.done
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.running === undefined ? this.start(this.changes()) : this.running.done;
      });
    return this.queued;
  }

  private start(covers: number): Promise<void> {
    const done = this.syncFile(this.walPath).then(
      () => {
        this.syncs++;
        this.synced = Math.max(this.synced, covers);
        this.running = undefined;
      },
      (e: unknown) => {
        this.running = undefined;
        throw e;
      },
    );
    this.running = { done, covers };
    return done;
  }
}

/** fdatasync(2) on the file at `path`; a WAL that does not exist has nothing to lose. */
async function fdatasyncFile(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
