import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomHandsetParts } from '../../src/sim/mmsc/index.js';
import { OWN_NUMBER, sleep, waitUntil, withE2e } from '../helpers/e2e.js';
import { fakeSystemdNotify } from '../helpers/fake-notify.js';

/**
 * The assembled gateway under systemd's watchdog (WatchdogSec=2 here): two MMS retrievals that
 * crawl over a slow bearer hold both job slots for far longer than WatchdogSec (and than the 60 s
 * the old "a job slot moved" liveness allowed); the watchdog must be fed all along, because the
 * event loop and the store answer. `systemd-notify` is a script that records each call.
 */
test('the gateway feeds the watchdog while two jobs outlast WatchdogSec', { timeout: 180_000 }, async () => {
  const notify = fakeSystemdNotify();
  try {
    await withE2e({ configure: (c) => ({ ...c, mmsc: { ...c.mmsc, timeoutSeconds: 600 } }) }, async (env) => {
      // 20 bytes a second, never silent for the bearer's 30 s idle limit: minutes per message.
      env.mmscSim.fault({ kind: 'slow', bytesPerSecond: 20, on: 'retrieve' });
      for (let i = 0; i < 2; i++) {
        await env.mmscSim.submitFromHandset({ from: '+15550220001', to: OWN_NUMBER, subject: `long-${i}`, parts: randomHandsetParts({ parts: 3, totalBytes: 30_000, seed: i }) });
      }
      const running = (): string[] => env.gateway.store.jobs.list(undefined, 50).filter((j) => j.state === 'running').map((j) => j.key);
      await waitUntil(() => running().length >= 2, 30_000, 'two jobs running');
      const busySince = Date.now();
      await sleep(70_000);
      const jobs = env.gateway.store.jobs.list(undefined, 50).map((j) => `${j.kind}:${j.state}:${j.attempts}:${j.lastError ?? ''}`);
      const pings = notify
        .pings()
        .filter((t) => t >= busySince)
        .sort((a, b) => a - b);
      const gaps = [pings[0] ?? Date.now(), ...pings, Date.now()].slice(1).map((t, i, a) => t - (i === 0 ? busySince : (a[i - 1] ?? t)));
      assert.ok(Math.max(...gaps) < 2_000, `largest gap between watchdog pings ${Math.max(...gaps)} ms (WatchdogSec 2 s); jobs: ${jobs.join(' | ')}`);
      env.mmscSim.clearFaults();
    });
  } finally {
    notify.restore();
  }
});
