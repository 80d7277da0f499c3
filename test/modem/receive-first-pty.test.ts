/**
 * A message waiting in the modem is read before the next queued SMS is sent (AtCommand.receive):
 * with several sends queued, each waiting for the SMSC's answer to +CMGS, an SMS that arrives
 * meanwhile is read, handed over and deleted after the send in flight, not after all of them.
 * The simulator is its own process on a real pty; its SMSC takes 400 ms per +CMGS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModemSim, type ModemSimClient } from '../../src/sim/modem/client.js';
import { Modem } from '../../src/modem/index.js';
import { DELIVER_1, recorder, until } from './helpers.js';

/** DELIVER_1 as a class 2 (SIM-specific) message: TP-DCS 0x12 (3GPP 23.038 §4), stored in SM. */
const DELIVER_CLASS_2 = DELIVER_1.replace('0B911346610089F60000', '0B911346610089F60012');

/** Empty SMSC field, then SMS-SUBMIT "How are you?" to +31641600986 (3GPP 23.040 §9.2.2.2). */
const SUBMIT = '0011000B911346610089F60000AA0CC8F71D14969741F977FD07';
const SUBMIT_LEN = SUBMIT.length / 2 - 1;
const SENDS = 6;
const SMSC_MS = 400;

interface Rig {
  readonly sim: ModemSimClient;
  readonly modem: Modem;
  readonly inbox: ReturnType<typeof recorder>;
  /** Sends answered so far. */
  sendsDone(): number;
  /** Command lines the simulator has taken, without their "AT", from the start. */
  readonly commands: readonly string[];
  /** Queues `n` sends and waits until the first AT+CMGS is written (the rest queued behind it). */
  queueSends(n: number): Promise<Promise<unknown>[]>;
  /** Waits until ME and SM are empty; the sends answered by then. */
  sendsWhenDeleted(timeoutMs: number, what: string): Promise<number>;
}

/**
 * The simulator in its own process on a real pty, its SMSC taking SMSC_MS per +CMGS, and a
 * modem whose start-up drain is over (a first message read and deleted).
 */
async function withRig(onHandOver: (sendsDone: number) => void, body: (rig: Rig) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-recv-first-'));
  let sim: ModemSimClient | undefined;
  let modem: Modem | undefined;
  try {
    sim = await startModemSim({ profile: 'generic', baudRate: 0, link: join(dir, 'modem') });
    await sim.configure({ submitMs: SMSC_MS });
    modem = await Modem.open({ port: join(dir, 'modem'), statusIntervalMs: 0, smsRetryMs: 200 });
    const inbox = recorder();
    let sendsDone = 0;
    const opened = modem;
    const sendOne = (): Promise<unknown> => opened.sendSmsPdu(SUBMIT, SUBMIT_LEN).then(() => sendsDone++);
    modem.onSms(async (s) => {
      onHandOver(sendsDone);
      await inbox.handler(s);
    });
    let cmgsSeen = 0;
    const commands: string[] = [];
    sim.on('command', (c: { text: string }) => {
      commands.push(c.text);
      if (c.text.startsWith('+CMGS')) cmgsSeen++;
    });
    const s = sim;
    const m = modem;
    await s.deliverSms({ pdu: DELIVER_1 });
    await until(() => inbox.got.length === 1, 15_000, 'the first SMS handed over');
    await until(async () => (await s.storage()).ME.length === 0, 15_000, 'the first SMS deleted');
    await body({
      sim: s,
      modem: m,
      inbox,
      sendsDone: () => sendsDone,
      commands,
      queueSends: async (n) => {
        const sends = Array.from({ length: n }, sendOne);
        await until(() => cmgsSeen === 1, 10_000, 'the first AT+CMGS written');
        return sends;
      },
      sendsWhenDeleted: async (timeoutMs, what) => {
        let at = -1;
        await until(async () => {
          const st = await s.storage();
          if (st.ME.length + st.SM.length > 0) return false;
          at = sendsDone;
          return true;
        }, timeoutMs, what);
        return at;
      },
    });
  } finally {
    await modem?.close();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an SMS that arrives while sends are queued is read and deleted before the queued sends', { timeout: 90_000 }, async () => {
  let sendsDoneAtHandOver: number | undefined;
  let started = false;
  await withRig(
    (done) => {
      if (started) sendsDoneAtHandOver ??= done;
    },
    async (rig) => {
      started = true;
      const sends = await rig.queueSends(SENDS);
      assert.equal(rig.sendsDone(), 0);
      await rig.sim.deliverSms({ pdu: DELIVER_1 });
      // On a loaded machine the simulator may take a send or two to store it: count from there.
      const stored = rig.sendsDone();
      await until(() => rig.inbox.got.length === 2, 30_000, 'the SMS handed over');
      const sendsDoneAtDelete = await rig.sendsWhenDeleted(30_000, 'the SMS deleted');
      await Promise.all(sends);
      assert.equal((await rig.sim.sent()).length, SENDS, 'every SMS sent exactly once');
      assert.equal(rig.inbox.got[1]?.pdu, DELIVER_1);
      // Before: +CMGR waited behind every queued +CMGS (handed over after all six, ~2.4 s later).
      // Now: read right after the send in flight, +CMGD after the next one.
      assert.ok(sendsDoneAtHandOver !== undefined && sendsDoneAtHandOver <= stored + 2, `handed over after ${sendsDoneAtHandOver} of ${SENDS} sends (stored after ${stored})`);
      assert.ok(sendsDoneAtDelete <= stored + 3, `deleted after ${sendsDoneAtDelete} of ${SENDS} sends (stored after ${stored})`);
    },
  );
});

/**
 * A burst read in sweeps: messages stored while sends are queued are read by one listing
 * (+CMGL=4, ahead of the queued sends), handed over in the order they were announced, and
 * deleted back to back in the next turn of the line — not a turn to read and one to delete
 * for each message, each waiting for the SMSC's answer to the +CMGS in flight.
 */
test('eight SMS stored during queued sends are listed in one turn and deleted in the next', { timeout: 120_000 }, async () => {
  const BURST = 8;
  await withRig(
    () => undefined,
    async (rig) => {
      const sends = await rig.queueSends(3 * BURST);
      // Eight distinct messages (the service centre time stamp's seconds differ), stored while the first +CMGS waits.
      const pdus = Array.from({ length: BURST }, (_, i) => DELIVER_1.replace('20806291731480', `208062917314${String(i + 10)}`.slice(0, 14)));
      for (const pdu of pdus) await rig.sim.deliverSms({ pdu });
      // On a loaded machine storing eight may take the simulator a few sends: count from there.
      const stored = rig.sendsDone();
      await until(() => rig.inbox.got.length === 1 + BURST, 60_000, 'the burst handed over');
      const sendsAtHandOver = rig.sendsDone();
      const sendsAtDelete = await rig.sendsWhenDeleted(60_000, 'the burst deleted');
      await Promise.all(sends);
      assert.deepEqual(rig.inbox.got.slice(1).map((g) => g.pdu), pdus, 'handed over in the order stored');
      // One at a time, each message took a turn to read and one to delete: 16 sends went by.
      assert.ok(sendsAtHandOver <= stored + 2, `the burst handed over after ${sendsAtHandOver} sends (stored after ${stored})`);
      assert.ok(sendsAtDelete <= stored + 3, `the burst deleted after ${sendsAtDelete} sends (stored after ${stored})`);
    },
  );
});

/**
 * Each step of a sweep is queued when the step before it has returned: for each storage marked,
 * +CPMS, then +CMGL, then the deletes. Two messages stored while a send waits for the SMSC, one
 * in each storage (a class 2 SMS goes to the SIM, 27.005 §3.4.1), make a sweep of two storages
 * whose steps must go back to back: given the turn at once when a step ended, a waiting send
 * went between every two steps, and the second storage was read four sends later (seen in CI as
 * a start-up sweep split by sends queued during it).
 */
test('a sweep of two storages goes back to back while sends are queued: no +CMGS between its steps', { timeout: 90_000 }, async () => {
  let sendsDoneAtLastHandOver = -1;
  let started = false;
  await withRig(
    (done) => {
      if (started) sendsDoneAtLastHandOver = done;
    },
    async (rig) => {
      started = true;
      const sends = await rig.queueSends(SENDS);
      const from = rig.commands.length;
      await rig.sim.deliverSms({ pdu: DELIVER_1 });
      await rig.sim.deliverSms({ pdu: DELIVER_CLASS_2 });
      const stored = rig.sendsDone();
      const st = await rig.sim.storage();
      assert.ok(st.SM.length === 1 && st.ME.length === 1, `one message in each storage: ${JSON.stringify(st)}`);
      await until(() => rig.inbox.got.length === 3, 30_000, 'both handed over');
      await rig.sendsWhenDeleted(30_000, 'both deleted');
      await Promise.all(sends);
      const sweep = rig.commands.slice(from);
      const first = sweep.findIndex((c) => !c.startsWith('+CMGS'));
      const last = Math.max(...['+CMGL=4', '+CMGD'].map((p) => sweep.findLastIndex((c) => c.startsWith(p))));
      const between = sweep.slice(first, last + 1).filter((c) => c.startsWith('+CMGS')).length;
      assert.ok(sweep.slice(first, last + 1).some((c) => c.startsWith('+CPMS=')), `the sweep selects the other storage: ${sweep.join(' ')}`);
      assert.equal(between, 0, `sends between the sweep's steps: ${sweep.join(' ')}`);
      assert.ok(sendsDoneAtLastHandOver <= stored + 2, `the second storage handed over after ${sendsDoneAtLastHandOver} of ${SENDS} sends (stored after ${stored})`);
    },
  );
});
