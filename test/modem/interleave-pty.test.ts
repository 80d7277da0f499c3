/**
 * The gateway's AT layer against URCs inside replies (src/sim/modem/interleave.ts), with the
 * simulator as its own process on a real pty: a Huawei stick's ^RSSI/^BOOT in every reply of
 * the start-up sequence does not become its identity; a +CMTI inside the +CMGL listing (for a
 * message the listing does not show) is read and handed over; a +CMTI before the `> ` prompt
 * (and, with <mode> 3, while the PDU is written), and a +CMT with its PDU line before the prompt
 * of a ZTE stick that routes directly (its +CDS waits for the +CNMA, 27.005 §3.4.4), are
 * dispatched while the SMS still goes out exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModemSim, type ModemSimClient } from '../../src/sim/modem/client.js';
import { Modem } from '../../src/modem/index.js';
import { DELIVER_1, DELIVER_2, STATUS_REPORT, recorder, until } from './helpers.js';

/** Empty SMSC field, then SMS-SUBMIT "How are you?" to +31641600986 (3GPP 23.040 §9.2.2.2). */
const SUBMIT = '0011000B911346610089F60000AA0CC8F71D14969741F977FD07';
const SUBMIT_LEN = SUBMIT.length / 2 - 1;
const ALL = ['before-text', 'between-lines', 'before-final', 'at-prompt'] as const;

async function withModem(profile: string, setup: (sim: ModemSimClient) => Promise<void>, fn: (sim: ModemSimClient, modem: Modem) => Promise<void>, storage: string[] = []): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-il-'));
  let sim: ModemSimClient | undefined;
  let modem: Modem | undefined;
  try {
    sim = await startModemSim({ profile, baudRate: 0, link: join(dir, 'modem'), storage: storage.map((pdu) => ({ mem: 'ME' as const, pdu })) });
    await sim.configure({ submitMs: 5 });
    await setup(sim);
    modem = await Modem.open({ port: join(dir, 'modem'), statusIntervalMs: 0, smsRetryMs: 200 });
    await fn(sim, modem);
  } finally {
    await modem?.close();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('huawei: ^RSSI/^BOOT inside every start-up reply; identity, profile and storage come out right', { timeout: 60_000 }, async () => {
  const seen: string[] = [];
  await withModem('huawei', async (sim) => {
    await sim.configure({ interleave: { seed: 9, rate: 1 } });
    sim.on('command', (c: { text: string }) => seen.push(c.text));
  }, async (_sim, modem) => {
    const s = modem.status();
    assert.equal(s.profile, 'huawei');
    assert.equal(s.identity?.manufacturer, 'huawei');
    assert.equal(s.identity?.model, 'E3372');
    assert.equal(s.identity?.revision, '22.328.62.00.00');
    assert.equal(s.identity?.imei, '867223021234567');
    assert.doesNotMatch(s.identity?.ati ?? '', /\^RSSI|\^BOOT/);
    assert.equal(s.state, 'ready');
  });
  assert.ok(seen.includes('^CURC=0'), 'the gateway silenced the status lines');
});

test('generic: a +CMTI inside the +CMGL listing is read and handed over; +CMTI around "> " does not disturb the send', { timeout: 60_000 }, async () => {
  await withModem('generic', async (sim) => {
    // Between the two listed entries (never between a +CMGL header and its PDU line).
    await sim.configure({ interleave: { seed: 5, indications: true, at: ['between-lines'] } });
    // Stored while the drain's AT+CMGL=4 answers: not in the listing, announced inside it.
    await sim.deliverSms({ pdu: DELIVER_1, during: '+CMGL' });
  }, async (sim, modem) => {
    const inbox = recorder();
    modem.onSms(inbox.handler);
    await until(() => inbox.got.length === 3, 15_000, 'the two listed messages and the one announced inside the listing');
    assert.deepEqual(inbox.got.map((m) => m.pdu).sort(), [DELIVER_1, DELIVER_2, DELIVER_2].sort());
    assert.equal(new Set(inbox.got.map((m) => `${m.storage}:${m.index}`)).size, 3, 'three slots, each handed over once');
    assert.ok(inbox.got.some((m) => m.index === 3 && m.pdu === DELIVER_1), 'read by the index its +CMTI named (ME 3, after the listed 1 and 2)');
    await until(async () => { const st = await sim.storage(); return st.SM.length + st.ME.length === 0; }, 10_000, 'all deleted');

    await sim.configure({ interleave: { at: [...ALL] } });
    await sim.deliverSms({ pdu: DELIVER_1, during: '+CMGS' });
    const { messageReference } = await modem.sendSmsPdu(SUBMIT, SUBMIT_LEN);
    assert.equal(typeof messageReference, 'number');
    await until(() => inbox.got.length === 4, 15_000, 'the message announced before the prompt');
    const sent = await sim.sent();
    assert.equal(sent.length, 1, 'sent exactly once');
    assert.equal(sent[0]?.pdu, SUBMIT);
    await until(async () => { const st = await sim.storage(); return st.SM.length + st.ME.length === 0; }, 10_000, 'storage empty');
  }, [DELIVER_2, DELIVER_2]);
});

test('zte (direct routing, +CNMA): a +CMT with its PDU line before the "> " prompt, and the +CDS that waits for its +CNMA, are handed over and acknowledged; the send goes out once', { timeout: 60_000 }, async () => {
  const acks: unknown[] = [];
  await withModem('zte', async (sim) => {
    await sim.configure({ interleave: { seed: 11, indications: true, at: [...ALL] } });
    sim.on('ack', (a: unknown) => acks.push(a));
  }, async (sim, modem) => {
    const inbox = recorder();
    modem.onSms(inbox.handler);
    const settings = (await sim.status())['settings'] as { cnmi: number[]; csms: number };
    assert.deepEqual([settings.csms, settings.cnmi[1], settings.cnmi[3]], [1, 2, 1], 'direct routing: +CSMS=1, <mt> 2, <ds> 1');
    await sim.deliverSms({ pdu: DELIVER_1, during: '+CMGS' });
    await sim.deliverStatusReport(STATUS_REPORT, { during: '+CMGS' });
    await modem.sendSmsPdu(SUBMIT, SUBMIT_LEN);
    await until(() => inbox.got.length === 2, 15_000, 'the +CMT and the +CDS');
    assert.deepEqual(inbox.got.map((m) => m.kind).sort(), ['deliver', 'status-report']);
    assert.equal(inbox.got.find((m) => m.kind === 'deliver')?.pdu, DELIVER_1);
    assert.equal(inbox.got.find((m) => m.kind === 'status-report')?.pdu, STATUS_REPORT);
    await until(() => acks.length === 2, 15_000, 'both acknowledged with +CNMA');
    assert.equal((await sim.sent()).length, 1, 'sent exactly once');
  });
});
