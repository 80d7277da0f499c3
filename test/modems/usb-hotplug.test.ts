import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSendService } from '../../src/app/send.js';
import { decodeSmsPdu, encodeDeliver } from '../../src/codec/sms/index.js';
import { readModemReports } from '../../src/modem/index.js';
import { withReadOnly } from '../../src/ops/db.js';
import { locate } from '../../src/ops/locate.js';
import { collectStatus, renderStatus } from '../../src/ops/status.js';
import { startModemSim, type ModemSimClient } from '../../src/sim/modem/client.js';
import { mailsWith, sleep, waitUntil } from '../helpers/e2e.js';
import { startMulti, submitted } from '../helpers/multi-modem.js';

/**
 * Hot-plug through the device watcher (src/app/hotplug.ts): the gateway runs with one modem
 * named by port and one named by USB identity (`modems[].usb`) that is not plugged in. The
 * second modem's simulator is started afterwards as a USB device in a fake /dev and /sys
 * (MMSGW_DEV_DIR, MMSGW_SYSFS_ROOT): it is picked up without a restart, receives and sends;
 * a USB reset with a send in flight brings it back under another ttyUSB number; stopping the
 * simulator removes its nodes and the modem is released. Every SMS is mailed once and reaches
 * the network once.
 */

const NUMBER2 = '+15550100002';

async function submittedBy(sim: ModemSimClient, text: string): Promise<number> {
  let n = 0;
  for (const s of await sim.sent()) {
    const d = decodeSmsPdu(s.pdu);
    if (d.ok && d.value.type === 'submit' && d.value.text === text) n++;
  }
  return n;
}

test('a modem named by USB identity is picked up when plugged in and released when pulled', { timeout: 300_000 }, async (t) => {
  const usbDir = mkdtempSync(join(tmpdir(), 'mmsgw-usb-'));
  mkdirSync(join(usbDir, 'dev'), { recursive: true });
  const saved = { dev: process.env.MMSGW_DEV_DIR, sys: process.env.MMSGW_SYSFS_ROOT };
  process.env.MMSGW_DEV_DIR = join(usbDir, 'dev');
  process.env.MMSGW_SYSFS_ROOT = join(usbDir, 'sys');
  let sim2: ModemSimClient | undefined;
  const env = await startMulti(1, (c) => ({
    ...c,
    modems: [...(c.modems ?? []), { id: 'usb2', usb: { vendorId: '2c7c', productId: '0125', serial: 'HOTPLUG2' }, profile: 'quectel', number: NUMBER2, mmsc: { url: 'http://127.0.0.1:9/mms' } }],
    mail: { ...c.mail, out: { ...c.mail?.out, routes: [...(c.mail?.out?.routes ?? []), { to: NUMBER2, mailboxes: ['usb2@mmsgw.localhost'] }] } },
  }));
  try {
    const gw = env.gateway;
    const first = env.sims[0]!;
    const send = createSendService(env.config, gw.ctx);
    const view = (): ReturnType<typeof gw.modemViews>[number] | undefined => gw.modemViews().find((v) => v.id === 'usb2');
    const report = (): ReturnType<typeof readModemReports>[number] | undefined => readModemReports(env.config.stateDir).find((m) => m.id === 'usb2');
    // What `mmsgw status` prints, read as the command reads it.
    const statusText = (): string => {
      const loc = locate({ stateDir: env.config.stateDir });
      return renderStatus(withReadOnly(loc, (db) => collectStatus(db, loc)), Date.now());
    };
    const deliver = async (sim: ModemSimClient, from: string, text: string): Promise<void> => {
      for (const p of encodeDeliver({ from, text, reference: 7 })) await sim.deliverSms(p.hex);
    };
    const mailedOnce = async (marker: string): Promise<void> => {
      await waitUntil(async () => (await mailsWith(env.sink, marker)).length > 0, 60_000, `${marker} mailed`);
      assert.equal((await mailsWith(env.sink, marker)).length, 1, `${marker}: one mail`);
    };

    await t.test('not plugged in: absent in the views and in modems.json; the port-named modem works', async () => {
      await waitUntil(() => gw.modemViews().find((v) => v.id === 'modem1')?.health.ok, 60_000, 'modem1 ready');
      assert.deepEqual(gw.modemViews().map((v) => [v.id, v.status.state]), [['modem1', 'ready'], ['usb2', 'absent']]);
      assert.equal(view()?.port, 'usb 2c7c:0125 serial HOTPLUG2');
      assert.equal(view()?.number, NUMBER2);
      assert.match(view()?.health.problem ?? '', /not plugged in/);
      assert.equal(report()?.absent, true);
      assert.equal(report()?.report?.status.state, 'absent');
      assert.match(statusText(), /usb2 {2}\+15550100002 {2}usb 2c7c:0125 serial HOTPLUG2[^\n]*\n {2}modem {6}NOT WORKING since [^\n]*not plugged in/);
      await deliver(first.modemSim, '+15550881001', '[hp-m1-in]');
      await mailedOnce('[hp-m1-in]');
      const r = await send.send({ to: ['+15550882001'], text: '[hp-m1-out]', origin: 'api:test' });
      assert.ok(r.ok);
      await waitUntil(async () => (await submitted(first)).some((x) => x.text === '[hp-m1-out]'), 30_000, 'sent through modem1');
    });

    await t.test('plugged in: picked up without restart, receives (mailed once) and sends', async () => {
      sim2 = await startModemSim({ profile: 'quectel', baudRate: 0, usbDir, usbSerial: 'HOTPLUG2', imsi: '001010000000002', iccid: '8999000000000000002' });
      const node = sim2.usb?.tty;
      assert.ok(node);
      await waitUntil(() => view()?.health.ok, 60_000, 'usb2 ready', () => view());
      assert.equal(view()?.port, node);
      assert.equal(report()?.absent, undefined);
      assert.equal(report()?.port, node);
      await waitUntil(() => new RegExp(`usb2  \\+15550100002  ${node}[^\\n]*\\n  modem {6}ready`).test(statusText()), 30_000, 'status shows usb2 ready', statusText);
      await deliver(sim2, '+15550881002', '[hp-usb-in]');
      await mailedOnce('[hp-usb-in]');
      assert.equal(gw.store.db.prepare("SELECT modem FROM messages WHERE direction = 'in' AND from_addr = '+15550881002'").pluck().get(), 'usb2');
      const r = await send.send({ to: ['+15550882002'], text: '[hp-usb-out]', origin: 'api:test', from: NUMBER2 });
      assert.ok(r.ok);
      await waitUntil(async () => (await submittedBy(sim2!, '[hp-usb-out]')) > 0, 30_000, 'sent through usb2');
    });

    await t.test('a USB reset with a send in flight: back under another ttyUSB number, the SMS out once', async () => {
      const s = sim2!;
      const was = view()?.port;
      await s.configure({ submitMs: 5_000 });
      const submitting = s.nextEvent<{ pdu: string }>('submitting', 30_000);
      const r = await send.send({ to: ['+15550882003'], text: '[hp-inflight]', origin: 'api:test', from: NUMBER2 });
      assert.ok(r.ok);
      await submitting;
      const submittedAt = Date.now();
      await s.usbReset(1_500);
      const plugged = await s.nextEvent<{ tty: string }>('plugged', 30_000);
      assert.notEqual(plugged.tty, was);
      await s.configure({ submitMs: 50 });
      await waitUntil(() => view()?.port === plugged.tty && view()?.health.ok, 60_000, 'usb2 on the new node', () => view());
      await deliver(s, '+15550881003', '[hp-after-reset]');
      await mailedOnce('[hp-after-reset]');
      await waitUntil(async () => (await submittedBy(s, '[hp-inflight]')) > 0, 60_000, 'the in-flight SMS out after the reset', () => gw.store.jobs.list(undefined, 5).map((j) => `${j.key} ${j.state} ${j.lastError ?? ''}`));
      await sleep(Math.max(0, submittedAt + 5_500 - Date.now()));
      assert.equal(await submittedBy(s, '[hp-inflight]'), 1, 'reached the network once');
      assert.equal(await submittedBy(first.modemSim, '[hp-inflight]'), 0, 'not also through modem1');
    });

    await t.test('unplugged: released and absent; a send from its number waits, nothing doubled', async () => {
      await sim2!.stop();
      sim2 = undefined;
      await waitUntil(() => view()?.status.state === 'absent', 30_000, 'usb2 absent', () => view());
      assert.equal(gw.modems.get('usb2'), undefined);
      assert.equal(report()?.absent, true);
      assert.match(statusText(), /usb2 {2}\+15550100002 {2}usb 2c7c:0125 serial HOTPLUG2[^\n]*\n {2}modem {6}NOT WORKING since [^\n]*not plugged in/);
      const r = await send.send({ to: ['+15550882004'], text: '[hp-wait]', origin: 'api:test', from: NUMBER2 });
      assert.ok(r.ok);
      const key = `send-sms:${r.ok ? r.id : 0}`;
      await waitUntil(() => gw.store.jobs.getByKey(key)?.lastError?.includes('not attached'), 30_000, 'the send waiting for its modem');
      assert.equal(await submittedBy(first.modemSim, '[hp-wait]'), 0);
      // The port-named modem still works; every mail so far exactly once.
      await deliver(first.modemSim, '+15550881004', '[hp-m1-last]');
      await mailedOnce('[hp-m1-last]');
      for (const m of ['[hp-m1-in]', '[hp-usb-in]', '[hp-after-reset]']) assert.equal((await mailsWith(env.sink, m)).length, 1, m);
      assert.equal((await submitted(first)).filter((x) => x.text === '[hp-m1-out]').length, 1);
    });
  } finally {
    await sim2?.stop().catch(() => undefined);
    await env.stop();
    if (saved.dev === undefined) delete process.env.MMSGW_DEV_DIR;
    else process.env.MMSGW_DEV_DIR = saved.dev;
    if (saved.sys === undefined) delete process.env.MMSGW_SYSFS_ROOT;
    else process.env.MMSGW_SYSFS_ROOT = saved.sys;
    rmSync(usbDir, { recursive: true, force: true });
  }
});
