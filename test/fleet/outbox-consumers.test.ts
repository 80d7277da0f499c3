import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMqtt } from '../../src/app/mqtt.js';
import { demoConfigInput, parseConfig } from '../../src/config/index.js';
import { advanceConsumer, drainOutbox, registerConsumer } from '../../src/hooks/index.js';
import { openStore } from '../../src/store/index.js';
import { silentLogger } from '../../src/util/log.js';

/**
 * The state outbox with two readers (migration 6): a row stays until both the hooks reader and
 * the MQTT reader are past it; turning MQTT off releases its rows.
 */
test('rows stay until every reader has them; a reader that is turned off releases them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-outbox-'));
  const store = openStore({ stateDir: dir });
  const count = (): number => store.db.prepare('SELECT count(*) FROM state_outbox').pluck().get() as number;
  try {
    registerConsumer(store.db, 'mqtt');
    for (let i = 0; i < 3; i++) store.messages.insert({ direction: 'in', kind: 'sms', state: 'received', from: '+15550100077', to: ['+15550100001'] });
    assert.equal(await drainOutbox(store, () => [], Date.now()), 3);
    assert.equal(count(), 3, 'the hooks reader is done, MQTT is not');
    assert.equal(await drainOutbox(store, () => [], Date.now()), 0, 'the hooks reader does not read a row twice');
    const ids = store.db.prepare('SELECT id FROM state_outbox ORDER BY id').pluck().all() as number[];
    store.tx(() => advanceConsumer(store.db, 'mqtt', ids[1]!));
    assert.equal(count(), 1, 'rows both readers are past are deleted');
    // mqtt.enabled false (the default): its cursor is dropped and its rows with it.
    assert.equal(startMqtt(parseConfig({ ...demoConfigInput(), stateDir: dir }), { store, send: { send: () => Promise.reject(new Error('unused')) }, modemStatus: () => undefined, log: silentLogger }), undefined);
    assert.equal(count(), 0);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
