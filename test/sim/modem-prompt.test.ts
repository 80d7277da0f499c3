/**
 * The simulator at the SMS prompt behaves as a real TA does (3GPP 27.005 §3.5.1): after
 * `AT+CMGS=<n>` and "> ", everything up to Ctrl-Z is PDU text — an `AT`, even `AT+CFUN=1,1`,
 * is neither answered nor acted on — and ESC cancels the send.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ModemSim } from '../../src/sim/modem/sim.js';
import { PROFILES } from '../../src/sim/modem/profiles/index.js';
import { SUBMIT_PDU, tpduLen } from './at-port.js';

let sim: ModemSim | undefined;
let out = '';
afterEach(() => sim?.stop());

async function settle(ms = 60): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

async function atPrompt(profile: string): Promise<ModemSim> {
  const p = PROFILES[profile];
  assert.ok(p);
  sim = new ModemSim({ profile: p, baudRate: 0 });
  sim.interleaver.configure({ rate: 0 }); // exact replies; URCs inside replies: modem-interleave.test.ts
  sim.attach((b) => {
    out += b.toString('latin1');
  });
  sim.boot(0, false);
  await settle(5);
  sim.input(Buffer.from('ATE0\r'));
  await settle();
  out = '';
  sim.input(Buffer.from(`AT+CMGS=${tpduLen(SUBMIT_PDU)}\r`));
  await settle();
  assert.equal(out, '\r\n> ');
  out = '';
  return sim;
}

for (const profile of Object.keys(PROFILES)) {
  test(`${profile}: at the prompt, AT and AT+CFUN=1,1 are PDU text; ESC cancels`, async () => {
    const m = await atPrompt(profile);
    let reboots = 0;
    m.on('event', (e: string) => {
      if (e === 'reboot') reboots++;
    });
    m.input(Buffer.from('AT\r'));
    m.input(Buffer.from('AT+CFUN=1,1\r'));
    await settle(150);
    assert.equal(out, '', 'no answer while at the prompt');
    assert.equal(reboots, 0, 'the reset was not acted on');
    m.input(Buffer.from([0x1b]));
    await settle();
    assert.equal(out, '\r\nOK\r\n', 'ESC cancels the send');
    out = '';
    m.input(Buffer.from('AT\r'));
    await settle();
    assert.equal(out, '\r\nOK\r\n');
    assert.equal(m.state.sent.length, 0);
  });
}

test('text typed at the prompt and closed with Ctrl-Z is taken as a (bad) PDU: +CMS ERROR: 304', async () => {
  const m = await atPrompt('generic');
  m.input(Buffer.from('AT\rAT\r\x1a'));
  await settle();
  assert.equal(out, '\r\n+CMS ERROR: 304\r\n');
  assert.equal(m.state.sent.length, 0);
});
