import type Database from 'better-sqlite3';

/** One reading of the modem's signal and registration (migration v3), for the 24-hour chart. */
export interface SignalSample {
  readonly at: number;
  readonly rssiDbm: number | null;
  readonly rsrpDbm: number | null;
  readonly technology: string | null;
  readonly registration: string | null;
}

export class SignalRepo {
  constructor(private readonly db: Database.Database) {}

  add(s: SignalSample): void {
    this.db
      .prepare('INSERT OR REPLACE INTO signal_samples (at, rssi_dbm, rsrp_dbm, technology, registration) VALUES (?, ?, ?, ?, ?)')
      .run(s.at, s.rssiDbm, s.rsrpDbm, s.technology, s.registration);
  }

  /** Samples at or after `since`, oldest first. */
  since(since: number): SignalSample[] {
    return this.db
      .prepare('SELECT at, rssi_dbm AS rssiDbm, rsrp_dbm AS rsrpDbm, technology, registration FROM signal_samples WHERE at >= ? ORDER BY at')
      .all(since) as SignalSample[];
  }

  /** Deletes samples older than `before`; returns how many. */
  prune(before: number): number {
    return this.db.prepare('DELETE FROM signal_samples WHERE at < ?').run(before).changes;
  }
}
