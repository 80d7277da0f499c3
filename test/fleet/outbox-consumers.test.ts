import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMqtt } from '../../src/app/mqtt.js';
import { demoConfigInput, parseConfig } from '../../src/config/index.js';
import { advanceConsumer, consumerCursor, drainOutbox, pendingOutbox, registerConsumer } from '../../src/hooks/index.js';
import { openStore } from '../../src/store/index.js';
import { silentLogger } from '../../src/util/log.js';

/**
 * Two readers of the message state history (migrations 4 and 8): the hooks dispatch each row
 * once (`dispatched`), MQTT keeps its own cursor; neither takes a row from the other, and the
 * rows stay as the messages' history.
 */
test('the hooks and MQTT read the state history independently; a reader turned off drops its cursor', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-outbox-'));
  const store = openStore({ stateDir: dir });
  const rows = (): number => store.db.prepare('SELECT count(*) FROM state_changes').pluck().get() as number;
  try {
    store.messages.insert({ direction: 'in', kind: 'sms', state: 'received', from: '+15550100070', to: ['+15550100001'] });
    // A reader switched on later starts after the newest row: no replay of the whole history.
    registerConsumer(store.db, 'mqtt');
    assert.equal(pendingOutbox(store.db, 100, consumerCursor(store.db, 'mqtt')).length, 0);
    for (let i = 0; i < 3; i++) store.messages.insert({ direction: 'in', kind: 'sms', state: 'received', from: '+15550100077', to: ['+15550100001'] });
    assert.equal(await drainOutbox(store, () => [], Date.now()), 4, 'the hooks see every row, the one before MQTT came too');
    assert.equal(await drainOutbox(store, () => [], Date.now()), 0, 'the hooks do not dispatch a row twice');
    const mine = pendingOutbox(store.db, 100, consumerCursor(store.db, 'mqtt'));
    assert.equal(mine.length, 3, 'MQTT still has its three rows after the hooks took theirs');
    store.tx(() => advanceConsumer(store.db, 'mqtt', mine[1]!.id));
    assert.equal(pendingOutbox(store.db, 100, consumerCursor(store.db, 'mqtt')).length, 1);
    assert.equal(rows(), 4, 'the rows stay: they are the messages\' state history');
    // mqtt.enabled false (the default): its cursor is dropped.
    assert.equal(startMqtt(parseConfig({ ...demoConfigInput(), stateDir: dir }), { store, send: { send: () => Promise.reject(new Error('unused')) }, modemStatus: () => undefined, log: silentLogger }), undefined);
    assert.equal(store.db.prepare("SELECT count(*) FROM outbox_consumers WHERE name = 'mqtt'").pluck().get(), 0);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
