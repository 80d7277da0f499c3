import type Database from 'better-sqlite3';

interface Waiting {
  readonly fn: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Group commit within one turn of the event loop: the steps offered in a turn run together,
 * at the end of it, in one IMMEDIATE transaction — one COMMIT, one fsync under
 * `synchronous = FULL` — each in a savepoint of its own, so a step that throws is rolled back
 * alone and rejects alone. Every promise settles after the COMMIT: a caller that acknowledges
 * once it resolves (an SMS deleted from the modem) acknowledges only what is on disk. A COMMIT
 * that fails rejects every step of the turn, and none of them is kept.
 *
 * The transaction is open only while the steps run, synchronously, at the end of the turn:
 * no other code runs inside it, so no one else's `tx` is folded into a commit it did not ask
 * for. A turn's steps are the messages of one sweep of the modem's storage (the inbox calls
 * the handler of each listed message before awaiting any).
 */
export class TurnCommit {
  private waiting: Waiting[] | undefined;
  /** Transactions committed (one per turn with steps; for tests and benches). */
  commits = 0;

  constructor(private readonly db: Database.Database) {}

  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.waiting === undefined) {
        this.waiting = [];
        setImmediate(() => this.commit());
      }
      this.waiting.push({ fn, resolve: resolve as (v: unknown) => void, reject });
    });
  }

  private commit(): void {
    const steps = this.waiting ?? [];
    this.waiting = undefined;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.db
        .transaction(() => {
          for (const step of steps) {
            try {
              // Nested: a savepoint, rolled back alone when the step throws.
              outcomes.push({ ok: true, value: this.db.transaction(step.fn)() });
            } catch (error) {
              outcomes.push({ ok: false, error });
            }
          }
        })
        .immediate();
      this.commits++;
    } catch (error) {
      for (const step of steps) step.reject(error);
      return;
    }
    steps.forEach((step, i) => {
      const o = outcomes[i];
      if (o?.ok) step.resolve(o.value);
      else step.reject(o?.error);
    });
  }
}
