import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drainOutbox, hookWants } from '../../src/hooks/index.js';
import { tempStore } from '../store/helpers.js';

/**
 * The outbox reads a message (its parts, blob files included) only for an event some hook
 * listens to: with no webhook and no onReceive script, a burst's state changes are only marked
 * dispatched, and an event type nobody subscribed to is not built either.
 */
test('rows no configured hook listens to are marked dispatched without building their events', async () => {
  const t = tempStore();
  try {
    const { store } = t;
    const a = store.messages.insert({ direction: 'in', kind: 'sms', state: 'received', from: '+15550100077' });
    const b = store.messages.insert({ direction: 'out', kind: 'sms', state: 'queued', to: ['+15550100078'] });
    store.messages.setState(b.id, 'sent');
    const built: string[] = [];
    const jobsFor = (e: { type: string }): never[] => {
      built.push(e.type);
      return [];
    };
    // Nothing configured: no event is built, every row is handled.
    const none = hookWants({ targets: [], webhookTimeoutMs: 1000, webhookMaxAgeMs: 1000 });
    assert.equal(await drainOutbox(store, jobsFor, Date.now(), none), 3);
    assert.deepEqual(built, []);
    const pending = (): number => store.db.prepare('SELECT count(*) FROM state_changes WHERE dispatched = 0').pluck().get() as number;
    assert.equal(pending(), 0);

    // A webhook for message.sent only: the received SMS is not read, the sent one is.
    const sentOnly = hookWants({ targets: [{ name: 'w', url: 'http://127.0.0.1:9/', events: ['message.sent'], secret: 's' }], webhookTimeoutMs: 1000, webhookMaxAgeMs: 1000 });
    store.messages.setState(a.id, 'relayed');
    const c = store.messages.insert({ direction: 'in', kind: 'sms', state: 'received', from: '+15550100079' });
    const d = store.messages.insert({ direction: 'out', kind: 'sms', state: 'queued', to: ['+15550100080'] });
    store.messages.setState(d.id, 'sent');
    assert.equal(await drainOutbox(store, jobsFor, Date.now(), sentOnly), 4);
    assert.deepEqual(built, ['message.sent']);
    assert.equal(pending(), 0);
    assert.ok(c.id > 0);
  } finally {
    t.cleanup();
  }
});
