import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startWatchdog, storeAnswers } from '../../src/util/sd-notify.js';
import { sleep } from '../helpers/e2e.js';
import { fakeSystemdNotify } from '../helpers/fake-notify.js';

/**
 * systemd's watchdog (WatchdogSec=1 here) is fed while long jobs hold every slot — liveness is
 * the event loop (the ping comes from a timer) and the store answering — and stops when the
 * store no longer answers. `systemd-notify` is replaced by a script that records each call.
 */
test('the watchdog is fed while jobs outlast WatchdogSec, and stops when the store is gone', { timeout: 60_000 }, async () => {
  const notify = fakeSystemdNotify();
  const db = new Database(join(notify.dir, 'db.sqlite'));
  const pings = (): number => notify.pings().length;
  try {
    const stop = startWatchdog(() => storeAnswers(() => db.prepare('SELECT 1').get()));
    // Two "jobs" that take 5 s (2.5 × WatchdogSec) each, as retrievals over a slow bearer do.
    const jobs = Promise.all([sleep(5_000), sleep(5_000)]);
    await jobs;
    const during = pings();
    assert.ok(during >= 3, `${during} pings while the jobs ran (one per second expected)`);
    db.close();
    await sleep(2_500);
    const before = pings();
    await sleep(3_000);
    assert.equal(pings(), before, 'no ping once the store does not answer');
    stop();
  } finally {
    if (db.open) db.close();
    notify.restore();
  }
});
