import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchDatabase } from '../../src/app/db-wake.js';
import { JobWorker } from '../../src/pipeline/worker.js';
import { openStore } from '../../src/store/index.js';
import { silentLogger } from '../../src/util/log.js';

const root = new URL('../..', import.meta.url).pathname;

/**
 * The gateway no longer polls the jobs table every second: a worker whose safety timer is a
 * minute takes up a job committed by another process within seconds, because the commit's WAL
 * write wakes it. Without the watch the job would wait for the timer (60 s), past the bound.
 */
test('a job committed by another process wakes an idle worker (no poll)', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-dbwake-'));
  const store = openStore({ stateDir: dir, synchronous: 'NORMAL' });
  let ran: (key: string) => void = () => undefined;
  const picked = new Promise<string>((resolve) => (ran = resolve));
  const worker = new JobWorker({
    queue: store.jobs,
    handlers: { probe: { run: (job) => Promise.resolve(ran(job.key)) } },
    log: silentLogger,
    maxIdleMs: 60_000,
  });
  let wakes = 0;
  const wake = watchDatabase(store.path, () => {
    wakes++;
    worker.poke();
  });
  try {
    assert.equal(wake.watching, true, 'the state directory can be watched');
    worker.start();
    await new Promise((r) => setTimeout(r, 300)); // idle: nothing due; the worker sleeps on its 60 s timer
    const idleWakes = wakes;
    const script = `import { openStore } from ${JSON.stringify(join(root, 'src/store/index.ts'))};
const s = openStore({ stateDir: ${JSON.stringify(dir)}, synchronous: 'NORMAL' });
s.jobs.enqueue({ kind: 'probe', key: 'probe:1', payload: {} });
s.close();`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: 'inherit' });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, 'the other process committed the job');
    const started = Date.now();
    const key = await Promise.race([picked, new Promise<string>((_, reject) => setTimeout(() => reject(new Error('not picked up within 10 s')), 10_000))]);
    assert.equal(key, 'probe:1');
    assert.ok(Date.now() - started < 10_000);
    assert.ok(wakes > idleWakes, 'woken by the database change');
  } finally {
    wake.close();
    await worker.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an idle database causes no wake-ups', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-dbwake-'));
  const store = openStore({ stateDir: dir, synchronous: 'NORMAL' });
  let wakes = 0;
  const wake = watchDatabase(store.path, () => wakes++);
  try {
    // Reads and empty claims write nothing to the WAL.
    for (let i = 0; i < 20; i++) assert.equal(store.jobs.claim(Date.now()), undefined);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(wakes, 0);
  } finally {
    wake.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
