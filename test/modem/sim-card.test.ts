import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PtyPeer, type Token } from '../at/helpers/pty-peer.js';
import { Modem } from '../../src/modem/index.js';
import { MmsgwError } from '../../src/util/errors.js';

/** A minimal modem on a pty whose +CPIN answers are scripted. */
function peerWith(cpin: string, pinAnswer = '\r\nOK\r\n'): PtyPeer {
  return new PtyPeer((t: Token) => {
    if (t.end !== '\r') return undefined;
    if (t.text === 'AT+CPIN?') return cpin;
    if (t.text.startsWith('AT+CPIN=')) return pinAnswer;
    if (t.text === 'AT+CGMI') return '\r\nAcme\r\n\r\nOK\r\n';
    if (t.text === 'AT+CGSN') return '\r\n866758041234567\r\n\r\nOK\r\n';
    return '\r\nOK\r\n';
  });
}

async function openFails(peer: PtyPeer, pin: string | undefined, code: string): Promise<void> {
  try {
    await assert.rejects(Modem.open({ port: peer.path, ...(pin ? { pin } : {}), statusIntervalMs: 0, recovery: false }), (e: unknown) => e instanceof MmsgwError && e.code === code);
  } finally {
    peer.close();
  }
}

test('+CME ERROR: 10 → MODEM_SIM_ABSENT (27.007 §9.2.1)', () => openFails(peerWith('\r\n+CME ERROR: 10\r\n'), undefined, 'MODEM_SIM_ABSENT'));

test('verbose "+CME ERROR: SIM not inserted" → MODEM_SIM_ABSENT', () => openFails(peerWith('\r\n+CME ERROR: SIM not inserted\r\n'), undefined, 'MODEM_SIM_ABSENT'));

test('SIM PUK → MODEM_SIM_PUK, and no PIN or PUK is ever sent', async () => {
  const peer = peerWith('\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n');
  await openFails(peer, '1234', 'MODEM_SIM_PUK');
  assert.equal(peer.commands().filter((c) => c.startsWith('AT+CPIN=')).length, 0);
});

test('SIM PIN without a configured PIN → MODEM_SIM_PIN_REQUIRED', () => openFails(peerWith('\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n'), undefined, 'MODEM_SIM_PIN_REQUIRED'));

test('a wrong PIN is entered once only → MODEM_SIM_PIN_WRONG', async () => {
  const peer = peerWith('\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n', '\r\n+CME ERROR: 16\r\n');
  await openFails(peer, '0000', 'MODEM_SIM_PIN_WRONG');
  assert.deepEqual(peer.commands().filter((c) => c.startsWith('AT+CPIN=')), ['AT+CPIN="0000"']);
});

test('vendor URCs between identity lines do not become the identity (Huawei ^RSSI/^BOOT flood)', async () => {
  const peer = new PtyPeer((t: Token) => {
    if (t.end !== '\r') return undefined;
    if (t.text === 'ATI') return '\r\n^RSSI: 14\r\nManufacturer: huawei\r\n^BOOT: 20952548,0,0,0,72\r\nModel: E173\r\n\r\nOK\r\n';
    if (t.text === 'AT+CGMI') return '\r\n^MODE: 5,4\r\nhuawei\r\n\r\nOK\r\n';
    if (t.text === 'AT+CGMM') return '\r\nE173\r\n^RSSI: 15\r\n\r\nOK\r\n';
    if (t.text === 'AT+CGSN') return '\r\n^DSFLOWRPT: 0,0,0\r\n866758041234567\r\n\r\nOK\r\n';
    if (t.text === 'AT+CPIN?') return '\r\n+CPIN: READY\r\n\r\nOK\r\n';
    return '\r\nOK\r\n';
  });
  let modem: Modem | undefined;
  try {
    modem = await Modem.open({ port: peer.path, statusIntervalMs: 0, recovery: false });
    const s = modem.status();
    assert.equal(s.identity?.manufacturer, 'huawei');
    assert.equal(s.identity?.model, 'E173');
    assert.equal(s.identity?.ati, 'Manufacturer: huawei\nModel: E173');
    assert.equal(s.identity?.imei, '866758041234567');
    assert.equal(s.profile, 'huawei');
    assert.ok(peer.commands().includes('AT^CURC=0'));
    assert.ok(peer.commands().includes('AT+CNMI=2,1,0,2,0'));
  } finally {
    await modem?.close();
    peer.close();
  }
});
