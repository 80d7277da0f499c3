/**
 * Group commit within one turn (src/store/turn-commit.ts, Store.inTurnCommit): the steps
 * offered in a turn share one transaction, each in a savepoint; every promise settles after the
 * COMMIT. Commits are counted from outside, in the WAL's frames (test/store/helpers.ts walCommits).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { tempStore, walCommits } from './helpers.js';

test('steps offered in one turn are committed together: one commit for ten, against ten one by one', async () => {
  const t = tempStore();
  try {
    const { store } = t;
    store.db.exec('CREATE TABLE t (x INTEGER)');
    const before = walCommits(store.path);
    for (let i = 0; i < 10; i++) store.tx(() => store.db.prepare('INSERT INTO t VALUES (?)').run(i));
    const apart = walCommits(store.path) - before;
    const start = walCommits(store.path);
    const ids = await Promise.all(Array.from({ length: 10 }, (_, i) => store.inTurnCommit(() => store.db.prepare('INSERT INTO t VALUES (?)').run(10 + i).lastInsertRowid)));
    const together = walCommits(store.path) - start;
    assert.equal(ids.length, 10);
    assert.equal(apart, 10, 'ten commits one by one');
    assert.equal(together, 1, 'ten steps in one turn');
    assert.equal(store.turnCommit.commits, 1);
    assert.equal(store.db.prepare('SELECT count(*) FROM t').pluck().get(), 20);
  } finally {
    t.cleanup();
  }
});

test('a promise settles only once its step is committed: another connection sees the row then, and not before', async () => {
  const t = tempStore();
  try {
    const { store } = t;
    store.db.exec('CREATE TABLE t (x INTEGER)');
    const reader = new Database(store.path, { readonly: true });
    try {
      const count = (): unknown => reader.prepare('SELECT count(*) FROM t').pluck().get();
      const step = store.inTurnCommit(() => store.db.prepare('INSERT INTO t VALUES (1)').run());
      assert.equal(count(), 0, 'offered, not yet run');
      await step;
      assert.equal(count(), 1, 'committed when the promise resolved');
    } finally {
      reader.close();
    }
  } finally {
    t.cleanup();
  }
});

test('a step that throws is rolled back alone and rejects with its own error; the others commit', async () => {
  const t = tempStore();
  try {
    const { store } = t;
    store.db.exec('CREATE TABLE t (x INTEGER)');
    const results = await Promise.allSettled([
      store.inTurnCommit(() => store.db.prepare('INSERT INTO t VALUES (1)').run()),
      store.inTurnCommit(() => {
        store.db.prepare('INSERT INTO t VALUES (2)').run();
        throw new Error('undecodable');
      }),
      store.inTurnCommit(() => store.db.prepare('INSERT INTO t VALUES (3)').run()),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.match(String((results[1] as PromiseRejectedResult).reason), /undecodable/);
    assert.deepEqual(store.db.prepare('SELECT x FROM t ORDER BY x').pluck().all(), [1, 3]);
  } finally {
    t.cleanup();
  }
});

test('a COMMIT that fails rejects every step of the turn, and none of them is kept', async () => {
  const t = tempStore();
  try {
    const { store } = t;
    // A deferred foreign key is checked at COMMIT (sqlite.org/foreignkeys.html §4.2).
    store.db.exec('CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)');
    assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
    const results = await Promise.allSettled([
      store.inTurnCommit(() => store.db.prepare('INSERT INTO p VALUES (1)').run()),
      store.inTurnCommit(() => store.db.prepare('INSERT INTO c VALUES (42)').run()),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    assert.match(String((results[0] as PromiseRejectedResult).reason), /FOREIGN KEY/);
    assert.equal(store.db.prepare('SELECT count(*) FROM p').pluck().get(), 0);
    assert.equal(store.db.inTransaction, false);
    // The next turn commits again.
    await store.inTurnCommit(() => store.db.prepare('INSERT INTO p VALUES (2)').run());
    assert.equal(store.db.prepare('SELECT count(*) FROM p').pluck().get(), 1);
  } finally {
    t.cleanup();
  }
});
