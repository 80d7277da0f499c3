import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { openDatabase, openStore, SCHEMA_VERSION, schemaVersion, type Store } from '../store/index.js';
import { MmsgwError } from '../util/errors.js';
import type { Location } from './locate.js';

/** How long a command waits for the gateway's write lock before giving up. */
export const OPS_BUSY_TIMEOUT_MS = 5000;

function mustExist(loc: Location): void {
  if (!existsSync(loc.dbPath)) {
    throw new MmsgwError('OPS_NO_DATABASE', `database not found at ${loc.dbPath} (state directory from ${loc.via}); has the gateway run yet?`, {
      details: { path: loc.dbPath },
    });
  }
}

/** The schema must be exactly the one this mmsgw knows: never migrate behind the gateway's back. */
function checkSchema(db: Database.Database, loc: Location): void {
  const v = schemaVersion(db);
  if (v === SCHEMA_VERSION) return;
  const why =
    v === 0
      ? 'is not an mmsgw database (schema version 0)'
      : v > SCHEMA_VERSION
        ? `has schema version ${v}, newer than this mmsgw understands (${SCHEMA_VERSION}); use the mmsgw that runs the gateway`
        : `has schema version ${v}, older than this mmsgw (${SCHEMA_VERSION}); restart the gateway once so it migrates the database`;
  throw new MmsgwError('OPS_SCHEMA', `database ${loc.dbPath} ${why}`, { details: { path: loc.dbPath, version: v } });
}

/**
 * A read-only connection for the read commands. It cannot write, so it can never take the
 * gateway's write lock; in WAL mode it reads a consistent snapshot while the gateway keeps
 * committing. No integrity check on open (the gateway runs one at its start).
 */
export function openReadOnly(loc: Location): Database.Database {
  mustExist(loc);
  const db = openDatabase(loc.dbPath, { readonly: true, integrityCheck: 'off', busyTimeoutMs: OPS_BUSY_TIMEOUT_MS });
  try {
    checkSchema(db, loc);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/**
 * A normal connection for the write commands (retry, reprocess). It waits up to
 * OPS_BUSY_TIMEOUT_MS for the gateway's lock, and every change it makes is one short
 * IMMEDIATE transaction. Close it with `closeWritable`, never `Store.close`: that would run a
 * TRUNCATE checkpoint, which waits for the gateway's readers and writers.
 */
export function openWritable(loc: Location): Store {
  mustExist(loc);
  const probe = openReadOnly(loc);
  probe.close();
  return openStore({ stateDir: loc.stateDir, path: loc.dbPath, integrityCheck: 'off', busyTimeoutMs: OPS_BUSY_TIMEOUT_MS });
}

export function closeWritable(store: Store): void {
  store.stopCheckpoints();
  if (store.db.open) store.db.close();
}

/** Runs `fn` with a read-only connection and closes it afterwards. */
export function withReadOnly<T>(loc: Location, fn: (db: Database.Database) => T): T {
  const db = openReadOnly(loc);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Runs `fn` with a writable store and closes it afterwards. */
export async function withWritable<T>(loc: Location, fn: (store: Store) => Promise<T> | T): Promise<T> {
  const store = openWritable(loc);
  try {
    return await fn(store);
  } finally {
    closeWritable(store);
  }
}
