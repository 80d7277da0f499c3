import { test } from 'node:test';
import { readdirSync } from 'node:fs';
import assert from 'node:assert/strict';
import { AtChannel } from '../../src/at/channel.js';
import { openTransport } from '../../src/at/transport.js';
import { startModemSim, type ModemSimClient } from '../../src/sim/modem/client.js';
import { startMmscSim, randomHandsetParts, type MmscSim } from '../../src/sim/mmsc/index.js';
import { ModemHttpBearer, type ModemHttpDialect } from '../../src/bearer/modem-http.js';
import { Mm1Client, resolveCarrier } from '../../src/mmsc/index.js';
import { simpleCommand } from '../../src/at/command.js';
import { cmglAll } from '../../src/modem/commands/cmgl.js';
import { pushedPdus, tempDir } from '../mmsc/helpers/gateway.js';

interface Rig { modem: ModemSimClient; channel: AtChannel; sim: MmscSim; commands: string[] }

async function rig(t: { after(fn: () => unknown): void }, profile: ModemHttpDialect): Promise<Rig> {
  // Paced like a USB modem (≈400 KB/s): an unpaced write of more than the kernel's pty buffer
  // (64 KB) in one go loses bytes, which no real modem on USB does.
  const modem = await startModemSim({ profile, baudRate: 4_000_000 });
  const channel = new AtChannel({ defaultTimeoutMs: 5000, settleMs: 100 });
  channel.attach(await openTransport(modem.path, {}));
  const commands: string[] = [];
  const origRun = channel.run.bind(channel);
  channel.run = ((cmd, o) => { commands.push(cmd.text); return origRun(cmd, o); }) as typeof channel.run;
  const origEx = channel.exclusive.bind(channel);
  channel.exclusive = ((fn, o) => origEx((tx) => fn({ ...tx, run: (c, ro) => { commands.push(c.text); return tx.run(c, ro); } }), o)) as typeof channel.exclusive;
  const sim = await startMmscSim({ modemSim: modem, demandAbsoluteUri: true });
  t.after(async () => {
    await sim.stop();
    await channel.close();
    await modem.stop();
  });
  return { modem, channel, sim, commands };
}

for (const dialect of ['quectel', 'simcom'] as const) {
  test(`modem-http (${dialect}): retrieve through the WAP proxy and notifyresp, over the pty`, async (t) => {
    const { channel, sim, commands } = await rig(t, dialect);
    const dir = tempDir(t);
    const parts = randomHandsetParts({ parts: 5, totalBytes: 150_000, seed: 7 });
    await channel.run(simpleCommand('AT+CMGF=0'));
    const txid = await sim.submitFromHandset({ from: '+15551230001', to: '+15551239999', subject: dialect, parts });
    // The WAP Push went to the modem as SMS; read it back as the gateway would and decode it.
    const stored = await channel.run(cmglAll);
    assert.equal(stored.length, sim.message(txid)?.pushPdus.length);
    const [ind] = pushedPdus(stored.map((s) => s.pdu));
    assert.equal(ind?.transactionId, txid);
    const bearer = new ModemHttpBearer(channel, { dialect, apn: 'mms.sim', proxy: sim.proxyUrl });
    const client = new Mm1Client(bearer, resolveCarrier(undefined, { timeoutMs: 20_000 }), { mmscUrl: sim.url });
    const r = await client.use(async () => {
      const got = await client.retrieve(ind?.contentLocation ?? '', { destDir: dir, messageSize: ind?.messageSize });
      await client.notifyResp(txid, 'retrieved');
      return got;
    });
    assert.equal(r.pdu.subject, dialect);
    assert.equal(r.pdu.parts.length, 5);
    assert.equal(r.bytes, sim.message(txid)?.retrieveConf.byteLength);
    assert.equal(sim.fetches(txid), 1);
    assert.deepEqual(sim.notifyResps().map((n) => n.status), ['retrieved']);
    const req = sim.requests()[0];
    assert.ok(req?.absolute, 'the modem sent the absolute URI to the proxy');
    assert.ok(req?.headers['x-wap-profile'] && req.headers['user-agent']);
    // The MMS context lived in its own cid (2), never cid 1, and was released.
    const text = commands.join('\n');
    if (dialect === 'quectel') {
      assert.match(text, /AT\+QICSGP=2,1,"mms\.sim"/);
      assert.match(text, /AT\+QIACT=2/);
      assert.match(text, /AT\+QIDEACT=2/);
      assert.match(text, /AT\+QHTTPCFG="contextid",2/);
    } else {
      assert.match(text, /AT\+CGDCONT=2,"IP","mms\.sim"/);
      assert.match(text, /AT\+CGACT=1,2/);
      assert.match(text, /AT\+CGACT=0,2/);
      assert.match(text, /AT\+HTTPPARA="PROIP","127\.0\.0\.1"/);
      assert.ok(commands.filter((c) => c.startsWith('AT+HTTPREAD=')).length >= 3, 'the body was read in windows');
    }
    assert.doesNotMatch(text, /AT\+CGACT=0,1\b|AT\+QIDEACT=1\b|AT\+CGDCONT=1,/);
  });
}

test('modem-http: send m-send-req and get the Message-ID; MMSC errors come back typed', async (t) => {
  const { channel, sim } = await rig(t, 'quectel');
  const bearer = new ModemHttpBearer(channel, { dialect: 'quectel', apn: 'mms.sim', proxy: sim.proxyUrl });
  const client = new Mm1Client(bearer, resolveCarrier(undefined, { timeoutMs: 20_000 }), { mmscUrl: sim.url });
  const { buildSendReq } = await import('../../src/codec/mms/index.js');
  const conf = await client.send(buildSendReq({ transactionId: 'gw-9', to: ['+15551230042'], parts: [{ contentType: 'text/plain', body: 'via modem' }] }));
  assert.ok(conf.messageId);
  assert.equal(sim.sent().length, 1);
  sim.fault({ kind: 'status', status: 503, on: 'post', times: 1 });
  await assert.rejects(client.send(buildSendReq({ transactionId: 'gw-10', to: ['+15551230042'], parts: [{ contentType: 'text/plain', body: 'x' }] })), { code: 'MM1_HTTP_STATUS', transient: true });
});

test('modem-http: a refused proxy is BEARER_PROXY_REFUSED', async (t) => {
  const { channel, sim } = await rig(t, 'quectel');
  const bearer = new ModemHttpBearer(channel, { dialect: 'quectel', apn: 'mms.sim', proxy: '127.0.0.1:1' });
  const client = new Mm1Client(bearer, resolveCarrier(undefined, { timeoutMs: 10_000 }), { mmscUrl: sim.url });
  const dir = tempDir(t);
  await assert.rejects(client.retrieve(`${sim.url}/r/none`, { destDir: dir }), { code: 'BEARER_PROXY_REFUSED' });
  assert.deepEqual(readdirSync(dir), [], 'no partial file is left behind');
});
