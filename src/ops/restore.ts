/**
 * `mmsgw restore`: puts a backup made by `mmsgw backup` (plus the copied `blobs/`) into a
 * state directory, the inverse of src/ops/backup.ts.
 *
 * Order, so that an interrupted restore leaves nothing that looks complete: the backup is
 * checked first (quick_check, an mmsgw database); then every part file the database
 * references is copied in and verified against its SHA-256 (the file name); only when none
 * is missing is the database copied next to its final name, fsynced, checked again and
 * renamed into place. A state directory that already holds a database is refused: stop the
 * gateway and move the old one away first.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { MmsgwError } from '../util/errors.js';
import type { Location } from './locate.js';

export interface RestoreResult {
  readonly backup: string;
  readonly stateDir: string;
  readonly dbPath: string;
  readonly messages: number;
  /** Part files the database references. */
  readonly blobsReferenced: number;
  /** Of those, copied from the backup's blobs directory now. */
  readonly blobsCopied: number;
  /** Of those, already present and intact in the state directory. */
  readonly blobsPresent: number;
  readonly blobsFrom: string;
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Copies `src` to `dst` durably: temp file, fsync, rename, directory fsync. */
function durableCopy(src: string, dst: string): void {
  mkdirSync(dirname(dst), { recursive: true });
  const tmp = `${dst}.restore-${process.pid}`;
  copyFileSync(src, tmp);
  fsyncPath(tmp);
  renameSync(tmp, dst);
  fsyncPath(dirname(dst));
}

const BLOB_PATH = /^blobs\/[0-9a-f]{2}\/[0-9a-f]{2}\/([0-9a-f]{64})$/;

/** The blob paths a database references, checked to be content-addressed paths (no `..`). */
function referencedBlobs(db: Database.Database): string[] {
  const rows = db
    .prepare(`SELECT blob_path AS p FROM parts WHERE blob_path IS NOT NULL UNION SELECT blob_path AS p FROM raw_pdus WHERE blob_path IS NOT NULL`)
    .all() as { p: string }[];
  return rows.map((r) => {
    if (!BLOB_PATH.test(r.p)) throw new MmsgwError('OPS_RESTORE_BAD', `the backup references an unexpected part file path '${r.p.slice(0, 80)}'`);
    return r.p;
  });
}

export function restoreBackup(backupPath: string, target: Location, options: { blobsDir?: string | undefined } = {}): RestoreResult {
  const backup = resolve(backupPath);
  if (!existsSync(backup)) throw new MmsgwError('OPS_NO_BACKUP', `backup not found: ${backup}`);
  if (existsSync(target.dbPath) || existsSync(`${target.dbPath}-wal`)) {
    throw new MmsgwError('OPS_EXISTS', `${target.dbPath} exists already: stop the gateway and move the old database (and its -wal/-shm) away first`);
  }
  let refs: string[];
  let messages: number;
  const check = new Database(backup, { readonly: true, fileMustExist: true });
  try {
    const ok = check.pragma('quick_check', { simple: true });
    if (ok !== 'ok') throw new MmsgwError('OPS_RESTORE_BAD', `the backup failed its quick_check (${String(ok)})`);
    const isOurs = check.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('messages', 'parts', 'raw_pdus')`).get() as { n: number };
    if (isOurs.n !== 3) throw new MmsgwError('OPS_RESTORE_BAD', `${backup} is not an mmsgw database`);
    refs = referencedBlobs(check);
    messages = (check.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
  } catch (e) {
    if (e instanceof MmsgwError) throw e;
    throw new MmsgwError('OPS_RESTORE_BAD', `${backup} cannot be read as a database: ${(e as Error).message}`);
  } finally {
    check.close();
  }

  const blobsFrom = resolve(options.blobsDir ?? join(dirname(backup), 'blobs'));
  mkdirSync(target.stateDir, { recursive: true });
  let copied = 0;
  let present = 0;
  const missing: string[] = [];
  for (const rel of refs) {
    const sha = BLOB_PATH.exec(rel)?.[1] ?? '';
    const dst = join(target.stateDir, rel);
    if (existsSync(dst) && sha256File(dst) === sha) {
      present++;
      continue;
    }
    const src = join(blobsFrom, rel.slice('blobs/'.length));
    if (!existsSync(src) || sha256File(src) !== sha) {
      missing.push(basename(rel));
      continue;
    }
    durableCopy(src, dst);
    copied++;
  }
  if (missing.length > 0) {
    throw new MmsgwError(
      'OPS_RESTORE_MISSING',
      `${missing.length} of ${refs.length} part files the backup references are missing or damaged in ${blobsFrom} (first: ${missing[0] ?? ''}); copy the backup's blobs/ there or name it with --blobs DIR. Nothing was restored.`,
    );
  }

  const tmp = `${target.dbPath}.restore-${process.pid}`;
  try {
    copyFileSync(backup, tmp);
    fsyncPath(tmp);
    const db = new Database(tmp, { fileMustExist: true });
    try {
      if (db.pragma('quick_check', { simple: true }) !== 'ok') throw new MmsgwError('OPS_RESTORE_BAD', 'the copied database failed its quick_check');
    } finally {
      db.close();
    }
    rmSync(`${tmp}-journal`, { force: true });
    renameSync(tmp, target.dbPath);
    fsyncPath(target.stateDir);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  // A marker for the operator: what was restored from where.
  writeFileSync(join(target.stateDir, 'RESTORED-FROM'), `${backup}\n${new Date().toISOString()}\n`, { mode: 0o640 });
  return { backup, stateDir: target.stateDir, dbPath: target.dbPath, messages, blobsReferenced: refs.length, blobsCopied: copied, blobsPresent: present, blobsFrom };
}
