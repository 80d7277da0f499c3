/**
 * The durability barrier (src/store/durable.ts, docs/STORAGE.md "Durability"): one WAL fsync
 * covers every commit made before it started; callers that come while it runs wait for the
 * next one only if they committed since; a failed fsync rejects every caller it would have
 * covered. The power-cut test (test/e2e/power-cut.test.ts) checks the guarantee end to end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WalBarrier } from '../../src/store/durable.js';
import { openStore } from '../../src/store/index.js';

/** A barrier over a counter standing in for the connection's change count, with fsyncs the test finishes by hand. */
function manual(): { barrier: WalBarrier; commit: () => void; syncs: { finish: (e?: Error) => void }[] } {
  let changes = 0;
  const syncs: { finish: (e?: Error) => void }[] = [];
  const barrier = new WalBarrier('/nonexistent-wal', () => changes, () => new Promise<void>((resolve, reject) => {
    syncs.push({ finish: (e) => (e ? reject(e) : resolve()) });
  }));
  return { barrier, commit: () => { changes++; }, syncs };
}

const settled = async <T>(p: Promise<T>): Promise<boolean> => {
  let done = false;
  void p.then(() => { done = true; }, () => { done = true; });
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return done;
};

test('callers with nothing new share the running fsync; nothing written, no fsync at all', async () => {
  const { barrier, commit, syncs } = manual();
  commit();
  const a = barrier.durable();
  const b = barrier.durable();
  const c = barrier.durable();
  assert.equal(syncs.length, 1, 'one fsync for three callers');
  assert.equal(await settled(a), false, 'not durable before the fsync returns');
  syncs[0]!.finish();
  await Promise.all([a, b, c]);
  assert.equal(barrier.syncs, 1);
  await barrier.durable();
  assert.equal(syncs.length, 1, 'no commit since the last fsync: no new one');
});

test('a commit made while an fsync runs waits for the next one, which later callers share', async () => {
  const { barrier, commit, syncs } = manual();
  commit();
  const first = barrier.durable();
  commit(); // after the running fsync started: it may not cover this
  const second = barrier.durable();
  commit();
  const third = barrier.durable();
  assert.equal(syncs.length, 1, 'the next fsync starts only when the running one ends');
  syncs[0]!.finish();
  await first;
  assert.equal(await settled(second), false, 'the second caller is not covered by the first fsync');
  await new Promise((r) => setImmediate(r));
  assert.equal(syncs.length, 2, 'one queued fsync for both later callers');
  syncs[1]!.finish();
  await Promise.all([second, third]);
  assert.equal(barrier.syncs, 2);
});

test('a failed fsync rejects its callers, and the next call tries again', async () => {
  const { barrier, commit, syncs } = manual();
  commit();
  const a = barrier.durable();
  syncs[0]!.finish(new Error('EIO'));
  await assert.rejects(a, /EIO/);
  const b = barrier.durable();
  assert.equal(syncs.length, 2, 'the commit is still not known durable: a new fsync');
  syncs[1]!.finish();
  await b;
});

test("a store in 'acknowledge' durability commits without fsync and syncs the WAL on durable()", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-durable-'));
  const ack = openStore({ stateDir: join(dir, 'a'), durability: 'acknowledge' });
  const full = openStore({ stateDir: join(dir, 'b') });
  try {
    // sqlite.org/pragma.html#pragma_synchronous: 1 = NORMAL, 2 = FULL.
    assert.equal(ack.db.pragma('synchronous', { simple: true }), 1);
    assert.equal(full.db.pragma('synchronous', { simple: true }), 2);
    ack.db.exec('CREATE TABLE t (x)');
    ack.db.prepare('INSERT INTO t VALUES (1)').run();
    await ack.durable();
    assert.equal(ack.durableSyncs, 1);
    await ack.durable();
    assert.equal(ack.durableSyncs, 1, 'nothing committed since');
    full.db.exec('CREATE TABLE t (x)');
    await full.durable();
    assert.equal(full.durableSyncs, 0, "in 'commit' durability every commit was synced already");
  } finally {
    ack.close();
    full.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
