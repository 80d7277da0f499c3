import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drainOutbox } from '../../src/hooks/index.js';
import { migrate, openStore } from '../../src/store/index.js';

/**
 * Migration 3 on a database that already holds messages: each gets its current state as an
 * already-dispatched history row (an upgrade fires no webhooks for old messages); changes
 * after the upgrade are recorded and pending; deleting a message takes its history along.
 */
test('upgrading to the state history: old messages get one dispatched row, new changes are pending, deletes cascade', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-history-'));
  try {
    const old = new Database(join(dir, 'mmsgw.db'));
    migrate(old, 2);
    old.prepare("INSERT INTO messages (id, direction, kind, state, created_at, updated_at) VALUES (5, 'in', 'sms', 'relayed', 1, 2)").run();
    old.close();
    const store = openStore({ stateDir: dir });
    try {
      const rows = (): { msg_id: number; state: string; dispatched: number }[] => store.db.prepare('SELECT msg_id, state, dispatched FROM state_changes ORDER BY id').all() as never;
      assert.deepEqual(rows(), [{ msg_id: 5, state: 'relayed', dispatched: 1 }]);
      const jobs: string[] = [];
      assert.equal(await drainOutbox(store, (e) => { jobs.push(e.type); return []; }, Date.now()), 0, 'nothing pending after the upgrade');
      const m = store.messages.insert({ direction: 'in', kind: 'sms', state: 'received', from: '+15550100077' });
      store.messages.setState(m.id, 'relayed');
      store.messages.setState(m.id, 'relayed'); // no change, no row
      assert.deepEqual(rows().slice(1), [{ msg_id: m.id, state: 'received', dispatched: 0 }, { msg_id: m.id, state: 'relayed', dispatched: 0 }]);
      assert.equal(await drainOutbox(store, (e) => { jobs.push(e.type); return []; }, Date.now()), 2);
      assert.deepEqual(jobs, ['message.received'], 'relayed is no event');
      assert.ok(rows().every((r) => r.dispatched === 1));
      store.messages.delete(m.id);
      assert.deepEqual(rows(), [{ msg_id: 5, state: 'relayed', dispatched: 1 }]);
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
