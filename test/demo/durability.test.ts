/**
 * `mmsgw demo --durability acknowledge|commit` sets the demo gateway's storage.durability
 * (docs/STORAGE.md "Durability"), so bench/e2e.ts can compare the two on the same burst.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { demoConfig } from '../../src/demo/environment.js';
import type { SimulatorEndpoints } from '../../src/demo/simulators.js';
import { ENV, MMSGW } from './process.js';

const SIMS: SimulatorEndpoints = {
  modem: { pty: '/dev/null', control: '/tmp/none.sock' },
  mmsc: { url: 'http://127.0.0.1:1/mms', proxy: 'http://127.0.0.1:2', control: 'http://127.0.0.1:3', controlSocket: '/tmp/none2.sock' },
  mailSink: { smtp: 'smtp://127.0.0.1:4', control: 'http://127.0.0.1:5', mailbox: '/tmp/mailbox' },
  vasp: { url: 'http://127.0.0.1:6/mm7', control: 'http://127.0.0.1:7' },
};
const VASP = { vaspId: 'v', user: 'v', password: 'p' };

test('the demo configuration takes the durability asked for, and the default is commit', () => {
  const ports = { smtpIn: 2525, web: 8080 };
  assert.equal(demoConfig({ stateDir: '/tmp/x', durability: 'acknowledge' }, SIMS, ports, VASP).storage.durability, 'acknowledge');
  assert.equal(demoConfig({ stateDir: '/tmp/x' }, SIMS, ports, VASP).storage.durability, 'commit');
});

test('a durability the gateway does not know is refused with exit status 2 and names the option', () => {
  const r = spawnSync(process.execPath, [MMSGW, 'demo', '--messages', '1', '--durability', 'sometimes'], { env: ENV, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--durability must be commit or acknowledge, got 'sometimes'/);
});
