import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorFromFinal, finalKind, AtError } from '../../src/at/errors.js';
import { decodeCmeError, decodeCmsError } from '../../src/at/error-codes.js';
import { escapeWire } from '../../src/at/trace.js';

test('final result codes (V.250 §5.7.1) and extended errors', () => {
  assert.equal(finalKind('OK'), 'ok');
  assert.equal(finalKind('ERROR'), 'AT_ERROR');
  assert.equal(finalKind('NO CARRIER'), 'AT_NO_CARRIER');
  assert.equal(finalKind('+CME ERROR: 10'), 'AT_CME_ERROR');
  assert.equal(finalKind('+CMS ERROR: 500'), 'AT_CMS_ERROR');
  assert.equal(finalKind('CONNECT 1024'), 'connect');
  assert.equal(finalKind('+CSQ: 1,2'), undefined);
  assert.equal(finalKind('OKAY'), undefined);
});

test('+CMS ERROR numeric and verbose forms map to the 27.005 §3.2.5 number', () => {
  for (const [line, code] of [['+CMS ERROR: 500', 500], ['+CMS ERROR: unknown error', 500], ['+CMS ERROR: 38', 38], ['+CMS ERROR: Network out of order', 38], ['+CMS ERROR: SMSC address unknown', 330], ['+CMS ERROR: 322', 322]] as const) {
    const e = errorFromFinal(line, 'AT+CMGS=20');
    assert.ok(e instanceof AtError);
    assert.equal(e.code, 'AT_CMS_ERROR');
    assert.equal(e.specCode, code, line);
  }
  assert.match(errorFromFinal('+CMS ERROR: 330', 'AT+CMGS=20').message, /SMSC address unknown/);
});

test('+CME ERROR numeric and verbose forms map to the 27.007 §9.2 number', () => {
  assert.equal(decodeCmeError(' 10').code, 10);
  assert.equal(decodeCmeError('SIM not inserted').code, 10);
  assert.equal(decodeCmeError('SIM PUK required').code, 12);
  assert.equal(decodeCmeError('incorrect password').code, 16);
  const unknown = decodeCmeError('Flux capacitor');
  assert.equal(unknown.code, undefined);
  assert.equal(unknown.text, 'Flux capacitor');
  assert.equal(decodeCmsError('9999').text, 'error 9999');
});

test('the wire trace escapes control characters', () => {
  assert.equal(escapeWire('AT+CSQ\r'), 'AT+CSQ<CR>');
  assert.equal(escapeWire(Buffer.from([0x0d, 0x0a, 0x4f, 0x4b, 0x1a, 0x1b, 0x01])), '<CR><LF>OK<SUB><ESC><0x01>');
});
