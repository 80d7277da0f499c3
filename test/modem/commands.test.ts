import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsq, rssiToDbm } from '../../src/modem/commands/csq.js';
import { parseCesq } from '../../src/modem/commands/cesq.js';
import { parseRegistration, parseRegistrationUrc, registrationQuery } from '../../src/modem/commands/creg.js';
import { parseCops } from '../../src/modem/commands/cops.js';
import { parseCpmsQuery, parseCpmsSupported } from '../../src/modem/commands/cpms.js';
import { parseCmgl } from '../../src/modem/commands/cmgl.js';
import { parseCmgr } from '../../src/modem/commands/cmgr.js';
import { parseCnum } from '../../src/modem/commands/cnum.js';
import { parseIccid } from '../../src/modem/commands/ccid.js';
import { parseImei } from '../../src/modem/commands/cgsn.js';
import { parseImsi } from '../../src/modem/commands/cimi.js';
import { parseCpinValue, cpinEnter } from '../../src/modem/commands/cpin.js';
import { cmgs } from '../../src/modem/commands/cmgs.js';
import { parseCsms } from '../../src/modem/commands/csms.js';
import { formatCnmi } from '../../src/modem/commands/cnmi.js';
import { splitParams } from '../../src/modem/commands/params.js';
import { pduKind } from '../../src/modem/sms-inbox.js';
import { MmsgwError } from '../../src/util/errors.js';

test('splitParams keeps commas inside quotes', () => {
  assert.deepEqual(splitParams(' 0,"a,b",,3'), ['0', 'a,b', '', '3']);
});

test('+CSQ → dBm (27.007 §8.5)', () => {
  assert.deepEqual(parseCsq(['+CSQ: 20,99']), { rssi: 20, dbm: -73, ber: undefined });
  assert.equal(parseCsq(['+CSQ: 99,99']).dbm, undefined);
  assert.equal(rssiToDbm(0), -113);
  assert.equal(rssiToDbm(31), -51);
  assert.throws(() => parseCsq(['+CSQ: x,1']), MmsgwError);
});

test('+CESQ → dBm/dB with "not known" values dropped (27.007 §8.69)', () => {
  assert.deepEqual(parseCesq(['+CESQ: 99,99,255,255,20,44']), { lteRsrqDb: -10, lteRsrpDbm: -97 });
  assert.deepEqual(parseCesq(['+CESQ: 40,0,255,255,255,255']), { gsmRxlevDbm: -71 });
});

test('registration: query form vs URC form (27.007 §7.2)', () => {
  assert.deepEqual(parseRegistration('CREG', '2,5,"00C3","0010DA",7', true), { domain: 'CREG', stat: 5, state: 'roaming', lac: '00C3', cellId: '0010DA', accessTechnology: 'e-utran' });
  assert.equal(parseRegistrationUrc('+CEREG: 1,"1A2B","01C3D4E5",7')?.state, 'home');
  assert.equal(parseRegistrationUrc('+CGREG: 2')?.state, 'searching');
  assert.equal(parseRegistrationUrc('+CGREG: 0,3')?.state, 'denied');
  assert.equal(parseRegistrationUrc('+CSQ: 1'), undefined);
  const q = registrationQuery('CREG');
  assert.equal(q.isResponse?.('+CREG: 1,"00C3","0010DA"'), false);
  assert.equal(q.isResponse?.('+CREG: 0,1'), true);
});

test('+COPS? operator, numeric and long (27.007 §7.3)', () => {
  assert.deepEqual(parseCops(['+COPS: 0,2,"26201",7']), { mode: 0, format: 2, operator: '26201', accessTechnology: 'e-utran' });
  assert.deepEqual(parseCops(['+COPS: 0,0,"Telekom.de, D1",2']), { mode: 0, format: 0, operator: 'Telekom.de, D1', accessTechnology: 'utran' });
  assert.deepEqual(parseCops(['+COPS: 0']), { mode: 0 });
});

test('+CPMS query and test forms (27.005 §3.2.2)', () => {
  assert.deepEqual(parseCpmsQuery(['+CPMS: "ME",3,255,"ME",3,255,"SM",0,20']), { mem1: { mem: 'ME', used: 3, total: 255 }, mem2: { mem: 'ME', used: 3, total: 255 }, mem3: { mem: 'SM', used: 0, total: 20 } });
  assert.deepEqual(parseCpmsSupported(['+CPMS: ("ME","MT","SM","SR"),("ME","MT","SM","SR"),("ME","MT","SM")']), ['ME', 'MT', 'SM', 'SR']);
  assert.deepEqual(parseCpmsSupported(['+CPMS: ("SM"),("SM"),("SM")']), ['SM']);
});

test('+CMGL pairs each header with its PDU (27.005 §3.4.2)', () => {
  assert.deepEqual(parseCmgl(['+CMGL: 0,1,,24', '07914477AABB', '+CMGL: 3,0,"",5', '00CC']), [
    { index: 0, stat: 1, length: 24, pdu: '07914477AABB' },
    { index: 3, stat: 0, length: 5, pdu: '00CC' },
  ]);
  assert.throws(() => parseCmgl(['+CMGL: 0,1,,24']), MmsgwError);
});

test('+CMGR: message, empty slot (27.005 §3.4.3)', () => {
  assert.deepEqual(parseCmgr(4, ['+CMGR: 0,,24', '0791aabb']), { index: 4, stat: 0, length: 24, pdu: '0791AABB' });
  assert.equal(parseCmgr(4, ['+CMGR: 0,,0']), undefined);
  assert.equal(parseCmgr(4, []), undefined);
});

test('identity answers: IMEI, IMSI, ICCID (with F padding and vendor prefixes), +CNUM', () => {
  assert.equal(parseImei(['866758041234567']), '866758041234567');
  assert.equal(parseImei(['+CGSN: "866758041234567"']), '866758041234567');
  assert.throws(() => parseImei(['ERROR-ish']), MmsgwError);
  assert.equal(parseImsi(['001010123456789']), '001010123456789');
  assert.equal(parseIccid(['^ICCID: 8944110068256270054F']), '8944110068256270054');
  assert.equal(parseIccid(['+QCCID: 89001012012345678901']), '89001012012345678901');
  assert.deepEqual(parseCnum(['+CNUM: "","15555550100",145', '+CNUM: "Voice","5550101",129']), ['+15555550100', '5550101']);
});

test('+CPIN states and PIN validation (27.007 §8.3)', () => {
  assert.equal(parseCpinValue('READY'), 'READY');
  assert.equal(parseCpinValue('SIM PIN'), 'SIM PIN');
  assert.equal(parseCpinValue('"SIM PUK"'), 'SIM PUK');
  assert.equal(parseCpinValue('NOT READY'), 'other');
  assert.equal(cpinEnter('1234').text, 'AT+CPIN="1234"');
  assert.throws(() => cpinEnter('12"4'), MmsgwError);
});

test('+CMGS checks the PDU against the TPDU length (27.005 §3.5.1)', () => {
  const c = cmgs('0011000B916407281553F80000AA0AE8329BFD4697D9EC37', 23);
  assert.equal(c.text, 'AT+CMGS=23');
  assert.equal(c.prompt, '0011000B916407281553F80000AA0AE8329BFD4697D9EC37\x1a');
  assert.equal(c.parse({ lines: ['+CMGS: 17'], raw: [], final: 'OK' }), 17);
  assert.throws(() => cmgs('0011000B91', 23), MmsgwError);
  assert.throws(() => cmgs('001G', 1), MmsgwError);
});

test('+CSMS, +CNMI formatting, TP-MTI of stored PDUs', () => {
  assert.deepEqual(parseCsms(['+CSMS: 1,1,1']), { mt: true, mo: true, bm: true });
  assert.equal(formatCnmi({ mode: 2, mt: 1, bm: 0, ds: 2, bfr: 0 }), 'AT+CNMI=2,1,0,2,0');
  assert.equal(pduKind('07914477581006500409D0E8'), 'deliver');
  assert.equal(pduKind('0006D60B911326880736F4'), 'status-report');
  assert.equal(pduKind('zz'), 'other');
});
