import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

/**
 * Everything in the state directory is the owner's alone: messages, phone numbers, mail. Modes
 * are given explicitly at creation, so no umask (not even 000) can widen them; the umask can
 * only narrow further.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) 0700. A directory that already exists is left as it is. */
export function mkdirPrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Makes the database file exist with mode 0600 before SQLite opens it, and narrows an existing
 * file and its WAL/SHM to 0600. SQLite gives a new `-wal` / `-shm` the mode of the database
 * file, so they are 0600 too.
 */
export function prepareDatabaseFile(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const p of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(p)) chmodSync(p, PRIVATE_FILE_MODE);
  }
}
