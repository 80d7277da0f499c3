import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobWorker, type JobHandler, type KindLimit } from '../../src/pipeline/worker.js';
import { silentLogger } from '../../src/util/log.js';
import { tempStore } from '../store/helpers.js';

/**
 * A kind of job that waits for one resource is bounded (WorkerOptions.kindLimits): SMS sends
 * queue on the modem's one AT channel, each waiting for the SMSC's answer to +CMGS, and in a
 * burst they used to hold all six slots while received SMS and relays — milliseconds of work
 * each — waited seconds for one.
 */
test('sends bounded to one at a time leave the other slots to other jobs', async () => {
  const t = tempStore();
  const worker = (limits?: KindLimit[]): { w: JobWorker; events: string[]; release: () => void } => {
    const events: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    let sending = 0;
    let most = 0;
    const handlers: Record<string, JobHandler> = {
      'send-sms': {
        run: async (job) => {
          sending++;
          most = Math.max(most, sending);
          events.push(`send ${job.key} (at once: ${most})`);
          await gate;
          sending--;
        },
      },
      relay: { run: async (job) => { events.push(`relay ${job.key}`); } },
    };
    const w = new JobWorker({ queue: t.store.jobs, handlers, log: silentLogger, concurrency: 6, maxIdleMs: 50, ...(limits ? { kindLimits: () => limits } : {}) });
    return { w, events, release: open };
  };
  try {
    for (let i = 0; i < 6; i++) t.store.jobs.enqueue({ kind: 'send-sms', key: `send-sms:${i}` });
    for (let i = 0; i < 3; i++) t.store.jobs.enqueue({ kind: 'relay', key: `relay:${i}` });
    const { w, events, release } = worker([{ kinds: ['send-sms'], max: 1 }]);
    w.start();
    const deadline = Date.now() + 5_000;
    while (events.filter((e) => e.startsWith('relay')).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(events.filter((e) => e.startsWith('relay')).sort(), ['relay relay:0', 'relay relay:1', 'relay relay:2'], 'the relays ran while a send waited');
    assert.deepEqual(events.filter((e) => e.startsWith('send')), ['send send-sms:0 (at once: 1)'], 'one send at a time');
    release();
    const end = Date.now() + 5_000;
    while (t.store.jobs.list().some((j) => j.state !== 'done') && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    await w.stop();
    assert.equal(events.filter((e) => e.startsWith('send')).length, 6, 'every send ran');
    assert.ok(events.every((e) => !e.startsWith('send') || e.endsWith('(at once: 1)')), `never two sends at once: ${events.join('; ')}`);
  } finally {
    t.cleanup();
  }
});

test('without a bound, six waiting sends hold every slot (what the bound is for)', async () => {
  const t = tempStore();
  try {
    for (let i = 0; i < 6; i++) t.store.jobs.enqueue({ kind: 'send-sms', key: `send-sms:${i}` });
    t.store.jobs.enqueue({ kind: 'relay', key: 'relay:0' });
    let open!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    let relayed = false;
    const w = new JobWorker({
      queue: t.store.jobs,
      handlers: { 'send-sms': { run: () => gate }, relay: { run: async () => { relayed = true; } } },
      log: silentLogger,
      concurrency: 6,
      maxIdleMs: 50,
    });
    w.start();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(relayed, false);
    open();
    await w.stop();
  } finally {
    t.cleanup();
  }
});

/**
 * Kinds that each hold a whole message in memory share one bound (src/app/job-limits.ts): with
 * 16 slots, a burst of large MMS to fetch, send and deliver over MM7 may not hold more than the
 * group's share at once, whatever their mix, while light jobs use the other slots.
 */
test('a group of kinds shares one bound, and the other kinds use the free slots', async () => {
  const t = tempStore();
  try {
    for (let i = 0; i < 4; i++) t.store.jobs.enqueue({ kind: 'fetch', key: `fetch:${i}` });
    for (let i = 0; i < 4; i++) t.store.jobs.enqueue({ kind: 'encode', key: `encode:${i}` });
    for (let i = 0; i < 5; i++) t.store.jobs.enqueue({ kind: 'light', key: `light:${i}` });
    let open!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    let heavy = 0;
    let most = 0;
    let light = 0;
    const heavyRun: JobHandler = {
      run: async () => {
        heavy++;
        most = Math.max(most, heavy);
        await gate;
        heavy--;
      },
    };
    const w = new JobWorker({
      queue: t.store.jobs,
      handlers: { fetch: heavyRun, encode: heavyRun, light: { run: async () => { light++; } } },
      log: silentLogger,
      concurrency: 16,
      maxIdleMs: 50,
      kindLimits: () => [{ kinds: ['fetch', 'encode'], max: 3 }],
    });
    w.start();
    const deadline = Date.now() + 5_000;
    while (light < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(light, 5, 'the light jobs ran while the group was full');
    assert.equal(most, 3, 'three of the group at once, not eight');
    open();
    const end = Date.now() + 5_000;
    while (t.store.jobs.list().some((j) => j.state !== 'done') && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    await w.stop();
    assert.equal(most, 3, 'never more than three of the group at once');
    assert.ok(t.store.jobs.list().every((j) => j.state === 'done'), 'every job ran');
  } finally {
    t.cleanup();
  }
});

/**
 * Every running job listens to the worker's abort signal (its requests, its deadline). With 16
 * in flight Node warned of a possible listener leak (MaxListenersExceededWarning at 11) on every
 * burst; the worker raises the signal's bound with its concurrency.
 */
test('sixteen jobs listening to the worker signal raise no listener-leak warning', async () => {
  const t = tempStore();
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.name);
  process.on('warning', onWarning);
  try {
    for (let i = 0; i < 16; i++) t.store.jobs.enqueue({ kind: 'wait', key: `wait:${i}` });
    let open!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    let listening = 0;
    const w = new JobWorker({
      queue: t.store.jobs,
      handlers: {
        wait: {
          run: async (_job, signal) => {
            const onAbort = (): void => undefined;
            signal.addEventListener('abort', onAbort);
            listening++;
            await gate;
            signal.removeEventListener('abort', onAbort);
          },
        },
      },
      log: silentLogger,
      concurrency: 16,
      maxIdleMs: 50,
    });
    w.start();
    const deadline = Date.now() + 5_000;
    while (listening < 16 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(listening, 16, 'all sixteen at once');
    await new Promise((r) => setImmediate(r));
    open();
    await w.stop();
    assert.deepEqual(warnings.filter((n) => n === 'MaxListenersExceededWarning'), []);
  } finally {
    process.off('warning', onWarning);
    t.cleanup();
  }
});
