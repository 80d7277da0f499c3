import type Database from 'better-sqlite3';

/** Compiled statements kept per connection. The pipeline uses a few dozen distinct ones. */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * Makes `db.prepare` hand out compiled statements from a per-connection cache.
 *
 * The store's repositories and the layers above prepare a statement where they use it, and
 * better-sqlite3 compiles the SQL anew on every `prepare` (sqlite3_prepare_v3): in a burst the
 * compile was the gateway's largest single CPU cost inside SQLite (docs/PERFORMANCE.md). A
 * cached statement is handed out with its modes reset (`pluck`, `raw`, `expand` off), so a
 * caller that toggled one leaves nothing behind for the next. A statement still iterating is
 * never shared: that caller gets a fresh one. SQLite re-compiles a cached statement by itself
 * after a schema change (SQLITE_SCHEMA is retried inside sqlite3_step).
 */
export function cachePrepared(db: Database.Database, size = STATEMENT_CACHE_SIZE): void {
  const compile = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    const hit = cache.get(sql);
    if (hit !== undefined && !hit.busy) {
      // Most recently used last: the first key is the one to evict.
      cache.delete(sql);
      cache.set(sql, hit);
      if (hit.reader) hit.pluck(false).expand(false).raw(false);
      return hit;
    }
    const fresh = compile(sql);
    if (hit === undefined) {
      cache.set(sql, fresh);
      if (cache.size > size) cache.delete(cache.keys().next().value as string);
    }
    return fresh;
  };
  db.prepare = prepare as Database.Database['prepare'];
}
