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
 * by a by-id link.
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

test('the device watcher sees modems plugged, unplugged and re-plugged under another number, and matches them to entries', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-devices-'));
  const byIdB = join(dir, 'dev', 'serial', 'by-id', 'usb-HUAWEI_MOBILE_HUAWEI_MOBILE_BBB0002-if02-port0');
  const sims: ModemSimClient[] = [];
  const events: { kind: string; tty: string; entry?: string | undefined }[] = [];
  const watcher = new DeviceWatcher({
    devDir: join(dir, 'dev'),
    sysfsRoot: join(dir, 'sys'),
    safetyMs: NO_POLL_MS,
    atInterface: (v, p) => knownUsbId(v, p)?.atInterface,
    entries: [
      { id: 'a', usb: { vendorId: '2c7c', productId: '0125', serial: 'AAA0001' } },
      { id: 'b', port: byIdB },
    ],
  });
  for (const kind of ['add', 'match', 'remove'] as const) watcher.on(kind, (e: DeviceEvent) => events.push({ kind, tty: e.device.tty, entry: e.entry }));
  const of = (entry: string): string[] => events.filter((e) => e.entry === entry).map((e) => `${e.kind} ${e.tty}`);
  try {
    // The simulators create dir/dev and dir/sys; the watcher starts on an empty tree.
    const a = await startModemSim({ profile: 'quectel', baudRate: 0, usbDir: dir, usbSerial: 'AAA0001', usbPath: '1-1.1' });
    sims.push(a);
    await watcher.start();
    assert.deepEqual(watcher.devices().map((d) => d.tty).sort(), ['ttyUSB0', 'ttyUSB1', 'ttyUSB2', 'ttyUSB3'], 'present at start: "coldplug"');
    assert.deepEqual(of('a'), ['add ttyUSB2'], 'the Quectel AT interface (if02) is entry a');
    const devA = watcher.match('a');
    assert.deepEqual(devA?.identity, { vendorId: '2c7c', productId: '0125', serial: 'AAA0001', usbPath: '1-1.1', interfaceNumber: 2 });
    assert.equal(devA?.node, join(dir, 'dev', 'ttyUSB2'));
    await answersAt(devA.node);

    // Plug: a Huawei stick, matched by its by-id link (which udev makes after the node).
    const b = await startModemSim({ profile: 'huawei', baudRate: 0, usbDir: dir, usbSerial: 'BBB0002', usbPath: '1-1.2' });
    sims.push(b);
    await until(() => watcher.match('b') !== undefined, 10_000, 'entry b plugged');
    assert.equal(watcher.match('b')?.node, b.usb!.tty);
    assert.deepEqual(watcher.match('b')?.links, [byIdB]);
    assert.deepEqual(of('b'), [`${events.find((e) => e.entry === 'b')!.kind} ${b.usb!.tty!.split('/').pop()}`]);
    await answersAt(watcher.match('b')!.node);
    assert.equal(events.filter((e) => e.kind === 'add').length, 7, 'every tty of both devices added once');

    // Unplug: all three Huawei ttys go; entry b is released.
    const bTty = watcher.match('b')!.tty;
    await b.unplug(600_000);
    await until(() => watcher.match('b') === undefined && watcher.devices().length === 4, 10_000, 'entry b unplugged');
    assert.deepEqual(of('b').slice(-1), [`remove ${bTty}`]);
    assert.equal(events.filter((e) => e.kind === 'remove').length, 3);

    // Re-plug under a new name: a USB reset of the Quectel while ttyUSB0–3 are still held.
    await a.usbReset(500);
    const plugged = await a.nextEvent<{ tty: string }>('plugged', 10_000);
    await until(() => watcher.match('a')?.node === plugged.tty, 10_000, 'entry a back under its new node');
    assert.notEqual(plugged.tty, join(dir, 'dev', 'ttyUSB2'));
    assert.deepEqual(of('a'), ['add ttyUSB2', 'remove ttyUSB2', `add ${plugged.tty.split('/').pop()}`]);
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
