import type Database from 'better-sqlite3';
import { statSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { MmsgwError } from '../util/errors.js';
import { logger } from '../util/log.js';
import { BlobStore } from './blobs.js';
import { ContentRepo } from './content.js';
import { checkpoint, openDatabase, type CheckpointResult, type IntegrityCheck, type Synchronous } from './db.js';
import { WalBarrier } from './durable.js';
import { EventsRepo, RelaysRepo, ReportsRepo } from './delivery.js';
import { IntakeRepo } from './intake.js';
import { JobsRepo } from './jobs.js';
import { MessagesRepo } from './messages.js';
import { migrate, SCHEMA_VERSION, schemaVersion } from './migrations.js';
import { prune, type PruneResult } from './retention.js';
import { SubmissionsRepo } from './submissions.js';
import { ModemLinksRepo } from './modem-links.js';
import { TurnCommit } from './turn-commit.js';
import type { BlobRef, NewPart, NewRawPdu, PartRow, RawPduRow } from './types.js';

export type Durability = 'commit' | 'acknowledge';

export interface StoreOptions {
  /** The SQLite file. Default `<stateDir>/mmsgw.db`. */
  path?: string;
  /** Holds `blobs/` (part bodies, large raw PDUs). */
  stateDir: string;
  /**
   * When a commit reaches the disk (docs/STORAGE.md "Durability"):
   * - `commit` (default): SQLite's `synchronous = FULL`, an fsync inside every COMMIT.
   * - `acknowledge`: `synchronous = NORMAL` and `durable()` fsyncs the WAL, once for every
   *   commit before it, off the event loop; every acknowledgement awaits it first (group
   *   commit). The gateway's `storage.durability` chooses.
   */
  durability?: Durability;
  /** The raw pragma, for tests and benches that want no fsync at all (`NORMAL`, no barrier). */
  synchronous?: Synchronous;
  /** Default `quick`. */
  integrityCheck?: IntegrityCheck;
  busyTimeoutMs?: number;
  /**
   * Open without writing anything (`mmsgw doctor`, inspection while the gateway runs). The
   * schema must already be current; nothing is migrated or checkpointed.
   */
  readonly?: boolean;
}

export interface StoreStats {
  readonly schemaVersion: number;
  /** Message counts by `direction:kind:state`, e.g. `in:mms:relayed`. */
  readonly messages: Readonly<Record<string, number>>;
  readonly jobs: Readonly<Record<string, number>>;
  readonly relaysUnfinished: number;
  readonly quarantined: number;
  readonly openSegments: number;
  readonly dbBytes: number;
  readonly walBytes: number;
  /** Free space on the state directory's filesystem (a full SD card stops all writes). */
  readonly freeBytes: number | null;
}

/** Blob files younger than this are never garbage-collected (their row may be about to commit). */
const BLOB_GC_MIN_AGE_MS = 3600 * 1000;

/**
 * The durable store: one SQLite connection (the gateway process is the only writer) plus
 * the content-addressed blob directory. Every method is synchronous except those that write
 * or read blob files. Compose several steps atomically with `tx`.
 */
export class Store {
  readonly messages: MessagesRepo;
  readonly content: ContentRepo;
  readonly intake: IntakeRepo;
  readonly jobs: JobsRepo;
  readonly relays: RelaysRepo;
  readonly reports: ReportsRepo;
  readonly events: EventsRepo;
  readonly submissions: SubmissionsRepo;
  /** Which modem and own number each message went through (several modems). */
  readonly modemLinks: ModemLinksRepo;
  readonly blobs: BlobStore;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private housekeepingTimer: NodeJS.Timeout | undefined;
  private readonly log = logger('store');
  /** The steps of one turn committed together (`inTurnCommit`). */
  readonly turnCommit: TurnCommit;
  /** Set in `acknowledge` durability: the WAL fsync every acknowledgement awaits. */
  private readonly barrier: WalBarrier | undefined;

  constructor(
    readonly db: Database.Database,
    readonly path: string,
    readonly stateDir: string,
    readonly readOnly = false,
    readonly durability: Durability = 'commit',
  ) {
    if (durability === 'acknowledge' && !readOnly) {
      const totalChanges = db.prepare('SELECT total_changes()').pluck();
      this.barrier = new WalBarrier(`${path}-wal`, () => totalChanges.get() as number);
    }
    this.turnCommit = new TurnCommit(db);
    this.blobs = new BlobStore(stateDir, { readonly: readOnly });
    this.messages = new MessagesRepo(db);
    this.content = new ContentRepo(db, this.blobs);
    this.intake = new IntakeRepo(db, this.content);
    this.jobs = new JobsRepo(db);
    this.relays = new RelaysRepo(db);
    this.reports = new ReportsRepo(db);
    this.events = new EventsRepo(db);
    this.submissions = new SubmissionsRepo(db);
    this.modemLinks = new ModemLinksRepo(db);
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction: all of it is committed (and, with
   * synchronous=FULL, on the SD card) when `tx` returns, or none of it when `fn` throws.
   * `fn` must be synchronous — write blob files before, with `putBlob`.
   */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /**
   * Runs `fn` at the end of this turn of the event loop, in one transaction with every other
   * step offered in the turn (one commit for all: src/store/turn-commit.ts), each in a
   * savepoint of its own. Resolves with `fn`'s value once that transaction is committed;
   * rejects with `fn`'s error (its writes rolled back alone) or the commit's.
   */
  inTurnCommit<T>(fn: () => T): Promise<T> {
    return this.turnCommit.run(fn);
  }

  /**
   * Resolves once every commit made before the call is on disk. Await it before telling the
   * outside world that something is safe here (deleting an SMS from the SIM, acknowledging an
   * MMS, answering a mail or a request) or before acting on a record of "about to send".
   * In `commit` durability every commit already is, and this resolves at once.
   */
  durable(): Promise<void> {
    return this.barrier?.durable() ?? Promise.resolve();
  }

  /** WAL fsyncs made by `durable()` so far (0 in `commit` durability). */
  get durableSyncs(): number {
    return this.barrier?.syncs ?? 0;
  }

  /** Writes a body as a durable content-addressed file (see BlobStore). */
  putBlob(bytes: Uint8Array): Promise<BlobRef> {
    return this.blobs.put(bytes);
  }

  /** Writes large bodies to blob files, then replaces the message's parts in one transaction. */
  async saveParts(msgId: number, parts: readonly NewPart[]): Promise<PartRow[]> {
    const prepared = await this.content.prepareBodies(parts);
    return this.content.replaceParts(msgId, prepared);
  }

  /** Writes a large body to a blob file first, then records the raw PDU. */
  async saveRawPdu(pdu: NewRawPdu): Promise<RawPduRow> {
    const [prepared] = await this.content.prepareBodies([pdu]);
    return this.content.addRawPdu(prepared ?? pdu);
  }

  /** `PRAGMA wal_checkpoint(TRUNCATE)`. */
  checkpoint(): CheckpointResult {
    return checkpoint(this.db);
  }

  /** Checkpoints every `intervalMs` (default 5 minutes) until `close`. The timer does not keep the process alive. */
  startCheckpoints(intervalMs = 5 * 60 * 1000): void {
    this.stopCheckpoints();
    this.checkpointTimer = setInterval(() => {
      try {
        const r = this.checkpoint();
        if (r.busy) this.log.debug({ ...r }, 'wal checkpoint incomplete (reader active)');
      } catch (e) {
        this.log.warn({ err: e }, 'wal checkpoint failed');
      }
    }, intervalMs);
    this.checkpointTimer.unref();
  }

  stopCheckpoints(): void {
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    this.checkpointTimer = undefined;
    if (this.housekeepingTimer) clearInterval(this.housekeepingTimer);
    this.housekeepingTimer = undefined;
  }

  /**
   * All periodic upkeep in one call: WAL checkpoints every `checkpointMs`, and every
   * `housekeepingMs` (default daily) pruning by `retentionDays` (0: none) and blob garbage
   * collection. Timers do not keep the process alive; `close` stops them.
   */
  startMaintenance(o: { checkpointMs?: number; retentionDays?: number; housekeepingMs?: number } = {}): void {
    this.startCheckpoints(o.checkpointMs);
    const days = o.retentionDays ?? 0;
    this.housekeepingTimer = setInterval(() => this.housekeeping(days), o.housekeepingMs ?? 24 * 3600 * 1000);
    this.housekeepingTimer.unref();
  }

  /** One round of upkeep (see startMaintenance); logs and swallows its own failures. */
  housekeeping(retentionDays: number, now: number = Date.now()): void {
    try {
      if (retentionDays > 0) {
        const r = this.prune(now - retentionDays * 24 * 3600 * 1000, now);
        if (r.messages + r.blobs + r.quarantine > 0) this.log.info({ ...r, retentionDays }, 'old finished messages pruned');
      } else {
        const blobs = this.gcBlobs(now);
        if (blobs > 0) this.log.info({ blobs }, 'unreferenced blob files removed');
      }
    } catch (e) {
      this.log.warn({ err: e }, 'store housekeeping failed');
    }
  }

  /**
   * Deletes finished messages (and their raw PDUs, parts, events, …), quarantine entries and
   * done jobs last changed before `before`, then the blob files nothing references any more.
   * Unfinished work is never deleted.
   */
  prune(before: number, now: number = Date.now()): PruneResult & { readonly blobs: number } {
    const r = prune(this.db, before);
    return { ...r, blobs: this.gcBlobs(now) };
  }

  /** Removes blob files no row references (older than an hour) and crash leftovers in blobs/tmp. */
  gcBlobs(now: number = Date.now()): number {
    return this.blobs.gc(this.content.referencedBlobs(), now, BLOB_GC_MIN_AGE_MS);
  }

  /**
   * A consistent copy of the database at `destPath` (SQLite online backup; the gateway keeps
   * running). Blob files never change once written: copy `<stateDir>/blobs/` alongside.
   */
  async backup(destPath: string): Promise<void> {
    await this.db.backup(destPath);
  }

  /** Figures for `mmsgw doctor` and the web status page. */
  stats(): StoreStats {
    const messages: Record<string, number> = {};
    const rows = this.db.prepare('SELECT direction, kind, state, count(*) AS n FROM messages GROUP BY direction, kind, state').all() as {
      direction: string;
      kind: string;
      state: string;
      n: number;
    }[];
    for (const r of rows) messages[`${r.direction}:${r.kind}:${r.state}`] = r.n;
    const count = (sql: string): number => this.db.prepare(sql).pluck().get() as number;
    const size = (p: string): number => {
      try {
        return statSync(p).size;
      } catch {
        return 0;
      }
    };
    return {
      schemaVersion: this.schemaVersion(),
      messages,
      jobs: this.jobs.counts(),
      relaysUnfinished: count("SELECT count(*) FROM relays WHERE state IN ('pending','failed')"),
      quarantined: count('SELECT count(*) FROM quarantine'),
      openSegments: count('SELECT count(*) FROM sms_segments WHERE consumed_by IS NULL'),
      dbBytes: size(this.path),
      walBytes: size(`${this.path}-wal`),
      freeBytes: freeBytes(this.stateDir),
    };
  }

  schemaVersion(): number {
    return schemaVersion(this.db);
  }

  /** Checkpoints and closes the connection. */
  close(): void {
    this.stopCheckpoints();
    if (!this.db.open) return;
    try {
      if (!this.readOnly) this.checkpoint();
    } finally {
      this.db.close();
    }
  }
}

function freeBytes(dir: string): number | null {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/**
 * Opens (creating if needed) the store: connection with WAL, synchronous, busy_timeout and
 * foreign keys; integrity check; migrations up to the current schema.
 */
export function openStore(options: StoreOptions): Store {
  const path = options.path ?? join(options.stateDir, 'mmsgw.db');
  const readonly = options.readonly ?? false;
  const durability = options.durability ?? 'commit';
  const db = openDatabase(path, {
    synchronous: options.synchronous ?? (durability === 'acknowledge' ? 'NORMAL' : 'FULL'),
    integrityCheck: options.integrityCheck ?? 'quick',
    busyTimeoutMs: options.busyTimeoutMs ?? 5000,
    readonly,
  });
  try {
    if (readonly) {
      const version = schemaVersion(db);
      if (version !== SCHEMA_VERSION) {
        throw new MmsgwError('STORE_SCHEMA_MISMATCH', `database ${path} has schema ${version}, this mmsgw needs ${SCHEMA_VERSION}; open it read-write once to migrate`, {
          details: { path, version, expected: SCHEMA_VERSION },
        });
      }
    } else {
      const applied = migrate(db);
      if (applied.length > 0) logger('store').info({ path, applied }, 'database schema migrated');
    }
    return new Store(db, path, options.stateDir, readonly, durability);
  } catch (e) {
    db.close();
    if (e instanceof MmsgwError) throw e;
    throw new MmsgwError('STORE_OPEN_FAILED', `cannot use state directory ${options.stateDir}: ${(e as Error).message}`, {
      cause: e,
      details: { stateDir: options.stateDir },
    });
  }
}
