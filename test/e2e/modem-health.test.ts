import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locate } from '../../src/ops/locate.js';
import { withReadOnly } from '../../src/ops/db.js';
import { collectStatus, renderStatus } from '../../src/ops/status.js';
import { waitUntil, withE2e } from '../helpers/e2e.js';

/**
 * A gateway whose modem does not answer neither sends nor receives: `mmsgw status` (which
 * runs beside the gateway and cannot open the port itself) must say so, not look healthy.
 */
test('mmsgw status reports a modem that does not answer, then that it is back', { timeout: 120_000 }, async () => {
  await withE2e({ startGateway: false }, async (env) => {
    await env.modemSim.hang('forever');
    await env.startGateway();
    const loc = locate({ stateDir: env.config.stateDir });
    const read = () => withReadOnly(loc, (db) => collectStatus(db, loc));
    const down = await waitUntil(() => (read().modem?.status.responding === false ? read() : undefined), 40_000, 'modem reported silent');
    assert.equal(down.modem?.health.ok, false);
    assert.match(down.modem?.health.problem ?? '', /does not answer AT/);
    assert.match(renderStatus(down, Date.now()), /modem {6}NOT WORKING since .*does not answer AT/);
    await env.modemSim.resume();
    const up = await waitUntil(() => (read().modem?.health.ok ? read() : undefined), 90_000, 'modem reported working');
    assert.equal(up.modem?.status.state, 'ready');
    assert.match(renderStatus(up, Date.now()), /modem {6}ready since/);
    const h = env.gateway.health();
    assert.equal(h.ok, true);
  });
});
