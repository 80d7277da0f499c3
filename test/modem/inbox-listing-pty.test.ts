/**
 * The inbox's sweeps against a scripted modem on a real pty whose storage answers +CMGL=4,
 * +CMGR and +CMGD as 27.005 §3.4.2–3.5.4 describe: what a listing shows is handed over in the
 * order it was announced, a listing that fails or leaves an announced message out still gets
 * that message read, and a message whose handler fails stays stored while the others go.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PtyPeer, type Token } from '../at/helpers/pty-peer.js';
import { AtChannel } from '../../src/at/channel.js';
import { openTransport } from '../../src/at/transport.js';
import { Modem, type IncomingSms } from '../../src/modem/index.js';
import { DELETES_PER_LINE, SmsInbox } from '../../src/modem/sms-inbox.js';
import { DELIVER_1, DELIVER_2, STATUS_REPORT, until } from './helpers.js';

/** A third SMS-DELIVER: DELIVER_1 with another service centre time stamp (3GPP 23.040 §9.2.3.11). */
const DELIVER_3 = DELIVER_1.replace('20806291731480', '20806291732480');

interface Storage {
  /** Slot index → PDU. */
  readonly slots: Map<number, string>;
  /** How +CMGL=4 answers: the slots ('ok'), an error, or nothing at all (a firmware that lists nothing). */
  listing: 'ok' | 'error' | 'empty';
  /** A firmware that answers ERROR to a line of several commands (V.250 §5.2.1 concatenation), running none of them. */
  refusesConcatenation?: boolean;
}

const entry = (pdu: string): string => `${(pdu.length - 2 * (Number.parseInt(pdu.slice(0, 2), 16) + 1)) / 2}\r\n${pdu}`;

function storagePeer(store: Storage): PtyPeer {
  return new PtyPeer((t: Token) => {
    if (t.end !== '\r') return undefined;
    if (t.text === 'AT+CGMI') return '\r\nAcme\r\n\r\nOK\r\n';
    if (t.text === 'AT+CPIN?') return '\r\n+CPIN: READY\r\n\r\nOK\r\n';
    if (t.text === 'AT+CPMS=?') return '\r\n+CPMS: ("ME"),("ME"),("ME")\r\n\r\nOK\r\n';
    if (t.text === 'AT+CMGL=4') {
      if (store.listing === 'error') return '\r\n+CMS ERROR: 500\r\n';
      if (store.listing === 'empty') return '\r\nOK\r\n';
      const lines = [...store.slots].sort((a, b) => a[0] - b[0]).map(([i, pdu]) => `\r\n+CMGL: ${i},1,,${entry(pdu)}`);
      return `${lines.join('')}\r\n\r\nOK\r\n`;
    }
    const read = /^AT\+CMGR=(\d+)$/.exec(t.text);
    if (read) {
      const pdu = store.slots.get(Number(read[1]));
      return pdu ? `\r\n+CMGR: 1,,${entry(pdu)}\r\n\r\nOK\r\n` : '\r\nOK\r\n';
    }
    // One +CMGD, or several on one line (V.250 §5.2.1: extended commands separated by ';').
    const dels = /^AT(\+CMGD=\d+(?:;\+CMGD=\d+)*)$/.exec(t.text);
    if (dels) {
      const indexes = (dels[1] as string).split(';').map((c) => Number(c.slice('+CMGD='.length)));
      if (indexes.length > 1 && store.refusesConcatenation === true) return '\r\nERROR\r\n';
      for (const i of indexes) store.slots.delete(i);
      return '\r\nOK\r\n';
    }
    return '\r\nOK\r\n';
  });
}

async function withModem(store: Storage, body: (modem: Modem, peer: PtyPeer) => Promise<void>): Promise<void> {
  const peer = storagePeer(store);
  let modem: Modem | undefined;
  try {
    modem = await Modem.open({ port: peer.path, statusIntervalMs: 0, recovery: false, smsRetryMs: 100 });
    await body(modem, peer);
  } finally {
    await modem?.close();
    peer.close();
  }
}

test('one listing hands over what was announced, in the order announced, and deletes it', async () => {
  const store: Storage = { slots: new Map(), listing: 'ok' };
  await withModem(store, async (modem, peer) => {
    const got: IncomingSms[] = [];
    modem.onSms(async (s) => void got.push(s));
    await until(() => peer.commands().includes('AT+CMGL=4'), 8000, 'the start-up drain');
    const before = peer.commands().length;
    // Stored in slots 3, 1, 2 in that order (a modem reuses freed low slots), announced in one read.
    store.slots.set(3, DELIVER_1).set(1, DELIVER_2).set(2, STATUS_REPORT);
    peer.send('\r\n+CMTI: "ME",3\r\n\r\n+CMTI: "ME",1\r\n\r\n+CDSI: "ME",2\r\n');
    await until(() => got.length === 3 && store.slots.size === 0, 8000, 'three handed over and deleted');
    assert.deepEqual(got.map((g) => [g.index, g.kind]), [[3, 'deliver'], [1, 'deliver'], [2, 'status-report']]);
    const sweep = peer.commands().slice(before);
    assert.equal(sweep.filter((c) => c === 'AT+CMGL=4').length, 1, `one listing: ${sweep.join(' ')}`);
    assert.equal(sweep.filter((c) => c.startsWith('AT+CMGR')).length, 0, 'no slot read one by one');
    assert.deepEqual(sweep.filter((c) => c.startsWith('AT+CMGD')), ['AT+CMGD=3;+CMGD=1;+CMGD=2'], 'the three deletes on one line');
  });
});

/** A PDU of its own for slot i: DELIVER_1 with the seconds of its service centre time stamp changed (3GPP 23.040 §9.2.3.11). */
const deliverNo = (i: number): string => DELIVER_1.replace('20806291731480', `208062917${String(10 + i).padStart(2, '0')}480`);

test(`the deletes of a listing go ${DELETES_PER_LINE} to a command line (V.250 §5.2.1)`, async () => {
  const store: Storage = { slots: new Map(), listing: 'ok' };
  await withModem(store, async (modem, peer) => {
    const got: string[] = [];
    modem.onSms(async (s) => void got.push(s.pdu));
    await until(() => peer.commands().includes('AT+CMGL=4'), 8000, 'the start-up drain');
    const before = peer.commands().length;
    const n = DELETES_PER_LINE + 3;
    for (let i = 1; i <= n; i++) store.slots.set(i, deliverNo(i));
    peer.send(Array.from({ length: n }, (_, i) => `\r\n+CMTI: "ME",${i + 1}\r\n`).join(''));
    await until(() => got.length === n && store.slots.size === 0, 8000, 'all handed over and deleted');
    const lines = peer.commands().slice(before).filter((c) => c.startsWith('AT+CMGD'));
    assert.deepEqual(lines, [
      `AT${Array.from({ length: DELETES_PER_LINE }, (_, i) => `+CMGD=${i + 1}`).join(';')}`,
      `AT${Array.from({ length: 3 }, (_, i) => `+CMGD=${DELETES_PER_LINE + i + 1}`).join(';')}`,
    ]);
    assert.equal(new Set(got).size, n, 'each handed over once');
  });
});

test('a modem that refuses several deletes on a line: the storage is listed again, nothing is lost, and the deletes go one a line', async () => {
  const store: Storage = { slots: new Map(), listing: 'ok', refusesConcatenation: true };
  await withModem(store, async (modem, peer) => {
    const got: string[] = [];
    modem.onSms(async (s) => void got.push(s.pdu));
    await until(() => peer.commands().includes('AT+CMGL=4'), 8000, 'the start-up drain');
    const before = peer.commands().length;
    store.slots.set(1, DELIVER_1).set(2, DELIVER_2).set(3, DELIVER_3);
    peer.send('\r\n+CMTI: "ME",1\r\n\r\n+CMTI: "ME",2\r\n\r\n+CMTI: "ME",3\r\n');
    await until(() => store.slots.size === 0, 8000, 'all deleted in the end');
    assert.deepEqual([...new Set(got)].sort(), [DELIVER_1, DELIVER_2, DELIVER_3].sort(), 'every message handed over');
    const sweep = peer.commands().slice(before);
    assert.deepEqual(sweep.filter((c) => c.startsWith('AT+CMGD')), ['AT+CMGD=1;+CMGD=2;+CMGD=3', 'AT+CMGD=1', 'AT+CMGD=2', 'AT+CMGD=3']);
    assert.equal(sweep.filter((c) => c === 'AT+CMGL=4').length, 2, 'listed again after the refused line');
    // Later sweeps delete one a line at once.
    const later = peer.commands().length;
    store.slots.set(4, deliverNo(4)).set(5, deliverNo(5));
    peer.send('\r\n+CMTI: "ME",4\r\n\r\n+CMTI: "ME",5\r\n');
    await until(() => store.slots.size === 0 && got.includes(deliverNo(5)), 8000, 'the next two deleted');
    assert.deepEqual(peer.commands().slice(later).filter((c) => c.startsWith('AT+CMGD')), ['AT+CMGD=4', 'AT+CMGD=5']);
  });
});

for (const listing of ['error', 'empty'] as const) {
  test(`a listing that ${listing === 'error' ? 'fails' : 'leaves the messages out'}: each announced slot is read (+CMGR)`, async () => {
    const store: Storage = { slots: new Map(), listing };
    await withModem(store, async (modem, peer) => {
      const got: IncomingSms[] = [];
      modem.onSms(async (s) => void got.push(s));
      await until(() => peer.commands().includes('AT+CMGL=4'), 8000, 'the start-up drain');
      store.slots.set(1, DELIVER_1).set(2, DELIVER_2);
      peer.send('\r\n+CMTI: "ME",1\r\n\r\n+CMTI: "ME",2\r\n');
      await until(() => got.length === 2 && store.slots.size === 0, 8000, 'both handed over and deleted');
      assert.deepEqual(got.map((g) => g.pdu), [DELIVER_1, DELIVER_2]);
    });
  });
}

test('a message whose handler fails stays stored, the others are deleted, and the retry hands it over once', async () => {
  const store: Storage = { slots: new Map(), listing: 'ok' };
  await withModem(store, async (modem, peer) => {
    const got: string[] = [];
    let refuse = true;
    let refusals = 0;
    modem.onSms(async (s) => {
      if (s.pdu === DELIVER_2 && refuse) {
        refusals++;
        throw new Error('store unavailable');
      }
      got.push(s.pdu);
    });
    await until(() => peer.commands().includes('AT+CMGL=4'), 8000, 'the start-up drain');
    store.slots.set(1, DELIVER_1).set(2, DELIVER_2).set(3, DELIVER_3);
    peer.send('\r\n+CMTI: "ME",1\r\n\r\n+CMTI: "ME",2\r\n\r\n+CMTI: "ME",3\r\n');
    await until(() => got.length === 2 && !store.slots.has(1) && !store.slots.has(3), 8000, 'the other two handed over and deleted');
    assert.equal(store.slots.get(2), DELIVER_2, 'the refused message is still stored');
    assert.equal(refusals, 1, 'not handed over again within the same sweep');
    refuse = false;
    await until(() => got.length === 3 && store.slots.size === 0, 8000, 'handed over by the retry');
    assert.deepEqual(got, [DELIVER_1, DELIVER_3, DELIVER_2]);
  });
});

/**
 * A modem that reboots (RDY) resets its storage selection; the modem layer then stops the inbox
 * and starts a new one. A +CMGD the stopped inbox had queued would delete the slot of that index
 * in whatever storage is selected now — a message never read. Nothing of a stopped inbox may
 * reach the modem: here the deletes are queued behind a slow command when the inbox stops.
 */
test('a stopped inbox writes nothing more: deletes queued before it stopped never reach the modem', async () => {
  const store: Storage = { slots: new Map([[1, DELIVER_1], [2, DELIVER_2]]), listing: 'ok' };
  const peer = storagePeer(store);
  const channel = new AtChannel({ defaultTimeoutMs: 5000 });
  let inbox: SmsInbox | undefined;
  try {
    channel.attach(await openTransport(peer.path, {}));
    let handedOver = 0;
    let releaseHandler!: () => void;
    const handlerGate = new Promise<void>((r) => (releaseHandler = r));
    inbox = new SmsInbox({ channel, storages: ['ME'], mem1: 'ME', ackRequired: false, restoreRouting: async () => undefined, retryMs: 60_000 });
    inbox.setHandler(async () => {
      handedOver++;
      await handlerGate;
    });
    await until(() => handedOver === 2, 8000, 'both listed messages handed over');
    // A command of another layer takes the line (the modem layer's init after RDY, say) …
    const other = channel.run({ text: 'AT+CSQ', timeoutMs: 5000, parse: () => undefined });
    releaseHandler(); // … the handlers resolve, and the inbox queues its deletes behind it …
    await new Promise((r) => setImmediate(r));
    inbox.stop(); // … when the modem layer stops it.
    await other.catch(() => undefined);
    await inbox.idle();
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(peer.commands().filter((c) => c.startsWith('AT+CMGD')), [], 'no delete written');
    assert.equal(store.slots.size, 2, 'both messages still stored');
  } finally {
    inbox?.stop();
    await channel.close();
    peer.close();
  }
});
