import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModemSim, type ModemSimClient } from '../../src/sim/modem/client.js';
import { Modem, type ModemStatus } from '../../src/modem/index.js';
import { AtError } from '../../src/at/errors.js';
import { DELIVER_1, DELIVER_2, STATUS_REPORT, recorder, sleep, until } from './helpers.js';

// One simulated generic modem (SIM with PIN, one message already stored) for the whole file;
// the scenarios run in order against the same gateway modem, as they would in the field.
// (Silence → recovery is in recovery-pty.test.ts, with short timeouts against an in-process peer.)
describe('modem over the simulator (generic profile, real pty)', () => {
  let dir: string;
  let sim: ModemSimClient;
  let modem: Modem;
  const inbox = recorder();
  const statuses: ModemStatus[] = [];
  let readies = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mmsgw-modem-'));
    sim = await startModemSim({ profile: 'generic', baudRate: 0, pin: '1234', link: join(dir, 'modem'), storage: [{ mem: 'ME', pdu: DELIVER_2 }] });
    modem = await Modem.open({
      port: join(dir, 'modem'),
      pin: '1234',
      statusIntervalMs: 0,
      reopenPollMs: 50,
      smsRetryMs: 100,
    });
    modem.on('status', (s: ModemStatus) => statuses.push(s));
    modem.on('ready', () => readies++);
  });

  after(async () => {
    await modem?.close();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('init enters the PIN, identifies, and reports registration, operator and signal', () => {
    const s = modem.status();
    assert.equal(s.state, 'ready');
    assert.equal(s.sim, 'ready');
    assert.equal(s.profile, 'generic');
    assert.match(s.identity?.imei ?? '', /^\d{15}$/);
    assert.equal(s.registration.state, 'home');
    assert.ok(s.operator?.numeric);
    assert.equal(typeof s.signal?.rssiDbm, 'number');
  });

  test('onSms drains what was stored before start, deleting only after the handler resolved', async () => {
    modem.onSms(inbox.handler);
    await until(() => inbox.got.length === 1, 15000, 'drained message');
    assert.equal(inbox.got[0]?.pdu, DELIVER_2);
    assert.equal(inbox.got[0]?.kind, 'deliver');
    await until(async () => (await sim.storage()).ME.length === 0, 15000, 'stored message deleted');
  });

  test('+CMTI → +CMGR → handler → +CMGD', async () => {
    await sim.deliverSms(DELIVER_1);
    await until(() => inbox.got.length === 2, 15000, 'delivered message');
    assert.equal(inbox.got[1]?.pdu, DELIVER_1);
    assert.equal(typeof inbox.got[1]?.index, 'number');
    await until(async () => (await sim.storage()).ME.length === 0, 15000, 'delete after handler');
  });

  test('a failing handler leaves the message stored; the retry hands it over', async () => {
    inbox.failing = true;
    await sim.deliverSms(DELIVER_1);
    await sleep(400);
    assert.equal((await sim.storage()).ME.length, 1, 'message must stay in storage while the handler fails');
    inbox.failing = false;
    await until(() => inbox.got.length === 3, 15000, 'retried message');
    await until(async () => (await sim.storage()).ME.length === 0, 15000, 'delete after retry');
  });

  test('status reports reach the handler as status-report', async () => {
    const outcome = await sim.deliverStatusReport(STATUS_REPORT);
    assert.notEqual(outcome.status, 'queued', JSON.stringify(outcome));
    await until(() => inbox.got.some((g) => g.kind === 'status-report'), 15000, 'status report');
  });

  test('sendSmsPdu: +CMGS flow, message reference; +CMS ERROR keeps its 27.005 number', async () => {
    const pdu = '0011000B916407281553F80000AA0AE8329BFD4697D9EC37';
    const { messageReference } = await modem.sendSmsPdu(pdu, 23);
    assert.ok(Number.isInteger(messageReference));
    const sent = await sim.sent();
    assert.equal(sent.at(-1)?.pdu.toUpperCase(), pdu);
    await sim.failNext('+CMGS', { cms: 38 }, { stage: 'input' });
    await assert.rejects(modem.sendSmsPdu(pdu, 23), (e: unknown) => e instanceof AtError && e.code === 'AT_CMS_ERROR' && e.specCode === 38 && /network out of order/.test(e.message));
    await sim.failNext('+CMGS', '+CMS ERROR: SMSC address unknown');
    await assert.rejects(modem.sendSmsPdu(pdu, 23), (e: unknown) => e instanceof AtError && e.specCode === 330);
  });

  test('registration URCs update the status and emit it', async () => {
    await sim.setRegistration({ stat: 5 });
    await until(() => modem.status().registration.state === 'roaming', 15000, 'roaming');
    assert.ok(statuses.some((s) => s.registration.state === 'roaming'));
    await sim.setRegistration({ stat: 1 });
    await until(() => modem.status().registration.state === 'home', 15000, 'home again');
  });

  test('garbage, split and merged lines, a URC inside a response: the answer is still right', async () => {
    await sim.garbage(64);
    await sim.splitNext(3);
    await sim.mergeNext('+CMTI: "ME",99', 'after');
    await sim.urcInsideNextResponse('RING');
    const s = await modem.refreshStatus();
    assert.equal(s.registration.state, 'home');
    assert.equal(typeof s.signal?.rssiDbm, 'number');
  });

  test('reboot (RDY): the modem is initialised again', async () => {
    const before = readies;
    await sim.reboot({ delayMs: 50 });
    await until(() => readies > before && modem.status().state === 'ready', 15000, 're-init after RDY');
  });

  test('unplug: commands fail AT_PORT_CLOSED meanwhile; the port is reopened when it reappears', async () => {
    const before = readies;
    await sim.unplug(2500);
    await until(() => !modem.channel.isOpen, 10000, 'port closed');
    await assert.rejects(modem.refreshStatus(), (e: unknown) => e instanceof AtError && e.code === 'AT_PORT_CLOSED');
    await until(() => readies > before && modem.status().state === 'ready', 15000, 'reopened');
    const n = inbox.got.length;
    await sim.deliverSms(DELIVER_1);
    await until(() => inbox.got.length === n + 1, 15000, 'SMS after replug');
  });
});
