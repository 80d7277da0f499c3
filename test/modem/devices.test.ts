import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtChannel } from '../../src/at/channel.js';
import { openTransport } from '../../src/at/transport.js';
import { at } from '../../src/modem/commands/basic.js';
import { DeviceWatcher, matchEntry, type DeviceEvent } from '../../src/modem/devices.js';
import { knownUsbId } from '../../src/setup/usb-ids.js';
import { startModemSim, type ModemSimClient } from '../../src/sim/modem/client.js';
import { until } from './helpers.js';

/**
 * The device watcher against modem simulators that show themselves as USB modems in a shared
 * temporary device directory and sysfs tree (real ptys, the simulator in its own process):
 * plug, unplug, and a re-plug under new ttyUSB numbers, each seen from directory events alone
 * (the safety scan is set to ten minutes), matched to configured entries by USB identity and
 * by a by-id link and by a plain node name that then follows its device.
 */
const NO_POLL_MS = 600_000;

/** Answers AT on the node (a real open of the pty behind the device directory's node). */
async function answersAt(node: string): Promise<void> {
  const channel = new AtChannel({ defaultTimeoutMs: 5_000 });
  channel.attach(await openTransport(node, {}));
  try {
    await channel.run(at);
  } finally {
    await channel.close();
  }
}

test('the device watcher sees modems plugged, unplugged and re-plugged under another number, and matches them to entries', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-devices-'));
  const dev = (n: string): string => join(dir, 'dev', n);
  const byIdC = dev('serial/by-id/usb-ZTE_Incorporated_ZTE_WCDMA_Technologies_MSM_CCC0003-if02-port0');
  const sims: ModemSimClient[] = [];
  const events: { kind: string; tty: string; entry?: string | undefined }[] = [];
  const watcher = new DeviceWatcher({
    devDir: join(dir, 'dev'),
    sysfsRoot: join(dir, 'sys'),
    safetyMs: NO_POLL_MS,
    atInterface: (v, p) => knownUsbId(v, p)?.atInterface,
    entries: [
      // By the plain node name: bound to what is there, then it follows that USB function.
      { id: 'a', port: dev('ttyUSB2') },
      // By USB identity: the Huawei's AT interface from the known-id table (if02).
      { id: 'b', usb: { vendorId: '12d1', serial: 'BBB0002' } },
      // By its by-id link, which udev (here the simulator) makes after the node.
      { id: 'c', port: byIdC },
    ],
  });
  for (const kind of ['add', 'match', 'remove'] as const) watcher.on(kind, (e: DeviceEvent) => events.push({ kind, tty: e.device.tty, entry: e.entry }));
  const of = (entry: string): string[] => events.filter((e) => e.entry === entry).map((e) => `${e.kind === 'match' ? 'add' : e.kind} ${e.tty}`);
  const start = async (profile: string, serial: string, usbPath: string): Promise<ModemSimClient> => {
    const s = await startModemSim({ profile, baudRate: 0, usbDir: dir, usbSerial: serial, usbPath });
    sims.push(s);
    return s;
  };
  try {
    // The first simulator creates dir/dev and dir/sys; the watcher starts with it there.
    const a = await start('quectel', 'AAA0001', '1-1.1');
    await watcher.start();
    assert.deepEqual(watcher.devices().map((d) => d.tty).sort(), ['ttyUSB0', 'ttyUSB1', 'ttyUSB2', 'ttyUSB3'], 'present at start: "coldplug"');
    assert.deepEqual(of('a'), ['add ttyUSB2']);
    const devA = watcher.match('a');
    assert.deepEqual(devA?.identity, { vendorId: '2c7c', productId: '0125', serial: 'AAA0001', usbPath: '1-1.1', interfaceNumber: 2 });
    assert.equal(devA?.node, dev('ttyUSB2'));
    await answersAt(devA.node);

    // Plug: a Huawei stick (entry b) and a ZTE (entry c).
    const b = await start('huawei', 'BBB0002', '1-1.2');
    await until(() => watcher.match('b') !== undefined, 10_000, 'entry b plugged');
    assert.equal(watcher.match('b')?.node, b.usb!.tty);
    await answersAt(watcher.match('b')!.node);
    const c = await start('zte', 'CCC0003', '1-1.3');
    await until(() => watcher.match('c') !== undefined, 10_000, 'entry c plugged');
    assert.equal(watcher.match('c')?.node, c.usb!.tty);
    assert.deepEqual(watcher.match('c')?.links, [byIdC]);
    assert.equal(events.filter((e) => e.kind === 'add').length, 10, 'every tty of the three devices added once');

    // Unplug: all three Huawei ttys go; entry b is released.
    const bTty = watcher.match('b')!.tty;
    await b.unplug(600_000);
    await until(() => watcher.match('b') === undefined && watcher.devices().length === 7, 10_000, 'entry b unplugged');
    assert.deepEqual(of('b'), [`add ${bTty}`, `remove ${bTty}`]);
    assert.equal(events.filter((e) => e.kind === 'remove').length, 3);

    // Re-plug under a new name: a USB reset of the Quectel while ttyUSB0–3 are still held.
    // Meanwhile another Quectel is plugged in and gets the free low numbers: ttyUSB2 is now
    // its AT port, and entry a (named /dev/ttyUSB2) must not take it.
    await a.usbReset(4_000);
    await until(() => watcher.match('a') === undefined, 10_000, 'entry a gone with the reset');
    const d = await start('quectel', 'DDD0004', '1-1.4');
    assert.equal(d.usb!.tty, dev('ttyUSB2'));
    await until(() => watcher.devices().some((x) => x.identity.serial === 'DDD0004' && x.tty === 'ttyUSB2'), 10_000, 'the other Quectel seen');
    assert.equal(watcher.match('a'), undefined, 'not bound to the device that took the old name');
    const plugged = await a.nextEvent<{ tty: string }>('plugged', 15_000);
    await until(() => watcher.match('a')?.node === plugged.tty, 10_000, 'entry a back under its new node');
    assert.notEqual(plugged.tty, dev('ttyUSB2'));
    assert.deepEqual(of('a'), ['add ttyUSB2', 'remove ttyUSB2', `add ${plugged.tty.split('/').pop()}`]);
    assert.equal(watcher.match('a')?.identity.serial, 'AAA0001');
    await until(async () => answersAt(plugged.tty).then(() => true, () => false), 10_000, 'the re-plugged modem answers');
  } finally {
    await watcher.close();
    for (const s of sims) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('matchEntry: by node, by a link, by USB identity; a vendor id alone does not pick one of several ports', async () => {
  const device = { node: '/x/dev/ttyUSB6', tty: 'ttyUSB6', identity: { vendorId: '2c7c', productId: '0125', serial: 'S1', usbPath: '1-1.3', interfaceNumber: 2 }, links: ['/x/dev/serial/by-id/usb-Quectel_EC25_S1-if02-port0'] };
  const opts = { sysfsRoot: '/nonexistent-sys', ttysOfDevice: 4 };
  assert.equal(await matchEntry({ id: 'n', port: '/x/dev/ttyUSB6' }, device, opts), true);
  assert.equal(await matchEntry({ id: 'n', port: '/x/dev/ttyUSB2' }, device, opts), false);
  assert.equal(await matchEntry({ id: 'l', port: '/x/dev/serial/by-id/usb-Quectel_EC25_S1-if02-port0' }, device, opts), true);
  assert.equal(await matchEntry({ id: 'u', usb: { vendorId: '2C7C', serial: 'S1', interfaceNumber: 2 } }, device, opts), true);
  assert.equal(await matchEntry({ id: 'u', usb: { vendorId: '2c7c', serial: 'S2', interfaceNumber: 2 } }, device, opts), false);
  assert.equal(await matchEntry({ id: 'u', usb: { vendorId: '2c7c', usbPath: '1-1.3', interfaceNumber: 3 } }, device, opts), false);
  assert.equal(await matchEntry({ id: 'v', usb: { vendorId: '2c7c' } }, device, opts), false, 'which of four ports? none');
  assert.equal(await matchEntry({ id: 'v', usb: { vendorId: '2c7c' } }, device, { ...opts, atInterface: () => 2 }), true, 'the known AT interface decides');
  assert.equal(await matchEntry({ id: 'v', usb: { vendorId: '2c7c' } }, device, { ...opts, ttysOfDevice: 1 }), true, 'a single port is the one');
});
