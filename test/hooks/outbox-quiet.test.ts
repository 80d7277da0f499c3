import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { startHooks } from '../../src/app/hooks.js';
import { demoConfigInput, parseConfig } from '../../src/config/index.js';
import type { PipelineContext } from '../../src/pipeline/context.js';
import type { JobWorker } from '../../src/pipeline/worker.js';
import { silentLogger } from '../../src/util/log.js';
import { tempStore, walCommits } from '../store/helpers.js';

/**
 * With no webhook and no onReceive script, the outbox passes only mark state changes
 * dispatched (so that a hook configured later does not replay them): in a burst they commit
 * at most every 2 s instead of every 100 ms after each finished job, up to 2,000 rows to a
 * commit. Every row is still marked, and stopping does not wait out the gap. Commits are
 * counted in the WAL's commit frames.
 */
test('no hook configured: a burst of state changes costs one outbox commit per 2 s, and every row is marked', async () => {
  const t = tempStore();
  const { store } = t;
  const config = parseConfig({ ...demoConfigInput(), stateDir: t.dir });
  assert.equal(config.webhooks.targets.length, 0);
  assert.equal(config.hooks.onReceive, null);
  const worker = Object.assign(new EventEmitter(), { poke: () => undefined }) as unknown as JobWorker;
  const ctx: PipelineContext = { store, log: silentLogger, enqueue: (j) => void store.jobs.enqueue(j), now: Date.now, ownNumber: undefined };
  const hooks = startHooks(config, ctx, worker, undefined, 60_000);
  try {
    /** A received message; returns the commits its insert made (the rest are the outbox's). */
    const receive = (from: string): number => {
      const before = walCommits(store.path);
      store.messages.insert({ direction: 'in', kind: 'sms', state: 'received', from });
      return walCommits(store.path) - before;
    };
    const start = walCommits(store.path);
    let own = 0;
    // 30 received messages over ~1.5 s, a job finishing after each (what wakes the outbox).
    for (let i = 0; i < 30; i++) {
      own += receive(`+1555010${String(i).padStart(4, '0')}`);
      worker.emit('done');
      await new Promise((r) => setTimeout(r, 50));
    }
    const outboxCommits = walCommits(store.path) - start - own;
    assert.ok(outboxCommits >= 1 && outboxCommits <= 2, `${outboxCommits} outbox commits in ~1.5 s (100 ms apart would be ~15)`);
    // 250 more at once: the rows still pending are marked by the next pass, 2 s after the last
    // one that wrote, in one commit (not a commit per hundred rows).
    const pending = (): number => store.db.prepare('SELECT count(*) FROM state_changes WHERE dispatched = 0').pluck().get() as number;
    const second = walCommits(store.path);
    let own2 = 0;
    for (let i = 0; i < 250; i++) own2 += receive(`+1555020${String(i).padStart(4, '0')}`);
    assert.ok(pending() >= 250);
    worker.emit('done');
    const deadline = Date.now() + 5_000;
    while (pending() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(pending(), 0);
    assert.equal(walCommits(store.path) - second - own2, 1, 'the 250 rows marked in one commit');
    // A pass waiting out its gap does not hold up stop.
    receive('+15550109999');
    worker.emit('done');
    const stopping = Date.now();
    await hooks.stop();
    assert.ok(Date.now() - stopping < 1_000, `stop took ${Date.now() - stopping} ms`);
  } finally {
    await hooks.stop();
    t.cleanup();
  }
});
