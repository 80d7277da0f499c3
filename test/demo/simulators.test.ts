/**
 * The simulators' fixed places: a state directory too deep for a unix socket path (108 bytes
 * with its NUL, unix(7)) is refused up front with an error naming the socket, not an EINVAL
 * from listen() halfway through starting.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startSimulators } from '../../src/demo/simulators.js';
import { demoPaths } from '../../src/demo/paths.js';

test('a state directory too long for the control sockets is refused, naming the socket, before anything starts', async () => {
  const base = mkdtempSync(join(tmpdir(), 'mmsgw-demo-long-'));
  const dir = join(base, 'x'.repeat(100));
  try {
    await assert.rejects(startSimulators({ stateDir: dir, vasp: { vaspId: 'v', user: 'v', password: 'p' } }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'DEMO_STATE_DIR_TOO_LONG');
      assert.ok(e.message.includes(demoPaths(dir).modemControl()), e.message);
      return true;
    });
    assert.equal(existsSync(dir), false, 'nothing was created');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
