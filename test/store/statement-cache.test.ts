/**
 * The per-connection statement cache (src/store/statement-cache.ts): a store's `db.prepare`
 * returns the compiled statement it returned before, reset to the default modes, and never a
 * statement another caller is still iterating.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { cachePrepared } from '../../src/store/statement-cache.js';

function db(size?: number): Database.Database {
  const d = new Database(':memory:');
  cachePrepared(d, size);
  d.exec('CREATE TABLE t (a, b); INSERT INTO t VALUES (1, 2), (3, 4)');
  return d;
}

test('the same SQL gets the same compiled statement', () => {
  const d = db();
  assert.equal(d.prepare('SELECT a FROM t'), d.prepare('SELECT a FROM t'));
  assert.notEqual(d.prepare('SELECT a FROM t'), d.prepare('SELECT b FROM t'));
});

test('modes a caller toggled do not leak to the next caller', () => {
  const d = db();
  assert.equal(d.prepare('SELECT a, b FROM t WHERE a = 1').pluck().get(), 1);
  assert.deepEqual(d.prepare('SELECT a, b FROM t WHERE a = 1').get(), { a: 1, b: 2 });
  assert.deepEqual(d.prepare('SELECT a, b FROM t WHERE a = 1').raw().get(), [1, 2]);
  assert.deepEqual(d.prepare('SELECT a, b FROM t WHERE a = 1').get(), { a: 1, b: 2 });
  assert.deepEqual(d.prepare('SELECT a, b FROM t WHERE a = 1').expand().get(), { t: { a: 1, b: 2 } });
  assert.deepEqual(d.prepare('SELECT a, b FROM t WHERE a = 1').get(), { a: 1, b: 2 });
  // A statement that returns no data has no modes to reset.
  assert.equal(d.prepare('INSERT INTO t VALUES (5, 6)').run().changes, 1);
  assert.equal(d.prepare('INSERT INTO t VALUES (5, 6)').run().changes, 1);
});

test('a statement still iterating is not handed out again', () => {
  const d = db();
  const seen: unknown[] = [];
  for (const row of d.prepare('SELECT a FROM t ORDER BY a').pluck().iterate()) {
    // Without the busy check this would be the iterating statement: "This statement is busy".
    seen.push(row, d.prepare('SELECT a FROM t ORDER BY a').pluck().get());
  }
  assert.deepEqual(seen, [1, 1, 3, 1]);
});

test('the least recently used statement is evicted beyond the size', () => {
  const d = db(2);
  const a = d.prepare('SELECT 1');
  d.prepare('SELECT 2');
  assert.equal(d.prepare('SELECT 1'), a, 'used again: now the most recent');
  d.prepare('SELECT 3'); // evicts SELECT 2
  assert.equal(d.prepare('SELECT 1'), a);
  const two = d.prepare('SELECT 2');
  assert.notEqual(two, undefined);
  assert.equal(d.prepare('SELECT 2'), two);
});
