import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AtCommand } from '../../src/at/command.js';
import { routeLine } from '../../src/at/route.js';
import { UrcTable } from '../../src/at/urc.js';

const parse = (): undefined => undefined;
const csq: AtCommand<unknown> = { text: 'AT+CSQ', prefixes: ['+CSQ:'], parse };
const cgmm: AtCommand<unknown> = { text: 'AT+CGMM', parse };
const cregQuery: AtCommand<unknown> = { text: 'AT+CREG?', prefixes: ['+CREG:'], parse };
const httpRead: AtCommand<unknown> = { text: 'AT+QHTTPREAD=80', prefixes: ['+QHTTPREAD:'], rawAfter: () => 10, parse };

function to(line: string, command: AtCommand<unknown> | undefined, urcs = new UrcTable()): string {
  const r = routeLine(line, command, urcs);
  return r.to === 'urc' ? `urc ${r.prefix}` : r.to === 'final' ? `final ${r.kind}` : r.to;
}

test('echo (V.250 §6.2.4): the command line itself, in any case; with no command, any AT line', () => {
  assert.equal(to('AT+CSQ', csq), 'echo');
  assert.equal(to('at+csq', csq), 'echo');
  assert.equal(to('AT+CGMM', undefined), 'echo');
  assert.equal(to('AT+CGMM', csq), 'unexpected', 'another command line is not this command\'s echo');
});

test('final results (V.250 §5.7.1, 27.007 §9.2, 27.005 §3.2.5) end the command in flight', () => {
  assert.equal(to('OK', csq), 'final ok');
  assert.equal(to('ERROR', cgmm), 'final AT_ERROR');
  assert.equal(to('+CME ERROR: 10', csq), 'final AT_CME_ERROR');
  assert.equal(to('+CMS ERROR: 321', csq), 'final AT_CMS_ERROR');
  assert.equal(to('CONNECT 150', { text: 'ATD*99#', parse }), 'final connect');
});

test('call progress (V.250 §6.3) ends only a command that places or resumes a call', () => {
  for (const text of ['ATD*99#', 'ATA', 'ATO', 'ATO0', 'AT+CGDATA="PPP",1']) assert.equal(to('NO CARRIER', { text, parse }), 'final AT_NO_CARRIER', text);
  assert.equal(to('BUSY', { text: 'ATD123;', parse }), 'final AT_BUSY');
  assert.equal(to('NO CARRIER', httpRead), 'final AT_NO_CARRIER', 'a data phase takes call progress');
  assert.equal(to('NO CARRIER', { ...csq, callProgress: true }), 'final AT_NO_CARRIER');
  assert.equal(to('NO CARRIER', csq), 'urc NO CARRIER', 'a data call ending elsewhere is a notification');
  assert.equal(to('NO CARRIER', { text: 'ATD*99#', callProgress: false, parse }), 'urc NO CARRIER');
  assert.equal(to('BUSY', csq), 'unexpected');
});

test('CONNECT before a data phase (rawAfter) is a line of the answer, not its end', () => {
  assert.equal(to('CONNECT', httpRead), 'connect');
  assert.equal(to('CONNECT 80', httpRead), 'connect');
});

test('declared prefixes are responses; notifications in between are URCs', () => {
  assert.equal(to('+CSQ: 17,99', csq), 'response');
  assert.equal(to('+CMTI: "ME",4', csq), 'urc +CMTI:');
  assert.equal(to('RING', csq), 'urc RING');
  const vendor = new UrcTable();
  vendor.add(['^RSSI:']);
  assert.equal(to('^RSSI: 12', csq, vendor), 'urc ^RSSI:');
  assert.equal(to('^RSSI: 12', csq), 'unexpected', 'not a notification until a profile names it');
});

test('registration (27.007 §7.2): the query answer <n>,<stat> is the response, the URC <stat>[,"<lac>"] is not', () => {
  assert.equal(to('+CREG: 2,1,"00C3","0010DA",7', cregQuery), 'response');
  assert.equal(to('+CREG: 0,5', cregQuery), 'response');
  assert.equal(to('+CREG: 1,"00C3","0010DA",7', cregQuery), 'urc +CREG:');
  assert.equal(to('+CREG: 5', cregQuery), 'urc +CREG:');
  assert.equal(to('+CREG: 5', { ...cregQuery, isResponse: () => true }), 'response', 'isResponse overrides the shape rule');
});

test('a free-text command takes any line that is no notification; a prefixed one takes none', () => {
  assert.equal(to('EC25', cgmm), 'response');
  assert.equal(to('+CMTI: "SM",1', cgmm), 'urc +CMTI:');
  assert.equal(to('EC25', csq), 'unexpected');
});

test('with no command in flight: a final result is stray, NO CARRIER and other notifications are URCs, the rest unexpected', () => {
  assert.equal(to('OK', undefined), 'stray-final');
  assert.equal(to('+CME ERROR: 100', undefined), 'stray-final');
  assert.equal(to('CONNECT', undefined), 'stray-final');
  assert.equal(to('BUSY', undefined), 'stray-final');
  assert.equal(to('NO CARRIER', undefined), 'urc NO CARRIER');
  assert.equal(to('+CREG: 1', undefined), 'urc +CREG:');
  assert.equal(to('RDY', undefined), 'urc RDY');
  assert.equal(to('RDYX', undefined), 'unexpected', 'a bare code matches only on its own');
  assert.equal(to('+CSQ: 17,99', undefined), 'unexpected');
});
