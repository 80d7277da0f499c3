/**
 * The store bounds SQLite's page cache at 2 MB: with better-sqlite3's 16 MB default the
 * gateway's resident memory grew ~1 KB a message for its first ~15,000 messages (bench/memory.ts,
 * issue 17). Read back from SQLite itself on a store opened as the gateway opens it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';

test('the page cache of the gateway database is at most 2 MB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-cache-'));
  const store = openStore({ stateDir: dir });
  try {
    const pages = store.db.pragma('cache_size', { simple: true }) as number;
    const pageSize = store.db.pragma('page_size', { simple: true }) as number;
    // Negative: a size in KiB (sqlite.org/pragma.html#pragma_cache_size); positive: pages.
    const bytes = pages < 0 ? -pages * 1024 : pages * pageSize;
    assert.ok(bytes <= 2_048_000, `page cache ${bytes} bytes`);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
