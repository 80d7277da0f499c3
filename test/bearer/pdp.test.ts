import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AtChannel } from '../../src/at/channel.js';
import { openTransport } from '../../src/at/transport.js';
import { simpleCommand } from '../../src/at/command.js';
import { startModemSim } from '../../src/sim/modem/client.js';
import { PdpContextManager, pdpAddress } from '../../src/bearer/pdp.js';

async function modem(t: { after(fn: () => unknown): void }): Promise<{ channel: AtChannel; state(): Promise<string[]> }> {
  const sim = await startModemSim({ profile: 'generic', baudRate: 0 });
  const channel = new AtChannel({ defaultTimeoutMs: 5000, settleMs: 50 });
  channel.attach(await openTransport(sim.path, {}));
  t.after(async () => { await channel.close(); await sim.stop(); });
  // The internet context the host uses, active in cid 1, and an IMS context in cid 3.
  for (const c of ['AT+CGDCONT=1,"IP","internet"', 'AT+CGDCONT=3,"IPV4V6","ims"', 'AT+CGACT=1,1']) await channel.run(simpleCommand(c));
  const state = async (): Promise<string[]> => {
    const defs = await channel.run({ text: 'AT+CGDCONT?', prefixes: ['+CGDCONT:'], parse: (r) => r.lines });
    const act = await channel.run({ text: 'AT+CGACT?', prefixes: ['+CGACT:'], parse: (r) => r.lines });
    return [...defs.map((l) => l.split(',').slice(0, 3).join(',')), ...act];
  };
  return { channel, state };
}

test('a separate MMS APN comes up in the first free cid (not 1, not IMS) and leaves the modem as found', async (t) => {
  const { channel, state } = await modem(t);
  const before = await state();
  const pdp = new PdpContextManager(channel, { apn: 'mms.carrier', pdpType: 'IP' });
  const ctx = await pdp.up();
  assert.equal(ctx.cid, 2);
  assert.equal(ctx.shared, false);
  assert.deepEqual(ctx.addresses, ['10.64.2.2']);
  assert.ok((await state()).includes('+CGACT: 2,1'));
  assert.ok((await state()).includes('+CGACT: 1,1'));
  await pdp.down();
  assert.deepEqual(await state(), before);
});

test('one APN for internet and MMS: the active context is shared and never deactivated', async (t) => {
  const { channel, state } = await modem(t);
  const pdp = new PdpContextManager(channel, { apn: 'INTERNET' });
  const ctx = await pdp.up();
  assert.equal(ctx.cid, 1);
  assert.equal(ctx.shared, true);
  await pdp.down();
  assert.ok((await state()).includes('+CGACT: 1,1'));
});

test('a configured cid holding IMS or an active context is refused with BEARER_NO_CONTEXT', async (t) => {
  const { channel } = await modem(t);
  await assert.rejects(new PdpContextManager(channel, { apn: 'mms', cid: 3 }).up(), { code: 'BEARER_NO_CONTEXT' });
  await assert.rejects(new PdpContextManager(channel, { apn: 'mms', cid: 1 }).up(), { code: 'BEARER_NO_CONTEXT' });
  const ok = await new PdpContextManager(channel, { apn: 'mms', cid: 5, pdpType: 'IPV6' }).up();
  assert.equal(ok.cid, 5);
  assert.deepEqual(ok.addresses, ['fd00:0:0:5::1']);
});

test('an activation the network rejects is BEARER_NO_CONTEXT and the definition is removed', async (t) => {
  const { channel, state } = await modem(t);
  const before = await state();
  // Detach: +CGACT=1 now fails with +CME ERROR 30 (no network service).
  await channel.run(simpleCommand('AT+COPS=2'));
  await assert.rejects(new PdpContextManager(channel, { apn: 'mms.carrier' }).up(), (e: unknown) => {
    assert.equal((e as { code: string }).code, 'BEARER_NO_CONTEXT');
    assert.match((e as Error).message, /mms\.carrier/);
    return true;
  });
  const after = (await state()).filter((l) => l.startsWith('+CGDCONT'));
  assert.deepEqual(after, before.filter((l) => l.startsWith('+CGDCONT')));
});

test('27.007 address forms: dotted IPv6, address+mask, unset', () => {
  assert.equal(pdpAddress('32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.1'), '2001:db8::1');
  assert.equal(pdpAddress('10.1.2.3.255.255.255.0'), '10.1.2.3');
  assert.equal(pdpAddress('0.0.0.0'), undefined);
  assert.equal(pdpAddress(''), undefined);
  assert.equal(pdpAddress('10.0.0.1'), '10.0.0.1');
});
