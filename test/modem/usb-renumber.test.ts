import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeDeliver, encodeSubmit } from '../../src/codec/sms/index.js';
import { isAtError } from '../../src/at/errors.js';
import { Modem } from '../../src/modem/index.js';
import { startModemSim, type ModemSimClient } from '../../src/sim/modem/client.js';
import { recorder, until } from './helpers.js';

/**
 * A USB reset re-enumerates the modem while the gateway still holds its node, so the kernel
 * gives it new tty numbers (/dev/ttyUSB2 → /dev/ttyUSB6). The simulator shows that in a device
 * directory and a sysfs tree of its own (src/sim/modem/usb-tree.ts); the modem is configured
 * with the plain /dev/ttyUSB2 name and must find its AT port again by its USB identity, woken
 * by directory events: the safety re-check is set to ten minutes, far beyond the test.
 */
const NO_POLL_MS = 600_000;

const PDUS = new Map<string, string>();
/** One SMS-DELIVER per marker (encoded once: its timestamp is the time of encoding). */
function deliver(marker: string): string {
  if (!PDUS.has(marker)) PDUS.set(marker, encodeDeliver({ from: '+15550170001', text: marker, reference: 1 })[0]!.hex.toUpperCase());
  return PDUS.get(marker)!;
}

test('a modem that comes back under another ttyUSB number is found by its USB identity; SMS in and out across it, none lost or doubled', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-renumber-'));
  let sim: ModemSimClient | undefined;
  let other: ModemSimClient | undefined;
  let modem: Modem | undefined;
  try {
    sim = await startModemSim({ profile: 'quectel', baudRate: 0, usbDir: dir, usbSerial: 'RENUM0001', usbPath: '1-1.1', imsi: '001010000000001' });
    const usb = sim.usb!;
    assert.equal(usb.tty, join(dir, 'dev', 'ttyUSB2'), 'the AT port of a Quectel (if02) is the third ttyUSB');
    const rec = recorder();
    modem = await Modem.open({ port: usb.tty!, sysfsRoot: usb.sysfsRoot, statusIntervalMs: 0, reopenPollMs: NO_POLL_MS, recovery: false, disableAutosuspend: false });
    modem.onSms(rec.handler);
    assert.equal(modem.status().imsi, '001010000000001');

    // Before: one SMS arrives and is taken.
    await sim.deliverSms(deliver('before the reset'));
    await until(() => rec.got.length === 1, 10_000, 'SMS before the reset');

    // An SMS submission is in flight (the network takes 4 s to answer) when the USB device
    // resets: the command fails with the port, and nothing reached the network.
    await sim.configure({ submitMs: 4_000 });
    const [submit] = encodeSubmit({ to: '+15550170002', text: 'in flight across the reset', reference: 7 });
    const submitting = sim.nextEvent<{ pdu: string }>('submitting', 10_000);
    const sending = modem.sendSmsPdu(submit!.hex, submit!.tpduLength);
    sending.catch(() => undefined);
    assert.equal((await submitting).pdu, submit!.hex.toUpperCase(), 'the PDU is with the modem, the network has not answered');

    // While the modem is away another modem of the same model is plugged in: the kernel gives
    // it the lowest free numbers, so it now is /dev/ttyUSB2. That one must not be opened.
    const gone = sim.nextEvent('unplugged', 10_000);
    await sim.usbReset(3_000);
    await gone;
    await assert.rejects(sending, (e: unknown) => isAtError(e, 'AT_PORT_CLOSED') || isAtError(e, 'AT_TIMEOUT'), 'the in-flight CMGS fails cleanly');
    other = await startModemSim({ profile: 'quectel', baudRate: 0, usbDir: dir, usbSerial: 'OTHER0002', usbPath: '1-1.2', imsi: '001010000000002' });
    assert.equal(other.usb!.tty, join(dir, 'dev', 'ttyUSB2'));
    // An SMS the network holds while the modem is away.
    await sim.deliverSms(deliver('during the reset'));

    const plugged = await sim.nextEvent<{ tty: string }>('plugged', 15_000);
    assert.equal(plugged.tty, join(dir, 'dev', 'ttyUSB6'), 'four interfaces held (0–3) → 4–7, the AT one is ttyUSB6');
    await until(() => modem!.status().state === 'ready', 30_000, 'ready again on the new node');
    assert.equal(modem.status().device, join(dir, 'dev', 'ttyUSB6'));
    assert.equal(modem.status().imsi, '001010000000001', 'the same modem, not the one that took the old name');

    // The submission is retried and goes out once.
    await sim.configure({ submitMs: 50 });
    await modem.sendSmsPdu(submit!.hex, submit!.tpduLength);

    // After: SMS arrive on the new node.
    await sim.deliverSms(deliver('after the reset'));
    await until(() => rec.got.length === 3, 20_000, 'SMS during and after the reset');
    const pdus = rec.got.map((s) => s.pdu.toUpperCase());
    for (const m of ['before the reset', 'during the reset', 'after the reset']) {
      assert.equal(pdus.filter((p) => p === deliver(m)).length, 1, `"${m}" taken exactly once`);
    }
    // Checked last: the lost submission's 4 s would have run out long before (the modem is
    // away 3 s and its SIM busy 2 s more), had the reset not killed it.
    const sent = (await sim.sent()).filter((s) => s.pdu === submit!.hex.toUpperCase());
    assert.equal(sent.length, 1, 'the SMS in flight reached the network exactly once');
    assert.equal((await other.sent()).length, 0, 'nothing was sent through the other modem');
    const storage = await sim.storage();
    assert.equal(storage.ME.length + storage.SM.length + storage.network.length, 0, 'nothing left on the modem or with the network');
  } finally {
    await modem?.close();
    await sim?.stop();
    await other?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a modem configured by its by-id link is waited for by directory events, and comes back under the link', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-byid-'));
  let sim: ModemSimClient | undefined;
  let modem: Modem | undefined;
  try {
    sim = await startModemSim({ profile: 'huawei', baudRate: 0, usbDir: dir });
    const usb = sim.usb!;
    modem = await Modem.open({ port: usb.byId, sysfsRoot: usb.sysfsRoot, statusIntervalMs: 0, reopenPollMs: NO_POLL_MS, recovery: false, disableAutosuspend: false });
    assert.equal(modem.status().device, usb.byId);
    const before = usb.tty;
    await sim.usbReset(1_000);
    const plugged = await sim.nextEvent<{ tty: string }>('plugged', 15_000);
    assert.notEqual(plugged.tty, before);
    await until(() => modem!.status().state === 'ready', 30_000, 'ready again');
    // The new node is there a moment before udev's link: either is the same modem.
    assert.ok([usb.byId, plugged.tty].includes(modem.status().device ?? ''), `opened ${modem.status().device}`);
    await modem.refreshStatus();
  } finally {
    await modem?.close();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the recovery ladder's usb-rebind: the hung modem re-enumerates under a new number and is used again", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-rebind-'));
  let sim: ModemSimClient | undefined;
  let modem: Modem | undefined;
  const writes: string[] = [];
  try {
    sim = await startModemSim({ profile: 'simcom', baudRate: 0, usbDir: dir, usbPath: '1-1.3' });
    const usb = sim.usb!;
    modem = await Modem.open({
      port: usb.tty!,
      sysfsRoot: usb.sysfsRoot,
      statusIntervalMs: 0,
      reopenPollMs: NO_POLL_MS,
      disableAutosuspend: false,
      // The kernel's side of drivers/usb/unbind: the device goes and enumerates again.
      sysfsWrite: async (path, data) => {
        writes.push(`${path.slice(usb.sysfsRoot.length)}=${data}`);
        if (path.endsWith('/unbind')) await sim!.usbReset(500);
      },
      recovery: { timeoutsBeforeRecovery: 99, steps: ['usb-rebind'], settleMs: 2_000, probes: 10, probeIntervalMs: 500, probeTimeoutMs: 500 },
    });
    await sim.hang('forever');
    assert.equal(await modem.recover(), 'usb-rebind');
    assert.deepEqual(writes.slice(0, 2), ['/bus/usb/drivers/usb/unbind=1-1.3', '/bus/usb/drivers/usb/bind=1-1.3'], 'the device found from the tty, through the simulator\'s sysfs');
    await until(() => modem!.status().state === 'ready', 20_000, 'ready after the rebind');
    assert.equal(modem.status().device, join(dir, 'dev', 'ttyUSB7'), 'five interfaces held (0–4) → 5–9, the AT one (if02) is ttyUSB7');
    await modem.refreshStatus();
  } finally {
    await modem?.close();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second USB reset while the modem is being initialised after the first is not missed', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-reset2-'));
  let sim: ModemSimClient | undefined;
  let modem: Modem | undefined;
  try {
    sim = await startModemSim({ profile: 'generic', baudRate: 0, usbDir: dir });
    const usb = sim.usb!;
    modem = await Modem.open({ port: usb.tty!, sysfsRoot: usb.sysfsRoot, statusIntervalMs: 0, reopenPollMs: NO_POLL_MS, recovery: false, disableAutosuspend: false, channelTimeoutMs: 20_000 });
    const m = modem;
    // Back on the second node, the modem stops answering in the middle of the init's status
    // queries, and resets again: the reopen loop is still running when the port goes.
    const secondReset = new Promise<void>((resolve, reject) => {
      const on = (s: { state: string; device?: string }): void => {
        if (s.state !== 'ready' || s.device === join(dir, 'dev', 'ttyUSB0')) return;
        m.off('status', on);
        sim!.hang('forever').then(() => sim!.usbReset(300)).then(() => resolve(), reject);
      };
      m.on('status', on);
    });
    await sim.usbReset(300);
    await secondReset;
    const third = await sim.nextEvent<{ tty: string }>('plugged', 10_000);
    await until(() => m.status().state === 'ready' && m.status().device === third.tty, 20_000, `ready on ${third.tty} after the second reset`);
    await m.refreshStatus();
  } finally {
    await modem?.close();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
