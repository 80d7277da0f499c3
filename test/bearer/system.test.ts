import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemBearer } from '../../src/bearer/system.js';
import { startMmscSim } from '../../src/sim/mmsc/index.js';
import { Mm1Client, resolveCarrier } from '../../src/mmsc/index.js';
import { tempDir } from '../mmsc/helpers/gateway.js';

test('system bearer: the host\'s routing as it is, proxy in absolute form, nothing to undo', async (t) => {
  const sim = await startMmscSim({ demandAbsoluteUri: true });
  t.after(() => sim.stop());
  const txid = await sim.submitFromHandset({ from: '+15551230001', to: '+15551239999', parts: [{ contentType: 'text/plain', text: 'system' }] });
  const client = new Mm1Client(new SystemBearer({ proxy: sim.proxyUrl }), resolveCarrier(undefined), { mmscUrl: sim.url });
  const r = await client.retrieve(sim.message(txid)?.contentLocation ?? '', { destDir: tempDir(t) });
  assert.equal(r.pdu.parts.length, 1);
  assert.ok(sim.requests().every((q) => q.absolute));
  const direct = new Mm1Client(new SystemBearer(), resolveCarrier(undefined), { mmscUrl: sim.url });
  await assert.rejects(direct.notifyResp(txid, 'retrieved'), { code: 'MM1_HTTP_STATUS', specCode: 400 });
});
