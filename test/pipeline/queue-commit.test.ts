import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queuePlan, type QueuedPlan } from '../../src/pipeline/outbound.js';
import { walCommits } from '../store/helpers.js';
import { harness } from './harness.js';

/**
 * Outbound messages queued in the same turn of the event loop — mails, API and MM7 requests
 * arriving together — are committed together: one commit (one fsync under synchronous = FULL)
 * for all of them, and none is answered before it. One that fails is rolled back alone.
 * Commits are counted in the WAL's commit frames (SQLite file format §4.1).
 */

function request(n: number, identity = `<req-${n}@example.test>`): QueuedPlan {
  return {
    plan: { kind: 'sms', to: [`+1555031000${n}`], text: `text ${n}`, segments: 1, alphabet: 'gsm7' },
    sender: `api:token-${n}`,
    identity,
    date: new Date(),
    expiresAt: new Date(Date.now() + 86_400_000),
    event: { kind: 'send-accepted', detail: { n } },
  };
}

test('three messages queued in one turn share one commit; each answers once it is on disk', async () => {
  const h = await harness();
  try {
    const start = walCommits(h.store.path);
    const answered: number[] = [];
    const queued = [1, 2, 3].map((n) =>
      queuePlan(h.ctx, request(n)).then((r) => {
        answered.push(walCommits(h.store.path) - start);
        return r;
      }),
    );
    const results = await Promise.all(queued);
    assert.deepEqual(results.map((r) => r.created), [true, true, true]);
    assert.equal(walCommits(h.store.path) - start, 1);
    assert.deepEqual(answered, [1, 1, 1], 'no answer before the commit');
    for (const r of results) {
      assert.equal(h.store.messages.get(r.message.id)?.state, 'queued');
      assert.equal(h.store.jobs.getByKey(`send-sms:${r.message.id}`)?.state, 'queued');
    }
  } finally {
    await h.close();
  }
});

test('the same identity offered twice in one turn is queued once; a step that throws is rolled back alone', async () => {
  const h = await harness();
  try {
    const bad: QueuedPlan = {
      ...request(5),
      alsoWrite: () => {
        throw new Error('the door could not record it');
      },
    };
    const [a, b, c] = await Promise.allSettled([queuePlan(h.ctx, request(1, '<same@example.test>')), queuePlan(h.ctx, request(2, '<same@example.test>')), queuePlan(h.ctx, bad)]);
    assert.equal(a.status === 'fulfilled' && a.value.created, true);
    assert.equal(b.status === 'fulfilled' && b.value.created, false);
    assert.equal(a.status === 'fulfilled' && b.status === 'fulfilled' && a.value.message.id === b.value.message.id, true);
    assert.equal(c.status, 'rejected');
    assert.equal(h.store.messages.getByEmailMessageId('<req-5@example.test>'), undefined, 'the failed step left nothing');
    assert.equal(h.store.db.prepare("SELECT count(*) FROM messages WHERE direction = 'out'").pluck().get(), 1);
  } finally {
    await h.close();
  }
});
