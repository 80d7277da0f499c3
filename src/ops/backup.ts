import Database from 'better-sqlite3';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MmsgwError } from '../util/errors.js';
import { openReadOnly } from './db.js';
import type { Location } from './locate.js';

export interface BackupResult {
  readonly source: string;
  readonly dest: string;
  readonly bytes: number;
  readonly pages: number;
  /** Where the part bodies live; they are files and must be copied alongside (rsync). */
  readonly blobs: string;
}

/**
 * A consistent copy of the database while the gateway runs: SQLite's online backup API
 * (better-sqlite3 `db.backup`) over a read-only connection, page by page, restarting
 * itself if the gateway commits in between. The copy is written next to DEST and renamed
 * into place only after `quick_check` passed on it, so DEST is either a complete, checked
 * database or absent. An existing DEST is refused.
 */
export async function backupDatabase(loc: Location, destPath: string): Promise<BackupResult> {
  const dest = resolve(destPath);
  if (existsSync(dest)) throw new MmsgwError('OPS_EXISTS', `backup destination ${dest} exists already; name a new file`);
  if (!existsSync(dirname(dest))) throw new MmsgwError('OPS_NO_DIR', `directory ${dirname(dest)} does not exist`);
  const tmp = `${dest}.partial-${process.pid}`;
  try {
    const source = openReadOnly(loc);
    let totalPages: number;
    try {
      ({ totalPages } = await source.backup(tmp));
    } finally {
      source.close();
    }
    const copy = new Database(tmp, { fileMustExist: true });
    try {
      const ok = copy.pragma('quick_check', { simple: true });
      if (ok !== 'ok') throw new MmsgwError('OPS_BACKUP_BAD', `the copy failed its quick_check (${String(ok)}); the source may be damaged`);
      // A standalone file: no -wal beside it is needed to read the copy.
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    renameSync(tmp, dest);
    return { source: loc.dbPath, dest, bytes: statSync(dest).size, pages: totalPages, blobs: resolve(loc.stateDir, 'blobs') };
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
