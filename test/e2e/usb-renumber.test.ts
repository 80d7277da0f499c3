import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { decodeSmsPdu, encodeDeliver } from '../../src/codec/sms/index.js';
import { boxAddress, mailsWith, sleep, waitUntil, withE2e, type E2eEnv } from '../helpers/e2e.js';

/**
 * The whole gateway across a USB reset that renumbers the modem's tty: the gateway is
 * configured with the plain node (<usb>/dev/ttyUSB0), the simulator re-enumerates as ttyUSB1
 * (the old minor still held), and the gateway finds it by its USB identity in the simulator's
 * sysfs. SMS arrive before, during (held by the network) and after; an SMS from a mail is in
 * the modem (PDU taken, network not answered) when the device goes. Each inbound SMS is mailed
 * exactly once, the outbound one reaches the network exactly once.
 */

async function deliver(env: E2eEnv, marker: string, n: number): Promise<void> {
  for (const p of encodeDeliver({ from: `+1555018000${n}`, text: `${marker} über`, reference: n })) await env.modemSim.deliverSms(p.hex);
}

async function expectMailOnce(env: E2eEnv, marker: string): Promise<void> {
  await waitUntil(async () => (await mailsWith(env.sink, marker)).length > 0, 30_000, `${marker} at the mailbox`, () => ({ modem: env.gateway.modemStatus()?.state, device: env.gateway.modemStatus()?.device }));
  assert.equal((await mailsWith(env.sink, marker)).length, 1, `${marker}: exactly one mail`);
}

async function smsTo(env: E2eEnv, number: string): Promise<number> {
  let n = 0;
  for (const s of await env.modemSim.sent()) {
    const d = decodeSmsPdu(s.pdu);
    if (d.ok && d.value.type === 'submit' && d.value.destination.number === number) n++;
  }
  return n;
}

test('the gateway across a USB reset that renumbers its tty: SMS in before/during/after and one out in flight, none lost or doubled', { timeout: 120_000 }, async () => {
  await withE2e({ usb: true }, async (env) => {
    const usb = env.modemSim.usb!;
    assert.equal(env.config.modem.port, join(usb.devDir, 'ttyUSB0'));
    await deliver(env, '[usb-before]', 1);
    await expectMailOnce(env, '[usb-before]');

    // A mail becomes an SMS; the modem has its PDU when the USB device resets.
    await env.modemSim.configure({ submitMs: 5_000 });
    const submitting = env.modemSim.nextEvent<{ pdu: string }>('submitting', 20_000);
    const to = '+15550180099';
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: env.smtpInPort, secure: false, ignoreTLS: true });
    await t.sendMail({ from: 'alice@mmsgw.localhost', to: boxAddress(to), text: '[usb-out] across the reset' });
    t.close();
    await submitting;
    const submittedAt = Date.now();
    await env.modemSim.usbReset(1_500);
    await deliver(env, '[usb-during]', 2);
    const plugged = await env.modemSim.nextEvent<{ tty: string }>('plugged', 15_000);
    assert.equal(plugged.tty, join(usb.devDir, 'ttyUSB1'));
    await env.modemSim.configure({ submitMs: 50 });
    await waitUntil(() => env.gateway.modemStatus()?.state === 'ready' && env.gateway.modemStatus()?.device === plugged.tty, 30_000, 'the gateway on ttyUSB1', () => env.gateway.modemStatus());

    await deliver(env, '[usb-after]', 3);
    await expectMailOnce(env, '[usb-during]');
    await expectMailOnce(env, '[usb-after]');
    await waitUntil(async () => (await smsTo(env, to)) > 0, 30_000, 'the SMS out after the reset', () => env.gateway.store.jobs.list(undefined, 5).map((j) => `${j.key} ${j.state} ${j.lastError ?? ''}`));
    // The submission the reset cut would have answered 5 s after its PDU: wait that window out
    // before counting, so a second copy would have shown.
    await sleep(Math.max(0, submittedAt + 5_500 - Date.now()));
    assert.equal(await smsTo(env, to), 1, 'the SMS reached the network exactly once');
    const storage = await env.modemSim.storage();
    assert.equal(storage.ME.length + storage.SM.length + storage.network.length, 0, 'nothing left on the modem or with the network');
  });
});
