import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseProfile, PROFILES, profileById, type ModemIdentity } from '../../src/modem/profiles/index.js';
import { parseGstatus } from '../../src/modem/profiles/sierra.js';
import { toUrc } from '../../src/at/urc.js';

const id = (manufacturer: string, extra: Partial<ModemIdentity> = {}): ModemIdentity => ({ manufacturer, model: '', revision: '', ati: '', ...extra });
const urc = (line: string) => toUrc(line, line.includes(':') ? `${line.slice(0, line.indexOf(':'))}:` : line);

test('profile chosen by +CGMI, ATI, then USB vendor id', () => {
  assert.equal(chooseProfile(id('huawei')).id, 'huawei');
  assert.equal(chooseProfile(id('Quectel')).id, 'quectel');
  assert.equal(chooseProfile(id('SIMCOM INCORPORATED')).id, 'simcom');
  assert.equal(chooseProfile(id('Sierra Wireless, Incorporated')).id, 'sierra');
  assert.equal(chooseProfile(id('ZTE INCORPORATED')).id, 'zte');
  assert.equal(chooseProfile(id('', { ati: 'Manufacturer: huawei\nModel: E173' })).id, 'huawei');
  assert.equal(chooseProfile(id('', { usbVendorId: '2c7c' })).id, 'quectel');
  assert.equal(chooseProfile(id('Acme Radio')).id, 'generic');
  assert.equal(chooseProfile(id('huawei'), 'generic').id, 'generic');
});

test('every profile is complete data with its hooks', () => {
  for (const p of PROFILES) {
    assert.equal(profileById(p.id), p);
    assert.ok(p.smsStorage.length > 0, p.id);
    assert.equal(typeof p.softReset, 'function');
    assert.equal(typeof p.signalQuery, 'function');
    assert.equal(p.cnmi.mt === 2, p.smsDelivery === 'direct', `${p.id}: +CNMI must match the delivery mode`);
    assert.match(p.iccidCommand, /^AT/);
  }
});

test('generic: RDY is a reboot, +CPIN: NOT INSERTED a missing SIM, +CIEV "SMSFULL" a full store', () => {
  const g = profileById('generic')!;
  assert.deepEqual(g.classifyUrc(urc('RDY')), { type: 'reboot' });
  assert.deepEqual(g.classifyUrc(urc('+CPIN: NOT INSERTED')), { type: 'sim-absent' });
  assert.deepEqual(g.classifyUrc(urc('+CIEV: "SMSFULL",1')), { type: 'sms-full' });
  assert.equal(g.classifyUrc(urc('+CIEV: "SMSFULL",0')), undefined);
});

test('huawei: ^RSSI, ^MODE, ^SIMST, ^SMMEMFULL', () => {
  const h = profileById('huawei')!;
  assert.deepEqual(h.classifyUrc(urc('^RSSI: 17')), { type: 'signal', signal: { csq: 17, rssiDbm: -79 } });
  assert.deepEqual(h.classifyUrc(urc('^MODE: 7,17')), { type: 'technology', technology: 'e-utran' });
  assert.deepEqual(h.classifyUrc(urc('^SIMST: 255')), { type: 'sim-absent' });
  assert.deepEqual(h.classifyUrc(urc('^SMMEMFULL: "SM"')), { type: 'sms-full' });
  assert.ok(h.urcPrefixes.includes('^BOOT:'));
  assert.deepEqual(h.initCommands, ['AT^CURC=0']);
});

test('quectel: +QIND "smsfull", SMS DONE, csq; URC port pinned to usbat', () => {
  const q = profileById('quectel')!;
  assert.deepEqual(q.classifyUrc(urc('+QIND: "smsfull","SM"')), { type: 'sms-full' });
  assert.deepEqual(q.classifyUrc(urc('+QIND: SMS DONE')), { type: 'sms-ready' });
  assert.deepEqual(q.classifyUrc(urc('+QIND: "csq",31,99')), { type: 'signal', signal: { csq: 31, rssiDbm: -51 } });
  assert.ok(q.initCommands.includes('AT+QURCCFG="urcport","usbat"'));
});

test('simcom: +SIMCARD: NOT AVAILABLE, automatic mode with +CNMP', () => {
  const s = profileById('simcom')!;
  assert.deepEqual(s.classifyUrc(urc('+SIMCARD: NOT AVAILABLE')), { type: 'sim-absent' });
  assert.deepEqual(s.classifyUrc(urc('SMS DONE')), { type: 'sms-ready' });
  assert.deepEqual(s.initCommands, ['AT+CNMP=2']);
});

test('sierra: !GSTATUS? table parsed for LTE figures', () => {
  const lines = ['!GSTATUS: ', 'Current Time:  1234\t\tTemperature: 38', 'Mode:        ONLINE\t\tSystem mode: LTE', 'RSSI (dBm):  -67\t\tTx Power:     0', 'RSRP (dBm):  -95\t\tTAC:         1A2B', 'RSRQ (dB):   -11\t\tCell ID:     01C3D4E5', 'SINR (dB):   12.4'];
  assert.deepEqual(parseGstatus(lines), { rssiDbm: -67, rsrpDbm: -95, rsrqDb: -11, sinrDb: 12.4 });
  assert.deepEqual(profileById('sierra')!.initCommands, ['AT!ENTERCND="A710"']);
});

test('zte: direct routing with +CNMA, +ZPASR technology, +ZUSIMR: 2', () => {
  const z = profileById('zte')!;
  assert.equal(z.smsDelivery, 'direct');
  assert.deepEqual(z.classifyUrc(urc('+ZPASR: "LTE"')), { type: 'technology', technology: 'e-utran' });
  assert.deepEqual(z.classifyUrc(urc('+ZUSIMR:2')), { type: 'sim-absent' });
});
