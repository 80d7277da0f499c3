import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startWatchdog, storeAnswers } from '../../src/util/sd-notify.js';
import { sleep } from '../helpers/e2e.js';

/**
 * systemd's watchdog (WatchdogSec=1 here) is fed while long jobs hold every slot — liveness is
 * the event loop (the ping comes from a timer) and the store answering — and stops when the
 * store no longer answers. `systemd-notify` is replaced by a script that records each call.
 */
test('the watchdog is fed while jobs outlast WatchdogSec, and stops when the store is gone', { timeout: 60_000 }, async () => {
  const bin = mkdtempSync(join(tmpdir(), 'mmsgw-notify-'));
  const log = join(bin, 'calls');
  writeFileSync(join(bin, 'systemd-notify'), `#!/bin/sh\necho "$(date +%s%N) $*" >> '${log}'\n`);
  chmodSync(join(bin, 'systemd-notify'), 0o755);
  writeFileSync(log, '');
  const saved = { path: process.env.PATH, socket: process.env.NOTIFY_SOCKET, usec: process.env.WATCHDOG_USEC };
  process.env.PATH = `${bin}:${process.env.PATH ?? ''}`;
  process.env.NOTIFY_SOCKET = join(bin, 'notify.sock');
  process.env.WATCHDOG_USEC = '2000000';
  const db = new Database(join(bin, 'db.sqlite'));
  const pings = (): number => readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('WATCHDOG=1')).length;
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
    process.env.PATH = saved.path;
    if (saved.socket === undefined) delete process.env.NOTIFY_SOCKET;
    else process.env.NOTIFY_SOCKET = saved.socket;
    if (saved.usec === undefined) delete process.env.WATCHDOG_USEC;
    else process.env.WATCHDOG_USEC = saved.usec;
    rmSync(bin, { recursive: true, force: true });
  }
});
