import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { MmsgwError } from '../util/errors.js';
import { mkdirPrivate, prepareDatabaseFile } from './private.js';
import { cachePrepared } from './statement-cache.js';

// A CommonJS package, loaded with require: imported from an ES module, Node would first lex its
// source for named exports (docs/PERFORMANCE.md "Memory at start").
const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof Database;

/**
 * `FULL`: every commit fsyncs the WAL. The gateway deletes an SMS from the modem and
 * acknowledges an MMS to the carrier right after the commit that recorded it; with `NORMAL`
 * a power cut can roll back commits made since the last checkpoint, and those messages would
 * exist nowhere. See docs/STORAGE.md for the measured cost.
 */
export type Synchronous = 'FULL' | 'NORMAL';
export type IntegrityCheck = 'quick' | 'full' | 'off';

export interface DbOptions {
  synchronous?: Synchronous;
  /** `quick` (default) runs PRAGMA quick_check on open; `full` runs integrity_check. */
  integrityCheck?: IntegrityCheck;
  /** Milliseconds to wait on a lock held by another process (a backup, the CLI). Default 5000. */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

/**
 * Opens the one connection the gateway writes through. The gateway process is the only
 * writer; other processes (`mmsgw doctor`, backups) open read-only and WAL lets them read
 * while it writes.
 */
export function openDatabase(path: string, options: DbOptions = {}): Database.Database {
  let db: Database.Database;
  try {
    if (path !== ':memory:' && !options.readonly) {
      mkdirPrivate(dirname(path));
      prepareDatabaseFile(path);
    }
    db = new Sqlite(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (e) {
    throw new MmsgwError('STORE_OPEN_FAILED', `cannot open database ${path}: ${(e as Error).message}`, { cause: e, details: { path } });
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    if (!options.readonly) {
      const mode = db.pragma('journal_mode = WAL', { simple: true }) as string;
      if (path !== ':memory:' && mode.toLowerCase() !== 'wal') {
        throw new MmsgwError('STORE_OPEN_FAILED', `database ${path}: cannot switch to WAL mode (got ${mode})`, { details: { path } });
      }
    }
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma('foreign_keys = ON');
    // SQLite's page cache: better-sqlite3 builds SQLite with a 16 MB default, which a gateway
    // fills over its first ~15,000 messages (resident memory growing ~1 KB a message). 2 MB is
    // SQLite's own default; the kernel's page cache still holds the file (bench/memory.ts).
    db.pragma('cache_size = -2000');
    // Keep the WAL from growing without bound between our own TRUNCATE checkpoints.
    db.pragma('wal_autocheckpoint = 1000');
    db.pragma('journal_size_limit = 4194304');
    checkIntegrity(db, path, options.integrityCheck ?? 'quick');
    cachePrepared(db);
  } catch (e) {
    db.close();
    if (e instanceof MmsgwError) throw e;
    const code = (e as { code?: string }).code;
    if (code?.startsWith('SQLITE_CORRUPT')) {
      throw new MmsgwError(
        'STORE_CORRUPT',
        `database ${path} is corrupt (${(e as Error).message}). Stop mmsgw, keep a copy of the file, and restore the latest backup or run \`sqlite3 <file> .recover\`.`,
        { cause: e, details: { path, sqliteCode: code } },
      );
    }
    const hint = code === 'SQLITE_NOTADB' ? ' (the file is not an SQLite database)' : '';
    throw new MmsgwError('STORE_OPEN_FAILED', `cannot open database ${path}${hint}: ${(e as Error).message}`, {
      cause: e,
      details: { path, sqliteCode: code },
    });
  }
  return db;
}

function checkIntegrity(db: Database.Database, path: string, mode: IntegrityCheck): void {
  if (mode === 'off') return;
  const pragma = mode === 'full' ? 'integrity_check' : 'quick_check';
  const rows = db.pragma(`${pragma}(20)`) as Record<string, string>[];
  const problems = rows.map((r) => Object.values(r)[0] ?? '').filter((v) => v !== 'ok');
  if (problems.length > 0) {
    throw new MmsgwError(
      'STORE_CORRUPT',
      `database ${path} failed its ${pragma}: ${problems.slice(0, 3).join('; ')}. ` +
        'Stop mmsgw, keep a copy of the file, and restore the latest backup or run `sqlite3 <file> .recover`.',
      { details: { path, problems } },
    );
  }
}

export interface CheckpointResult {
  /** 1 when a reader or writer prevented a complete checkpoint. */
  readonly busy: number;
  /** Frames in the WAL before the checkpoint. */
  readonly log: number;
  readonly checkpointed: number;
}

/**
 * Copies the WAL into the database and truncates it to zero bytes, so the WAL does not keep
 * SD-card space and a backup of the `.db` file alone is complete.
 */
export function checkpoint(db: Database.Database): CheckpointResult {
  const row = (db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[])[0];
  return row ?? { busy: 0, log: 0, checkpointed: 0 };
}
