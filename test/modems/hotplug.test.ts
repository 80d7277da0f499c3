import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSendService } from '../../src/app/send.js';
import { encodeDeliver } from '../../src/codec/sms/index.js';
import { ConfigInvalidError, parseModemEntry } from '../../src/config/index.js';
import { waitUntil } from '../helpers/e2e.js';
import { startMulti, submitted } from '../helpers/multi-modem.js';

/**
 * A modem picked up and released at run time (`gateway.modems.add` / `remove`, what the device
 * watcher calls on a USB add/remove): the gateway starts with two of three simulated modems;
 * the third is added, receives and sends; removed, its port is let go and a message that asks
 * for its number waits; added again, that message goes out once.
 */
test('a modem added and removed at run time', { timeout: 180_000 }, async (t) => {
  // The third SIM's number is known to the box (box.numbers, by its port), its modem is not attached yet.
  const env = await startMulti(3, (c, sims) => ({ ...c, modems: (c.modems ?? []).slice(0, 2), box: { ...c.box, numbers: [{ number: sims[2]!.number, port: sims[2]!.modemSim.path }] } }));
  try {
    const gw = env.gateway;
    const third = env.sims[2]!;
    const entry = parseModemEntry(env.config, { id: third.id, port: third.modemSim.path, profile: third.profile, mmsc: { url: third.mmscSim.url, proxy: `127.0.0.1:${third.mmscSim.proxyPort}` } });
    const send = createSendService(env.config, gw.ctx);
    const index = (): string[] => (JSON.parse(readFileSync(join(env.config.stateDir, 'modems.json'), 'utf8')) as { modems: { id: string }[] }).modems.map((m) => m.id);
    assert.equal(entry.number, third.number, 'the number from box.numbers[].port');
    await waitUntil(() => gw.modemViews().length === 2 && gw.modemViews().every((v) => v.health.ok), 60_000, 'two modems ready');
    assert.deepEqual(index(), ['modem1', 'modem2']);

    await t.test('added: it receives and sends, and is listed', async () => {
      await gw.modems.add(entry);
      await waitUntil(() => gw.modemViews().find((v) => v.id === 'modem3')?.health.ok, 60_000, 'modem3 ready');
      assert.deepEqual(index(), ['modem1', 'modem2', 'modem3']);
      for (const p of encodeDeliver({ from: '+15550881000', text: '[hot-in]', reference: 1 })) await third.modemSim.deliverSms(p.hex);
      await waitUntil(() => gw.store.db.prepare("SELECT modem FROM messages WHERE direction = 'in' AND from_addr = '+15550881000'").pluck().get() === 'modem3', 30_000, 'the SMS recorded with modem3');
      const r = await send.send({ to: ['+15550882000'], text: '[hot-out]', origin: 'api:test', from: third.number });
      assert.ok(r.ok);
      await waitUntil(async () => (await submitted(third)).some((x) => x.text === '[hot-out]'), 30_000, 'sent through modem3');
    });

    await t.test('the same id or port twice is refused; a bad entry names its key', async () => {
      await assert.rejects(gw.modems.add(entry), (e: unknown) => (e as { code?: string }).code === 'MODEM_DUPLICATE');
      await assert.rejects(gw.modems.add({ ...entry, id: 'other' }), /already held by modem 'modem3'/);
      assert.throws(() => parseModemEntry(env.config, { id: 'x', port: 'ttyUSB9' }), (e: unknown) => e instanceof ConfigInvalidError && e.problems.some((p) => p.key === 'modems.(added).port'));
    });

    await t.test('removed: not listed, its number waits; added again: the message goes out once', async () => {
      assert.equal(await gw.modems.remove('modem3'), true);
      assert.equal(await gw.modems.remove('modem3'), false);
      assert.deepEqual(gw.modemViews().map((v) => v.id), ['modem1', 'modem2']);
      assert.deepEqual(index(), ['modem1', 'modem2']);
      const r = await send.send({ to: ['+15550883000'], text: '[hot-wait]', origin: 'api:test', from: third.number });
      assert.ok(r.ok);
      const key = `send-sms:${r.ok ? r.id : 0}`;
      await waitUntil(() => gw.store.jobs.getByKey(key)?.lastError?.includes('not attached'), 30_000, 'the send waiting for its modem');
      assert.equal(gw.store.jobs.getByKey(key)?.state, 'queued');
      for (const s of env.sims) assert.ok(!(await submitted(s)).some((x) => x.text === '[hot-wait]'), `nothing sent by ${s.id}`);
      await gw.modems.add(entry);
      await waitUntil(async () => (await submitted(third)).some((x) => x.text === '[hot-wait]'), 60_000, 'sent once modem3 is back');
      await waitUntil(() => r.ok && gw.store.messages.get(r.id)?.state === 'sent', 10_000, 'the message sent');
      const all = (await Promise.all(env.sims.map((s) => submitted(s)))).flat().filter((x) => x.text === '[hot-wait]');
      assert.equal(all.length, 1, 'sent exactly once');
    });
  } finally {
    await env.stop();
  }
});
