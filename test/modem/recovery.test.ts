import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecoveryLadder, type RecoveryActions } from '../../src/modem/recovery.js';
import { disableAutosuspend, findUsbDevice, rebindUsb } from '../../src/modem/usb.js';

const fast = { settleMs: 1, probes: 2, probeIntervalMs: 1 };

function actions(answersAfter: string | undefined, log: string[], failing: string[] = []): RecoveryActions {
  let alive = false;
  const step = (name: string) => async () => {
    log.push(name);
    if (failing.includes(name)) throw new Error(`${name} failed`);
    if (name === answersAfter) alive = true;
  };
  return { softReset: step('soft-reset'), reopen: step('reopen'), usbRebind: step('usb-rebind'), powerCycle: step('power-cycle'), probe: async () => alive };
}

test('a modem that answers again before any step needs no step', async () => {
  const log: string[] = [];
  const a = actions(undefined, log);
  assert.equal(await new RecoveryLadder({ ...a, probe: async () => true }, fast).recover(), 'probe');
  assert.deepEqual(log, []);
});

test('the ladder stops at the first step after which the modem answers', async () => {
  const log: string[] = [];
  assert.equal(await new RecoveryLadder(actions('reopen', log), fast).recover(), 'reopen');
  assert.deepEqual(log, ['soft-reset', 'reopen']);
});

test('the ladder climbs past failing steps to the power cycle', async () => {
  const log: string[] = [];
  assert.equal(await new RecoveryLadder(actions('power-cycle', log, ['usb-rebind']), fast).recover(), 'power-cycle');
  assert.deepEqual(log, ['soft-reset', 'reopen', 'usb-rebind', 'power-cycle']);
});

test('the ladder reports failure when nothing helps; concurrent calls share one run', async () => {
  const log: string[] = [];
  const ladder = new RecoveryLadder(actions(undefined, log), { ...fast, steps: ['soft-reset', 'reopen'] });
  const [a, b] = await Promise.all([ladder.recover(), ladder.recover()]);
  assert.equal(a, undefined);
  assert.equal(b, undefined);
  assert.deepEqual(log, ['soft-reset', 'reopen']);
});

/** A sysfs tree as the kernel lays it out for a modem on hub port 1-1.2, interface 2. */
function fakeSysfs(): { root: string; dev: string; tty: string } {
  const root = mkdtempSync(join(tmpdir(), 'mmsgw-sysfs-'));
  const usbdev = join(root, 'devices', 'platform', 'usb1', '1-1', '1-1.2');
  const iface = join(usbdev, '1-1.2:1.2');
  mkdirSync(join(iface, 'ttyUSB2'), { recursive: true });
  mkdirSync(join(usbdev, 'power'), { recursive: true });
  writeFileSync(join(usbdev, 'idVendor'), '2c7c\n');
  writeFileSync(join(usbdev, 'idProduct'), '0125\n');
  writeFileSync(join(usbdev, 'power', 'control'), 'auto\n');
  mkdirSync(join(root, 'class', 'tty', 'ttyUSB2'), { recursive: true });
  symlinkSync(iface, join(root, 'class', 'tty', 'ttyUSB2', 'device'));
  mkdirSync(join(root, 'bus', 'usb', 'drivers', 'usb'), { recursive: true });
  writeFileSync(join(root, 'bus', 'usb', 'drivers', 'usb', 'bind'), '');
  writeFileSync(join(root, 'bus', 'usb', 'drivers', 'usb', 'unbind'), '');
  const devdir = join(root, 'dev');
  mkdirSync(devdir);
  const tty = join(devdir, 'ttyUSB2');
  writeFileSync(tty, '');
  return { root, dev: usbdev, tty };
}

test('sysfs: the tty leads to its USB device; rebind and autosuspend write the right files', async () => {
  const fs = fakeSysfs();
  try {
    const link = join(fs.root, 'dev', 'mmsgw-modem');
    symlinkSync(fs.tty, link); // the udev name
    const dev = await findUsbDevice(link, fs.root);
    assert.deepEqual(dev && { name: dev.name, vendorId: dev.vendorId, productId: dev.productId }, { name: '1-1.2', vendorId: '2c7c', productId: '0125' });
    const writes: Array<[string, string]> = [];
    await rebindUsb(dev!, { sysfsRoot: fs.root, pauseMs: 1, write: async (p, d) => void writes.push([p.slice(fs.root.length), d]) });
    assert.deepEqual(writes, [['/bus/usb/drivers/usb/unbind', '1-1.2'], ['/bus/usb/drivers/usb/bind', '1-1.2']]);
    await disableAutosuspend(dev!);
    assert.equal(readFileSync(join(fs.dev, 'power', 'control'), 'utf8'), 'on');
    assert.equal(await findUsbDevice(join(fs.root, 'dev', 'nope'), fs.root), undefined);
  } finally {
    rmSync(fs.root, { recursive: true, force: true });
  }
});
