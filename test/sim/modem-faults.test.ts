import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModemSim, type ModemSimClient, type SentSms } from '../../src/sim/modem/client.js';
import { AtPort, SUBMIT_PDU, tpduLen } from './at-port.js';

describe('modem simulator faults', () => {
  let sim: ModemSimClient;
  let port: AtPort;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mmsgw-sim-faults-'));
    sim = await startModemSim({ profile: 'generic', baudRate: 0, link: join(dir, 'ttyUSB2') });
    port = await AtPort.open(sim.path);
    await sim.configure({ submitMs: 5 });
    await port.command('ATE0');
  });

  after(async () => {
    await port.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('control protocol: unknown methods and bad parameters are typed errors', async () => {
    await assert.rejects(sim.call('nope'), { code: 'SIM_UNKNOWN_METHOD' });
    await assert.rejects(sim.call('deliverSms', { pdu: '0G' }), { code: 'SIM_BAD_PARAMS', message: /pdu/ });
    await assert.rejects(sim.call('hang', {}), { code: 'SIM_BAD_PARAMS', message: /ms: required/ });
    await assert.rejects(sim.call('failNext', { prefix: '+CMGS', error: 42 }), { code: 'SIM_BAD_PARAMS' });
    assert.equal((await sim.status())['profile'], 'generic');
  });

  test('garbage: the given bytes appear on the line, then the modem answers normally', async () => {
    port.reset();
    await sim.garbage(Buffer.from([0x00, 0xff, 0x7e, 0x0d]));
    await port.waitFor('\r');
    assert.deepEqual(Buffer.from(port.received, 'latin1'), Buffer.from([0x00, 0xff, 0x7e, 0x0d]));
    await sim.garbage(64);
    assert.match(await port.command('AT'), /\r\nOK\r\n$/);
  });

  test('splitNext: one reply arrives over several reads with the same bytes', async () => {
    await sim.splitNext();
    const reply = await port.command('AT+CGMI;+CGMM;+CGMR');
    assert.equal(reply, '\r\nGeneric\r\n\r\nGSM Modem\r\n\r\n1.0.0\r\n\r\nOK\r\n');
    assert.ok(port.chunks.length >= 2, `expected several reads, got ${port.chunks.length}`);
    await port.command('AT');
    assert.equal(port.chunks.length, 1, 'only the next reply is split');
  });

  test('mergeNext: URC and reply in a single write, before or after', async () => {
    await sim.mergeNext('+CMTI: "SM",3', 'before');
    assert.equal(await port.command('AT'), '\r\n+CMTI: "SM",3\r\n\r\nOK\r\n');
    assert.equal(port.chunks.length, 1);
    await sim.mergeNext('+CREG: 1', 'after');
    port.reset();
    await port.write('AT\r');
    assert.equal(await port.waitFor('+CREG: 1\r\n'), '\r\nOK\r\n\r\n+CREG: 1\r\n');
    assert.equal(port.chunks.length, 1);
  });

  test('urcInsideNextResponse: the URC sits between information text and final result', async () => {
    await sim.urcInsideNextResponse('+CMTI: "SM",5');
    assert.equal(await port.command('AT+CSQ'), '\r\n+CSQ: 20,99\r\n\r\n+CMTI: "SM",5\r\n\r\nOK\r\n');
  });

  test('hang: no answer while hung, answers again afterwards', async () => {
    await sim.hang(800);
    const hungAt = Date.now();
    port.reset();
    await port.write('AT\r');
    assert.equal(await port.quiet(150), '');
    await new Promise((r) => setTimeout(r, Math.max(0, 850 - (Date.now() - hungAt))));
    assert.match(await port.command('AT'), /OK/);
    await sim.hang('forever');
    port.reset();
    await port.write('AT\r');
    assert.equal(await port.quiet(150), '');
    await sim.resume();
    assert.match(await port.command('AT'), /OK/);
  });

  test('failNext: literal or +CMEE-formatted errors, once, for the matching command only', async () => {
    await sim.failNext('+CPMS', '+CMS ERROR: 500');
    assert.equal(await port.command('AT+CSQ'), '\r\n+CSQ: 20,99\r\n\r\nOK\r\n');
    assert.equal(await port.command('AT+CPMS?'), '\r\n+CMS ERROR: 500\r\n');
    assert.match(await port.command('AT+CPMS?'), /\+CPMS: /);
    await port.command('AT+CMEE=2');
    await sim.failNext('AT+CIMI', { cme: 10 });
    assert.equal(await port.command('AT+CIMI'), '\r\n+CME ERROR: SIM not inserted\r\n');
    await port.command('AT+CMEE=1');
    await sim.failNext('+CIMI', '+CME ERROR: 14');
    assert.equal(await port.command('AT+CIMI'), '\r\n+CME ERROR: 14\r\n');
  });

  test('failNext at the input stage: prompt, PDU read, error, nothing sent', async () => {
    const before = (await sim.sent()).length;
    await sim.failNext('+CMGS', { cms: 500 }, { stage: 'input' });
    port.reset();
    await port.write(`AT+CMGS=${tpduLen(SUBMIT_PDU)}\r`);
    await port.waitFor('> ');
    await port.write(`${SUBMIT_PDU}\x1a`);
    assert.match(await port.waitFor(/ERROR: \d+\r\n$/), /\+CMS ERROR: 500\r\n$/);
    assert.equal((await sim.sent()).length, before);
    const sent = sim.nextEvent<SentSms>('sent');
    port.reset();
    await port.write(`AT+CMGS=${tpduLen(SUBMIT_PDU)}\r`);
    await port.waitFor('> ');
    await port.write(`${SUBMIT_PDU}\x1a`);
    assert.match(await port.waitFor(/OK\r\n$/), /\+CMGS: \d+/);
    assert.equal((await sent).pdu, SUBMIT_PDU);
  });

  test('reboot: silent while booting, then RDY, settings back to defaults (echo on)', async () => {
    await sim.reboot({ delayMs: 1000 });
    port.reset();
    await port.write('AT\r');
    assert.equal(await port.quiet(150), '');
    await port.waitFor('\r\nRDY\r\n', 3000);
    assert.equal(await port.command('AT'), 'AT\r\r\nOK\r\n');
    await port.command('ATE0');
  });

  test('AT+CFUN=1,1 answers OK and reboots', async () => {
    const reboot = sim.nextEvent('reboot');
    assert.equal(await port.command('AT+CFUN=1,1'), '\r\nOK\r\n');
    await reboot;
    await port.waitFor('RDY', 3000);
    await port.command('ATE0');
  });

  test('unplug: the device vanishes, the link comes back on a new pty that answers AT', async () => {
    const link = sim.path;
    const oldTarget = readlinkSync(link);
    // The pty is hung up as a pulled USB tty is: serialport may close with a disconnect, or
    // (when its read loop sees EOF first) stay quiet — but a write fails either way.
    let closedByDriver = false;
    port.port.once('close', () => (closedByDriver = true));
    const plugged = sim.nextEvent<{ path: string }>('plugged', 5000);
    await sim.unplug(300);
    await new Promise((r) => setTimeout(r, 50));
    if (!closedByDriver) await assert.rejects(port.write('AT\r'), 'writing to the vanished device fails');
    assert.equal(existsSync(link), false, 'the link goes with the device');
    const { path: newPty } = await plugged;
    assert.equal(readlinkSync(link), newPty);
    assert.equal(sim.path, link);
    assert.ok(newPty !== oldTarget || existsSync(newPty));
    await port.close();
    port = await AtPort.open(link);
    await port.waitFor('RDY', 3000);
    assert.match(await port.command('AT'), /OK\r\n$/);
  });
});
