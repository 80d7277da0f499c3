import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModemSim, type ModemSimClient } from '../../src/sim/modem/client.js';
import { Modem } from '../../src/modem/index.js';
import { openTransport, type Transport, type TransportFactory } from '../../src/at/transport.js';
import { until } from './helpers.js';

/** Counts the transports open at once: one port, one owner, so never more than one. */
function countingFactory(): { factory: TransportFactory; live: Set<Transport>; maxLive: () => number; opens: () => number } {
  const live = new Set<Transport>();
  let max = 0;
  let opens = 0;
  const factory: TransportFactory = async (path, options) => {
    const t = await openTransport(path, options);
    opens++;
    live.add(t);
    max = Math.max(max, live.size);
    t.on('close', () => live.delete(t));
    return t;
  };
  return { factory, live, maxLive: () => max, opens: () => opens };
}

test('the recovery ladder\'s reopen and the reopen loop never open the port twice at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-port-owner-'));
  const link = join(dir, 'modem');
  let sim: ModemSimClient | undefined;
  let modem: Modem | undefined;
  const counter = countingFactory();
  try {
    sim = await startModemSim({ profile: 'generic', baudRate: 0, link });
    modem = await Modem.open({
      port: link,
      statusIntervalMs: 0,
      reopenPollMs: 50,
      transportFactory: counter.factory,
      recovery: { timeoutsBeforeRecovery: 99, steps: ['reopen'], settleMs: 50, probes: 2, probeIntervalMs: 50, probeTimeoutMs: 500 },
    });
    assert.equal(modem.status().state, 'ready');
    // The modem vanishes (USB reset): the reopen loop starts polling for it. While it is away
    // the ladder runs too (it was started by timeouts just before) and takes its reopen step.
    await sim.unplug(1500);
    await until(() => modem?.status().state === 'closed', 8000, 'port seen gone');
    const outcome = modem.recover();
    await until(() => modem?.status().state === 'ready', 20000, 'ready again');
    await outcome;
    // Let any second loop that was started show itself.
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(counter.maxLive(), 1, `at most one transport open at a time (opens: ${counter.opens()})`);
    assert.equal(counter.live.size, 1, 'exactly one transport open at the end');
    assert.equal(modem.status().state, 'ready');
    await modem.refreshStatus();
  } finally {
    await modem?.close();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('waitForPort: a port that appears later is opened on the directory event, not on a poll', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-port-late-'));
  // The udev-style link lives in a directory that does not exist yet (udev removes an empty
  // /dev/serial/by-id): the owner watches its nearest existing parent.
  const link = join(dir, 'serial', 'by-id', 'modem');
  let sim: ModemSimClient | undefined;
  let modem: Modem | undefined;
  try {
    // The safety re-check is ten minutes: only an inotify event can bring the port in time.
    modem = await Modem.open({ port: link, waitForPort: true, statusIntervalMs: 0, reopenPollMs: 600_000, recovery: false });
    assert.equal(modem.status().state, 'closed');
    mkdirSync(join(dir, 'serial', 'by-id'), { recursive: true });
    sim = await startModemSim({ profile: 'generic', baudRate: 0, link });
    await until(() => modem?.status().state === 'ready', 15_000, 'opened once the link appeared');
    await modem.refreshStatus();
  } finally {
    await modem?.close();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
