/**
 * What escape() does with the bytes that arrive while a line in an unknown state settles (the
 * cancelled prompt's answer, late answers to a dead process's commands): keeps them aside
 * instead of framing them, and tells when the line has gone quiet.
 */
export class Discard {
  private readonly got: Buffer[] = [];
  private last = Date.now();

  push(chunk: Buffer): void {
    this.got.push(chunk);
    this.last = Date.now();
  }

  /** Waits until nothing has arrived for `quietMs` (at most `maxMs` from now), or `isOpen()` is false. */
  async quiet(quietMs: number, maxMs: number, isOpen: () => boolean): Promise<void> {
    const start = Date.now();
    this.last = start;
    while (isOpen() && Date.now() - this.last < quietMs && Date.now() - start < maxMs) {
      await new Promise((r) => setTimeout(r, Math.max(10, Math.min(quietMs - (Date.now() - this.last), 50))));
    }
  }

  /** Everything discarded, as latin1 text. */
  text(): string {
    return Buffer.concat(this.got).toString('latin1');
  }
}
