/**
 * Stopping `npm start`: Ctrl-C in its terminal (SIGINT to the whole foreground process group)
 * or a SIGTERM / SIGINT to npm alone (the process group leader, as a service manager or `kill`
 * sends it) stops the gateway and every simulator — nothing is left in the group. Before the
 * start script exec'd node, npm's `sh -c` died on the forwarded SIGTERM and the demo with its
 * simulators stayed behind, orphaned.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { groupEmpties, killGroup, MMSGW, processGroup, startDetached } from './process.js';

async function stopsCleanly(signal: NodeJS.Signals, target: 'leader' | 'group'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-demo-stop-'));
  // --ignore-scripts: no prestart build (the sources run through tsx, MMSGW_DEV=1); start itself runs.
  const npm = await startDetached('npm', ['start', '--ignore-scripts', '--', '--state-dir', dir, '--baud', '0'], /Press Ctrl-C to stop/);
  const pgid = npm.child.pid!;
  try {
    const before = processGroup(pgid);
    assert.ok(before.some((p) => p.cmd.includes('sims-main')), `the simulators' process runs in the group: ${JSON.stringify(before)}`);
    assert.ok(before.some((p) => p.cmd.includes('sim/modem/main')), 'the modem simulator runs in the group');
    process.kill(target === 'group' ? -pgid : pgid, signal);
    assert.ok(await groupEmpties(pgid, 30_000), `left behind after ${signal} to the ${target}: ${JSON.stringify(processGroup(pgid))}`);
  } finally {
    killGroup(pgid);
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('npm start stops with everything it started', { timeout: 400_000 }, () => {
  it('SIGTERM to npm (the group leader) leaves no process behind', () => stopsCleanly('SIGTERM', 'leader'));
  it('SIGINT to npm (the group leader) leaves no process behind', () => stopsCleanly('SIGINT', 'leader'));
  it('Ctrl-C (SIGINT to the whole process group) leaves no process behind', () => stopsCleanly('SIGINT', 'group'));
  it('the simulators killed under a running demo: the demo says so, stops, and leaves nothing behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsgw-demo-lost-'));
    const demo = await startDetached(process.execPath, [MMSGW, 'demo', '--state-dir', dir, '--baud', '0'], /Press Ctrl-C to stop/);
    const pgid = demo.child.pid!;
    try {
      const sims = processGroup(pgid).find((p) => p.cmd.includes('sims-main'));
      assert.ok(sims, 'the simulators\' process');
      process.kill(sims.pid, 'SIGKILL');
      assert.equal((await demo.exited).code, 1);
      assert.match(demo.stderr(), /the simulators' process ended \(SIGKILL\); stopping/);
      assert.ok(await groupEmpties(pgid, 30_000), `left behind: ${JSON.stringify(processGroup(pgid))}`);
    } finally {
      killGroup(pgid);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
