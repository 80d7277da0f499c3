import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigInvalidError, modemEntries, parseConfig, parseModemEntry } from '../../src/config/index.js';

/** `modems[].usb`: a modem named by its USB identity instead of a port (docs/CONFIG.md "modems", docs/FLEET.md "Hot-plug"). */

test('modems[].usb: accepted beside port-named modems; ids lower-cased; shown as a usb label until plugged in', () => {
  const c = parseConfig({
    modems: [
      { port: '/dev/ttyUSB2', number: '+15550100001' },
      { id: 'stick', usb: { vendorId: '12D1', productId: '1506', serial: 'ABC123', usbPath: '1-1.2', interfaceNumber: 2 }, profile: 'huawei', number: '+15550100002' },
      { usb: { vendorId: '2c7c' } },
    ],
  });
  const [a, b, d] = modemEntries(c);
  assert.equal(a?.usb, null);
  assert.equal(a?.modem.port, '/dev/ttyUSB2');
  assert.deepEqual(b?.usb, { vendorId: '12d1', productId: '1506', serial: 'ABC123', usbPath: '1-1.2', interfaceNumber: 2 });
  assert.equal(b?.modem.port, 'usb 12d1:1506 serial ABC123 path 1-1.2 if 2');
  assert.equal(b?.number, '+15550100002');
  assert.equal(d?.id, 'modem3');
  assert.deepEqual(d?.usb, { vendorId: '2c7c' });
  // An entry with neither keeps the default port, as before.
  assert.equal(modemEntries(parseConfig({ modems: [{}] }))[0]?.modem.port, '/dev/ttyUSB2');
  // A modem added at run time may be named by usb too.
  assert.deepEqual(parseModemEntry(c, { id: 'late', usb: { vendorId: '1199', serial: 'S1' } }).usb, { vendorId: '1199', serial: 'S1' });
});

test('modems[].usb: errors name the key', () => {
  const bad = (input: Record<string, unknown>, key: string, message?: RegExp): void => {
    assert.throws(() => parseConfig(input), (e: unknown) => {
      assert.ok(e instanceof ConfigInvalidError, String(e));
      const p = e.problems.find((x) => x.key === key);
      assert.ok(p, `${key} in ${JSON.stringify(e.problems)}`);
      if (message) assert.match(p.message, message);
      return true;
    });
  };
  const first = { port: '/dev/ttyUSB2' };
  bad({ modems: [first, { port: '/dev/ttyUSB3', usb: { vendorId: '12d1' } }] }, 'modems[1].usb', /either port or usb/);
  bad({ modems: [first, { usb: { vendorId: 'huawei' } }] }, 'modems[1].usb.vendorId', /4 hex digits/);
  bad({ modems: [first, { usb: { vendorId: '12d1', productId: '15060' } }] }, 'modems[1].usb.productId', /4 hex digits/);
  bad({ modems: [first, { usb: { productId: '1506' } }] }, 'modems[1].usb.vendorId');
  bad({ modems: [first, { usb: { vendorId: '12d1', usbPath: 'usb1' } }] }, 'modems[1].usb.usbPath', /1-1\.2/);
  bad({ modems: [first, { usb: { vendorId: '12d1', interfaceNumber: 300 } }] }, 'modems[1].usb.interfaceNumber');
  bad({ modems: [first, { usb: { vendorId: '12d1', tty: 'ttyUSB2' } }] }, 'modems[1].usb.tty');
  bad({ modems: [{ usb: { vendorId: '12d1' } }, first] }, 'modems[0].usb', /first modem is named by port/);
  bad({ modems: [first, { usb: { vendorId: '12d1', serial: 'A' } }, { usb: { vendorId: '12D1', serial: 'A' } }] }, 'modems[2].usb', /same USB identity as modems\[1\]/);
  assert.throws(() => parseModemEntry(parseConfig({}), { id: 'x', port: '/dev/ttyUSB4', usb: { vendorId: '12d1' } }), (e: unknown) => e instanceof ConfigInvalidError && e.problems.some((p) => p.key === 'modems.(added).usb'));
});

test('no modem named by usb: no device watcher is started (nothing watches or wakes up)', async () => {
  const { ModemSet } = await import('../../src/app/modems.js');
  const { startHotplug } = await import('../../src/app/hotplug.js');
  const { logger } = await import('../../src/util/log.js');
  const c = parseConfig({ stateDir: '/nonexistent/mmsgw', modems: [{ port: '/dev/ttyUSB2' }, { port: '/dev/ttyUSB3' }] });
  const set = new ModemSet({ config: c, log: logger('test'), onSms: async () => undefined });
  assert.equal(await startHotplug(set, modemEntries(c), logger('test')), undefined);
  assert.deepEqual(set.views(), []);
});
