/**
 * The late answer of an abandoned command (timed out or aborted): the modem may still send its
 * final result. The next command waits for it, at most the channel's settle time, so that
 * result is not taken for its own; a final result that arrives with no command in flight is it.
 */
export class LateAnswer {
  private pending: { resolve: () => void; promise: Promise<void> } | undefined;

  /** Whether a final result is still owed by an abandoned command. */
  get awaited(): boolean {
    return this.pending !== undefined;
  }

  /** A command was abandoned: its final result may still come. */
  expect(): void {
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    this.pending = { resolve: release, promise };
  }

  /** Waits until the owed final result arrived, the port closed, or `ms` passed. */
  async settle(ms: number): Promise<void> {
    const o = this.pending;
    if (!o) return;
    let settle: NodeJS.Timeout | undefined;
    await Promise.race([o.promise, new Promise((r) => (settle = setTimeout(r, ms)))]);
    clearTimeout(settle);
    if (this.pending === o) this.pending = undefined;
  }

  /**
   * Stops the wait: a final result arrived with no command in flight (the one owed), or the
   * port closed. Returns whether one was owed.
   */
  release(): boolean {
    const o = this.pending;
    o?.resolve();
    this.pending = undefined;
    return o !== undefined;
  }
}
