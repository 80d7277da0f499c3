import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTransport } from '../../src/at/transport.js';
import { startModemSim } from '../../src/sim/modem/client.js';

/**
 * An open serial port whose udev link comes to name another node is treated as unplugged even
 * though no read failed. The check is driven by a watch on the link's directory, not a 1 Hz
 * poll (the safety timer is 30 s), so it must still be seen within a few seconds.
 */
test('the port closes when its link is re-pointed, without a poll', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-presence-'));
  const sim = await startModemSim({ profile: 'generic', baudRate: 0 });
  const link = join(dir, 'modem');
  symlinkSync(sim.path, link);
  const t = await openTransport(link, {});
  try {
    const closed = new Promise<Error | undefined>((resolve) => t.on('close', resolve));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(t.isOpen, true);
    // udev replaces the link atomically: a new link renamed over the old one, now naming /dev/null.
    symlinkSync('/dev/null', join(dir, 'modem.new'));
    renameSync(join(dir, 'modem.new'), link);
    const started = Date.now();
    const e = await Promise.race([closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('still open after 5 s')), 5000))]);
    assert.match(String(e?.message), /vanished/);
    assert.ok(Date.now() - started < 5000);
  } finally {
    await t.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
