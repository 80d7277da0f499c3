import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PtyPeer, type Token } from '../at/helpers/pty-peer.js';
import { Modem } from '../../src/modem/index.js';
import { DELIVER_1, DELIVER_2, recorder, until } from './helpers.js';

/**
 * A modem whose storage slot 1 is reused at once: the OK of AT+CMGD=1 and the +CMTI of the
 * next message stored in the freed slot arrive in one read.
 */
test('a slot reused in the same read as the delete OK is not mistaken for a duplicate', async () => {
  const slot: string[] = [DELIVER_1];
  const queue = [DELIVER_2];
  const peer = new PtyPeer((t: Token) => {
    if (t.end !== '\r') return undefined;
    if (t.text === 'AT+CGMI') return '\r\nAcme\r\n\r\nOK\r\n';
    if (t.text === 'AT+CPIN?') return '\r\n+CPIN: READY\r\n\r\nOK\r\n';
    if (t.text === 'AT+CPMS=?') return '\r\n+CPMS: ("ME"),("ME"),("ME")\r\n\r\nOK\r\n';
    if (t.text === 'AT+CMGL=4') return '\r\nOK\r\n';
    if (t.text === 'AT+CMGR=1') return slot[0] ? `\r\n+CMGR: 0,,${(slot[0].length - 16) / 2}\r\n${slot[0]}\r\n\r\nOK\r\n` : '\r\nOK\r\n';
    if (t.text === 'AT+CMGD=1') {
      const next = queue.shift();
      slot.splice(0, 1, ...(next ? [next] : []));
      return next ? '\r\nOK\r\n\r\n+CMTI: "ME",1\r\n' : '\r\nOK\r\n';
    }
    return '\r\nOK\r\n';
  });
  let modem: Modem | undefined;
  try {
    modem = await Modem.open({ port: peer.path, statusIntervalMs: 0, recovery: false });
    const inbox = recorder();
    modem.onSms(inbox.handler);
    peer.send('\r\n+CMTI: "ME",1\r\n');
    await until(() => inbox.got.length === 2, 8000, 'both messages');
    assert.deepEqual(inbox.got.map((g) => g.pdu), [DELIVER_1, DELIVER_2]);
    await until(() => slot.length === 0, 5000, 'slot emptied');
  } finally {
    await modem?.close();
    peer.close();
  }
});

test('zte without +CSMS=1 support falls back to stored delivery (no way to refuse a +CMT)', async () => {
  const peer = new PtyPeer((t: Token) => {
    if (t.end !== '\r') return undefined;
    if (t.text === 'AT+CGMI') return '\r\nZTE INCORPORATED\r\n\r\nOK\r\n';
    if (t.text === 'AT+CPIN?') return '\r\n+CPIN: READY\r\n\r\nOK\r\n';
    if (t.text === 'AT+CSMS=1') return '\r\n+CMS ERROR: 303\r\n';
    return '\r\nOK\r\n';
  });
  let modem: Modem | undefined;
  try {
    modem = await Modem.open({ port: peer.path, statusIntervalMs: 0, recovery: false });
    assert.equal(modem.status().profile, 'zte');
    assert.ok(peer.commands().includes('AT+CNMI=2,1,0,2,0'), 'falls back to storage indications');
    assert.ok(!peer.commands().includes('AT+CNMI=2,2,0,1,0'));
  } finally {
    await modem?.close();
    peer.close();
  }
});
