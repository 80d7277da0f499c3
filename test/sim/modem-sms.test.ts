import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startModemSim, type ModemSimClient, type SentSms } from '../../src/sim/modem/client.js';
import { AtPort, DELIVER_CLASS0, DELIVER_PDU, STATUS_REPORT_PDU, SUBMIT_PDU, tpduLen } from './at-port.js';

describe('modem simulator SMS (27.005 PDU mode)', () => {
  let sim: ModemSimClient;
  let port: AtPort;

  before(async () => {
    sim = await startModemSim({ profile: 'generic', baudRate: 0 });
    port = await AtPort.open(sim.path);
    await sim.configure({ submitMs: 10, ackTimeoutMs: 400, redeliveryMs: 200 });
    await port.command('ATE0');
  });

  after(async () => {
    await port.close();
    await sim.stop();
  });

  test('AT+CMGS: "> " prompt without line end, PDU until Ctrl-Z, +CMGS: <mr>, recorded as sent', async () => {
    const sentEvent = sim.nextEvent<SentSms>('sent');
    port.reset();
    await port.write(`AT+CMGS=${tpduLen(SUBMIT_PDU)}\r`);
    assert.equal(await port.waitFor('> '), '\r\n> ');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(port.received, '\r\n> ', 'nothing follows the prompt until the PDU arrives');
    await port.write(`${SUBMIT_PDU}\x1a`);
    const reply = await port.waitFor(/OK\r\n$/);
    assert.match(reply, /\r\n\+CMGS: 1\r\n\r\nOK\r\n$/);
    const ev = await sentEvent;
    assert.equal(ev.pdu, SUBMIT_PDU);
    assert.equal(ev.mr, 1);
    const sent = await sim.sent();
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.tpduLength, tpduLen(SUBMIT_PDU));
  });

  test('AT+CMGS: wrong length is +CMS ERROR: 304, ESC cancels without sending', async () => {
    port.reset();
    await port.write(`AT+CMGS=${tpduLen(SUBMIT_PDU) + 1}\r`);
    await port.waitFor('> ');
    await port.write(`${SUBMIT_PDU}\x1a`);
    assert.match(await port.waitFor(/ERROR.*\r\n$/), /\+CMS ERROR: 304\r\n$/);
    port.reset();
    await port.write(`AT+CMGS=${tpduLen(SUBMIT_PDU)}\r`);
    await port.waitFor('> ');
    await port.write(`${SUBMIT_PDU.slice(0, 10)}\x1b`);
    assert.match(await port.waitFor(/OK\r\n$/), /OK\r\n$/);
    assert.equal((await sim.sent()).length, 1);
  });

  test('AT+CMGS while not registered: +CMS ERROR: 331', async () => {
    await sim.setRegistration({ stat: 2 });
    port.reset();
    await port.write(`AT+CMGS=${tpduLen(SUBMIT_PDU)}\r`);
    await port.waitFor('> ');
    await port.write(`${SUBMIT_PDU}\x1a`);
    assert.match(await port.waitFor(/ERROR.*\r\n$/), /\+CMS ERROR: 331/);
    await sim.setRegistration({ stat: 1 });
  });

  test('+CMTI, +CMGR marks read, +CMGL lists by stat, +CMGD deletes (incl. delflag)', async () => {
    assert.match(await port.command('AT+CNMI=2,1,0,2,0'), /OK/);
    port.reset();
    const outcome = await sim.deliverSms(DELIVER_PDU);
    assert.deepEqual(outcome, { status: 'stored', mem: 'SM', index: 1 });
    assert.equal(await port.waitFor('\r\n+CMTI: "SM",1\r\n'), '\r\n+CMTI: "SM",1\r\n');
    await sim.deliverSms(DELIVER_PDU);
    await port.waitFor('+CMTI: "SM",2');
    const len = tpduLen(DELIVER_PDU);
    assert.equal(await port.command('AT+CMGR=1'), `\r\n+CMGR: 0,,${len}\r\n${DELIVER_PDU}\r\n\r\nOK\r\n`);
    assert.equal(await port.command('AT+CMGL=0'), `\r\n+CMGL: 2,0,,${len}\r\n${DELIVER_PDU}\r\n\r\nOK\r\n`);
    assert.equal(await port.command('AT+CMGL=0'), '\r\nOK\r\n');
    assert.equal(await port.command('AT+CMGL=4'), `\r\n+CMGL: 1,1,,${len}\r\n${DELIVER_PDU}\r\n+CMGL: 2,1,,${len}\r\n${DELIVER_PDU}\r\n\r\nOK\r\n`);
    assert.match(await port.command('AT+CPMS?'), /\+CPMS: "SM",2,30,"SM",2,30,"SM",2,30/);
    assert.equal(await port.command('AT+CMGD=1'), '\r\nOK\r\n');
    assert.equal(await port.command('AT+CMGR=1'), '\r\nOK\r\n');
    assert.equal(await port.command('AT+CMGR=31'), '\r\n+CMS ERROR: 321\r\n');
    assert.equal(await port.command('AT+CMGD=0,4'), '\r\nOK\r\n');
    assert.equal((await sim.storage()).SM.length, 0);
  });

  test('text mode is refused (PDU-only), +CMGF? is 0', async () => {
    assert.equal(await port.command('AT+CMGF=1'), '\r\n+CMS ERROR: 303\r\n');
    assert.equal(await port.command('AT+CMGF?'), '\r\n+CMGF: 0\r\n\r\nOK\r\n');
  });

  test('+CNMI mt=2 with +CSMS=1: +CMT with the PDU line, +CNMA acknowledges; class 2 still stored', async () => {
    assert.match(await port.command('AT+CSMS=1'), /\+CSMS: 1,1,1/);
    assert.match(await port.command('AT+CNMI=2,2,0,1,0'), /OK/);
    port.reset();
    const ack = sim.nextEvent<{ ack: boolean }>('ack');
    assert.deepEqual(await sim.deliverSms(DELIVER_PDU), { status: 'routed' });
    // Only one +CMT may be outstanding: the second waits for the first +CNMA.
    assert.deepEqual(await sim.deliverSms(DELIVER_CLASS0), { status: 'queued', reason: 'awaiting-ack' });
    assert.equal(await port.waitFor(/\r\n$/), `\r\n+CMT: ,${tpduLen(DELIVER_PDU)}\r\n${DELIVER_PDU}\r\n`);
    // The queued +CMT follows the OK of the acknowledgement at once.
    assert.match(await port.command('AT+CNMA'), /^\r\nOK\r\n/);
    assert.equal((await ack).ack, true);
    await port.waitFor(DELIVER_CLASS0);
    assert.equal(await port.command('AT+CNMA'), '\r\nOK\r\n');
    assert.equal(await port.command('AT+CNMA'), '\r\n+CMS ERROR: 340\r\n');
    port.reset();
    await sim.deliverStatusReport(STATUS_REPORT_PDU);
    assert.equal(await port.waitFor(/\r\n$/), `\r\n+CDS: ${tpduLen(STATUS_REPORT_PDU)}\r\n${STATUS_REPORT_PDU}\r\n`);
    assert.equal(await port.command('AT+CNMA'), '\r\nOK\r\n');
    const stored = await sim.deliverSms({ pdu: DELIVER_PDU, class: 2 });
    assert.equal(stored.status, 'stored');
    assert.match(await port.command('AT+CMGD=0,4'), /\r\nOK\r\n$/);
  });

  test('no +CNMA in time: routing drops to mt=0, the network redelivers into storage', async () => {
    assert.match(await port.command('AT+CNMI=2,2,0,0,0'), /OK/);
    const timedOut = sim.nextEvent('ackTimeout', 3000);
    const stored = sim.nextEvent<{ index: number }>('stored', 4000);
    port.reset();
    await sim.deliverSms(DELIVER_PDU);
    await port.waitFor('+CMT:');
    await timedOut;
    assert.match(await port.command('AT+CNMI?'), /\+CNMI: 2,0,0,0,0/);
    assert.equal((await stored).index, 1);
    assert.match(await port.command('AT+CMGL=4'), /\+CMGL: 1,0,,/);
    assert.equal(await port.command('AT+CMGD=1'), '\r\nOK\r\n');
    await port.command('AT+CSMS=0');
  });

  test('full storage: the network keeps the message until +CMGD frees a slot', async () => {
    assert.match(await port.command('AT+CNMI=2,1,0,0,0'), /OK/);
    await sim.storageFull({ fillWith: DELIVER_PDU });
    assert.match(await port.command('AT+CPMS?'), /"SM",30,30/);
    const queued = await sim.deliverSms(DELIVER_CLASS0);
    assert.deepEqual(queued, { status: 'queued', reason: 'memory-full' });
    assert.equal((await sim.storage()).network.length, 1);
    port.reset();
    // Freeing the slot lets the network deliver at once: the +CMTI follows the OK.
    assert.match(await port.command('AT+CMGD=7'), /^\r\nOK\r\n/);
    await port.waitFor('+CMTI: "SM",7');
    const snap = await sim.storage();
    assert.equal(snap.network.length, 0);
    assert.equal(snap.SM.find((e) => e.index === 7)?.pdu, DELIVER_CLASS0);
    assert.equal(await port.command('AT+CMGD=1,4'), '\r\nOK\r\n');
  });

  test('full storage with many held: each freed slot takes the next one in order, and memory full is said once', async () => {
    assert.match(await port.command('AT+CNMI=2,1,0,0,0'), /OK/);
    await sim.storageFull({ fillWith: DELIVER_PDU });
    let fullEvents = 0;
    const onFull = (): void => void fullEvents++;
    sim.on('memoryFull', onFull);
    try {
      // Five messages with different TP-PIDs (0x00..0x04) to tell them apart, held by the network.
      const held = [0, 1, 2, 3, 4].map((i) => DELIVER_PDU.replace('89F60000', `89F60${i}00`));
      for (const pdu of held) assert.deepEqual(await sim.deliverSms(pdu), { status: 'queued', reason: 'memory-full' });
      await sim.status(); // the events of those deliveries are in before this answer
      assert.equal(fullEvents, 5);
      for (const [slot, expected] of [[3, held[0]], [9, held[1]]] as const) {
        port.reset();
        assert.match(await port.command(`AT+CMGD=${slot}`), /^\r\nOK\r\n/);
        await port.waitFor(`+CMTI: "SM",${slot}`);
        const snap = await sim.storage();
        assert.equal(snap.SM.find((e) => e.index === slot)?.pdu, expected, 'the oldest held message takes the slot');
      }
      const snap = await sim.storage();
      assert.deepEqual(snap.network.map((n) => n.pdu), held.slice(2), 'the rest still held, in order');
      assert.equal(fullEvents, 5, 'no new memory-full indication per held message when a slot frees');
    } finally {
      sim.off('memoryFull', onFull);
    }
    assert.equal(await port.command('AT+CMGD=1,4'), '\r\nOK\r\n');
    for (let i = 0; i < 3; i++) await port.command('AT+CMGD=1,4');
  });

  test('SIM PIN: SMS commands refused until the PIN is entered; wrong PIN counts down', async () => {
    await sim.setSim('pin');
    assert.equal(await port.command('AT+CPIN?'), '\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n');
    assert.equal(await port.command('AT+CMGL=4'), '\r\n+CMS ERROR: 311\r\n');
    assert.equal(await port.command('AT+CMEE=1'), '\r\nOK\r\n');
    assert.equal(await port.command('AT+CPIN="0000"'), '\r\n+CME ERROR: 16\r\n');
    assert.equal(await port.command('AT+CPIN="1234"'), '\r\nOK\r\n');
    assert.equal(await port.command('AT+CPIN?'), '\r\n+CPIN: READY\r\n\r\nOK\r\n');
    await sim.setSim('absent');
    assert.equal(await port.command('AT+CIMI'), '\r\n+CME ERROR: 10\r\n');
    await sim.setSim('ready');
  });
});
