import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startModemSim } from '../../src/sim/modem/client.js';
import { Modem } from '../../src/modem/index.js';

/** modem.recovery.usbPath names the USB device for the usb-rebind rung when the tty does not lead to it. */
test('the usb-rebind recovery step unbinds and binds the configured USB device (modem.recovery.usbPath)', async () => {
  const sim = await startModemSim({ profile: 'generic', baudRate: 0 });
  let modem: Modem | undefined;
  const writes: string[] = [];
  try {
    modem = await Modem.open({
      port: sim.path,
      statusIntervalMs: 0,
      sysfsRoot: '/nonexistent-sys',
      sysfsWrite: async (path, data) => {
        writes.push(`${path}=${data}`);
        if (path.endsWith('/bind')) await sim.resume();
      },
      recovery: { timeoutsBeforeRecovery: 99, steps: ['usb-rebind'], settleMs: 50, probes: 3, probeIntervalMs: 100, probeTimeoutMs: 500, usbDevice: '1-1.2' },
    });
    await sim.hang('forever');
    assert.equal(await modem.recover(), 'usb-rebind');
    assert.deepEqual(writes, ['/nonexistent-sys/bus/usb/drivers/usb/unbind=1-1.2', '/nonexistent-sys/bus/usb/drivers/usb/bind=1-1.2']);
  } finally {
    await modem?.close();
    await sim.stop();
  }
});
