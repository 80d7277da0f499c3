import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store, type StoreOptions } from '../../src/store/index.js';

/** A fresh state directory; removed by `cleanup`. */
export function tempDir(prefix = 'mmsgw-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A store on a real SQLite file in a temp directory. */
export function tempStore(options: Partial<StoreOptions> = {}): { store: Store; dir: string; cleanup: () => void } {
  const t = tempDir();
  const store = openStore({ stateDir: t.dir, ...options });
  return {
    store,
    dir: t.dir,
    cleanup: () => {
      store.close();
      t.cleanup();
    },
  };
}

/**
 * Commits in a WAL file, read from its frames (sqlite.org/fileformat2.html §4.1, "WAL file
 * format"): a 32-byte header (page size at offset 8, salts at 16 and 20), then frames of a
 * 24-byte header and a page; a frame whose header's second word (the database size after the
 * commit) is not zero ends a commit. Frames whose salts differ from the header's are left over
 * from before the WAL was reset, and are not counted.
 */
export function walCommits(dbPath: string): number {
  const wal = readFileSync(`${dbPath}-wal`);
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  return commits;
}
