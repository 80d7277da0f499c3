import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startModemSim } from '../../src/sim/modem/client.js';
import { Modem } from '../../src/modem/index.js';
import { parseCrsmIccid } from '../../src/modem/commands/ccid.js';
import { probeModem } from '../../src/modem/probe.js';

const ICCID = '89001012012345678901';

test('EF_ICCID from +CRSM is BCD with swapped nibbles (3GPP TS 51.011 §10.1.1)', () => {
  // 89 00 10 12 01 23 45 67 89 01 → bytes 98 00 01 21 10 32 54 76 98 10
  assert.equal(parseCrsmIccid(['+CRSM: 144,0,"98000121103254769810"']), ICCID);
  assert.equal(parseCrsmIccid(['+CRSM: 144,0,"981300000000000000F1"']), '8931000000000000001');
  assert.throws(() => parseCrsmIccid(['+CRSM: 106,130,""']), /EF_ICCID not read/);
});

const VENDOR: Readonly<Record<string, string>> = { huawei: '^ICCID', quectel: '+QCCID', simcom: '+CICCID', zte: '+ZGETICCID', sierra: '!ICCID' };

for (const [profile, vendor] of Object.entries(VENDOR)) {
  test(`${profile}: the vendor ICCID command, else AT+CCID, else AT+CRSM EF_ICCID — in init and doctor`, async () => {
    const sim = await startModemSim({ profile, baudRate: 0 });
    let modem: Modem | undefined;
    try {
      const sent: string[] = [];
      sim.on('command', (c: { text: string }) => sent.push(c.text.toUpperCase()));
      modem = await Modem.open({ port: sim.path, statusIntervalMs: 0, recovery: false, ...(profile === 'sierra' ? { profile: 'sierra' } : {}) });
      assert.equal(modem.status().iccid, ICCID, 'the vendor command answers');
      await modem.close();
      modem = undefined;
      await sim.failNext(vendor, 'ERROR');
      await sim.failNext('+CCID', 'ERROR');
      sent.length = 0;
      modem = await Modem.open({ port: sim.path, statusIntervalMs: 0, recovery: false, ...(profile === 'sierra' ? { profile: 'sierra' } : {}) });
      assert.equal(modem.status().iccid, ICCID, 'EF_ICCID through +CRSM');
      const order = sent.filter((c) => c.includes('CCID') || c.startsWith('+CRSM'));
      assert.deepEqual(order.slice(0, 3).map((c) => c.replace(/[?=].*$/, '')), [vendor, '+CCID', '+CRSM']);
      await modem.close();
      modem = undefined;
      await sim.failNext(vendor, 'ERROR');
      const r = await probeModem(sim.path, profile === 'sierra' ? { profile: 'sierra' } : {});
      assert.equal(r.iccid, ICCID, 'doctor falls back to AT+CCID');
    } finally {
      await modem?.close();
      await sim.stop();
    }
  });
}
