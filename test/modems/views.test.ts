import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { encodeDeliver } from '../../src/codec/sms/index.js';
import { waitUntil } from '../helpers/e2e.js';
import { startMulti } from '../helpers/multi-modem.js';
import { cli } from '../ops/fixture.js';
import { launch, SKIP_BROWSER } from '../web/browser.js';

/**
 * Each modem shown: `mmsgw status` (beside the running gateway, from its files), the web
 * interface's Box page in a real Chromium, and `mmsgw doctor --modems` probing every configured
 * port once the gateway has stopped.
 */
test('status, the web interface and doctor show each of three modems', { timeout: 180_000 }, async (t) => {
  const env = await startMulti(3, (c) => ({ ...c, metrics: { enabled: true } }));
  try {
    const gw = env.gateway;
    await waitUntil(() => gw.modemViews().every((v) => v.health.ok) && gw.modemViews().length === 3, 60_000, 'three modems ready');
    for (const [i, s] of env.sims.entries()) for (const p of encodeDeliver({ from: `+155507900${i}`, text: `[view-${i}]`, reference: 1 })) await s.modemSim.deliverSms(p.hex);
    await waitUntil(() => (gw.store.db.prepare("SELECT COUNT(*) FROM messages WHERE direction = 'in'").pluck().get() as number) === 3, 30_000, 'three SMS in');

    await t.test('mmsgw status --json lists each modem with its number, port, health and traffic', async () => {
      const r = await cli(['status', '--state-dir', env.config.stateDir, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const st = JSON.parse(r.stdout) as { modems: { id: string; number: string; port: string; in: number; report: { status: { state: string; profile: string }; health: { ok: boolean } } }[] };
      assert.deepEqual(
        st.modems.map((m) => [m.id, m.number, m.port, m.in, m.report.status.profile, m.report.health.ok]),
        env.sims.map((s) => [s.id, s.number, s.modemSim.path, 1, s.profile, true]),
      );
      const text = await cli(['status', '--state-dir', env.config.stateDir]);
      for (const s of env.sims) assert.match(text.stdout, new RegExp(`^${s.id}  \\${s.number}  ${s.modemSim.path}`, 'm'));
    });

    await t.test('mmsgw show names the receiving modem and number', async () => {
      const id = gw.store.db.prepare("SELECT id FROM messages WHERE direction = 'in' AND modem = 'modem2'").pluck().get() as number;
      const r = await cli(['show', String(id), '--state-dir', env.config.stateDir, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const d = JSON.parse(r.stdout) as { modem: string; message: { box: string } };
      assert.deepEqual([d.modem, d.message.box], ['modem2', env.sims[1]!.number]);
      const text = await cli(['show', String(id), '--state-dir', env.config.stateDir]);
      assert.match(text.stdout, /^ {2}modem {9}modem2$/m);
    });

    await t.test('/metrics has each modem: mmsgw_modem_up and mmsgw_modem_signal_dbm by modem id', async () => {
      const { parseExposition } = await import('../fleet/exposition.js');
      const fams = parseExposition(await (await fetch(`${gw.webUrl}/metrics`)).text());
      const up = fams.get('mmsgw_modem_up')?.samples.map((s) => [s.labels['modem'], s.value]);
      assert.deepEqual(up, env.sims.map((s) => [s.id, 1]));
      const signalled = new Set(fams.get('mmsgw_modem_signal_dbm')?.samples.map((s) => s.labels['modem']));
      assert.deepEqual([...signalled].sort(), env.sims.map((s) => s.id).sort());
    });

    await t.test('the Box page lists each modem (Chromium)', { skip: SKIP_BROWSER }, async () => {
      const browser = await launch();
      try {
        const page = await browser.newPage();
        await page.goto(`${gw.webUrl}/health`);
        const rows = await page.$$eval('table.modems tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
        assert.deepEqual(rows.map((r) => [r[0], r[1], r[2], r[3], r[7]]), env.sims.map((s) => [s.id, s.number, s.modemSim.path, s.profile, 'ok']));
      } finally {
        await browser.close();
      }
    });

    await t.test('mmsgw doctor --modems probes every configured modem (gateway stopped)', async () => {
      await env.stopGateway();
      const file = join(env.dir, 'mmsgw.yaml');
      writeFileSync(file, stringify({ stateDir: env.config.stateDir, modems: env.sims.map((s) => ({ id: s.id, port: s.modemSim.path, number: s.number, profile: s.profile })) }));
      const r = await cli(['doctor', '--modems', '--config', file, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const d = JSON.parse(r.stdout) as { modems: { id: string; number: string; port: string; responding: boolean; imsi: string }[] };
      assert.deepEqual(d.modems.map((m) => [m.id, m.number, m.port, m.responding]), env.sims.map((s) => [s.id, s.number, s.modemSim.path, true]));
      assert.deepEqual(d.modems.map((m) => m.imsi), ['001010000000001', '001010000000002', '001010000000003'], 'each SIM answered on its own port');
    });
  } finally {
    await env.stop();
  }
});
