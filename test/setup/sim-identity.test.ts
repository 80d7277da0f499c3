import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AtChannel, openTransport } from '../../src/at/index.js';
import { cimi } from '../../src/modem/commands/cimi.js';
import { decodeSpn, readSpn } from '../../src/setup/sim-files.js';
import { startModemSim } from '../../src/sim/modem/client.js';
import { synchronize } from '../../src/modem/init.js';

test('EF_SPN decoding: default alphabet FF-padded, and UCS2 (TS 102 221 Annex A)', () => {
  // "Telmore": display condition 01, then 54 65 6C 6D 6F 72 65, FF padding to 16 bytes.
  assert.equal(decodeSpn('0154656C6D6F7265FFFFFFFFFFFFFFFFFF'), 'Telmore');
  assert.equal(decodeSpn('008000410042FFFFFFFFFFFFFFFFFFFFFF'), 'AB');
  assert.equal(decodeSpn('01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF'), undefined);
  assert.equal(decodeSpn('zz'), undefined);
});

test('the modem simulator takes --imsi, --iccid and --spn, and answers +CIMI, +CCID and +CRSM for them', async () => {
  const sim = await startModemSim({ profile: 'generic', baudRate: 0, imsi: '208011234567890', iccid: '8933011234567890123', spn: 'Prixtel' });
  const channel = new AtChannel({ defaultTimeoutMs: 5000 });
  try {
    channel.attach(await openTransport(sim.path, {}));
    await synchronize(channel, 5);
    assert.equal(await channel.run(cimi), '208011234567890');
    assert.equal(await readSpn(channel), 'Prixtel');
    const iccid = await channel.run({ text: 'AT+CRSM=176,12258,0,0,10', prefixes: ['+CRSM:'], parse: (r) => r.lines[0] ?? '' });
    // EF_ICCID is BCD with swapped nibbles, F-padded (19 digits): 89 33 01 … 12 3F → 98 33 10 … 21 F3
    assert.equal(iccid, '+CRSM: 144,0,"983310214365870921F3"');
  } finally {
    await channel.close();
    await sim.stop();
  }
});
