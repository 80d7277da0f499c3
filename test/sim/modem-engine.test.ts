/**
 * The simulator's interpreter in-process (no pty): command-line parsing and the corners of
 * V.250/27.005 that the pty tests do not reach.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine, splitParams } from '../../src/sim/modem/parser.js';
import { ModemSim } from '../../src/sim/modem/sim.js';
import { PROFILES } from '../../src/sim/modem/profiles/index.js';
import { SmsStorage } from '../../src/sim/modem/storage.js';
import { deliverClass, tpduLength } from '../../src/sim/modem/pdu.js';
import { DELIVER_CLASS0, DELIVER_PDU, SUBMIT_PDU, tpduLen } from './at-port.js';

describe('V.250 command-line parsing', () => {
  test('basic and extended commands, kinds, quoted semicolons', () => {
    const cmds = parseCommandLine('E0V1+CMGF=0;+CPMS?;+CNMI=?;^CURC=0;+CSCA="+1;2",145;S0=2;&F;I');
    assert.ok(cmds);
    assert.deepEqual(
      cmds.map((c) => [c.name, c.kind, c.args]),
      [
        ['E', 'exec', '0'],
        ['V', 'exec', '1'],
        ['+CMGF', 'set', '0'],
        ['+CPMS', 'read', ''],
        ['+CNMI', 'test', ''],
        ['^CURC', 'set', '0'],
        ['+CSCA', 'set', '"+1;2",145'],
        ['S0', 'set', '2'],
        ['&F', 'exec', ''],
        ['I', 'exec', ''],
      ],
    );
    assert.deepEqual(cmds[6]?.params.map((p) => [p.value, p.quoted]), [['+1;2', true], ['145', false]]);
  });

  test('unbalanced quotes and stray characters are unparseable', () => {
    assert.equal(parseCommandLine('+CSCA="+123'), undefined);
    assert.equal(parseCommandLine('+CMGF=0;!'), undefined);
    assert.equal(parseCommandLine('+'), undefined);
    assert.deepEqual(parseCommandLine(''), []);
  });

  test('empty parameters stay in place', () => {
    assert.deepEqual(splitParams('2,,0,"a,b"').map((p) => p.value), ['2', '', '0', 'a,b']);
  });
});

describe('storage and PDU helpers', () => {
  test('MT is ME then SM, indices from the base, full when both are', () => {
    const st = new SmsStorage({ SM: 1, ME: 2 }, 0);
    const sms = { stat: 0 as const, pdu: DELIVER_PDU, statusReport: false };
    assert.equal(st.put('MT', sms), 0);
    assert.equal(st.put('MT', sms), 1);
    assert.equal(st.put('MT', sms), 2);
    assert.equal(st.put('MT', sms), undefined);
    assert.equal(st.used('SM'), 1);
    assert.equal(st.full('MT'), true);
    assert.equal(st.delete('SM', 0), true);
    assert.equal(st.get('MT', 2), undefined);
    assert.equal(st.validIndex('SM', 1), false);
  });

  test('TPDU length excludes the SMSC field; class from TP-DCS', () => {
    assert.equal(tpduLength(DELIVER_PDU), DELIVER_PDU.length / 2 - 8);
    assert.equal(tpduLength('0'), undefined);
    assert.equal(deliverClass(DELIVER_PDU), undefined);
    assert.equal(deliverClass(DELIVER_CLASS0), 0);
    assert.equal(deliverClass(DELIVER_PDU.replace('89F60000', '89F600F2')), 2);
  });
});

describe('interpreter corners', () => {
  let sim: ModemSim | undefined;
  let out = '';

  async function modem(profile = 'generic', opts: { pin?: string; banner?: boolean } = {}): Promise<ModemSim> {
    const p = PROFILES[profile];
    assert.ok(p);
    sim = new ModemSim({ profile: p, baudRate: 0, pin: opts.pin });
    out = '';
    sim.attach((b) => {
      out += b.toString('latin1');
    });
    sim.boot(0, opts.banner ?? false);
    await new Promise((r) => setTimeout(r, 5));
    return sim;
  }

  async function at(line: string, until: RegExp = /\r\n(OK|ERROR|\+CM[ES] ERROR: [^\r]*)\r\n/): Promise<string> {
    out = '';
    sim?.input(Buffer.from(`${line}\r`, 'latin1'));
    for (let i = 0; i < 100 && !until.test(out); i++) await new Promise((r) => setTimeout(r, 5));
    return out;
  }

  afterEach(() => sim?.stop());

  test('+CNMI mode 0 holds +CMTI in the TA; mode 2 with bfr 0 flushes it', async () => {
    const m = await modem();
    await at('ATE0');
    await at('AT+CNMI=0,1,0,0,0');
    out = '';
    assert.deepEqual(m.deliverSms(DELIVER_PDU), { status: 'stored', mem: 'SM', index: 1 });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(out, '');
    assert.equal(await at('AT+CNMI=2,1,0,0,0', /CMTI.*\r\n$/), '\r\nOK\r\n\r\n+CMTI: "SM",1\r\n');
  });

  test('ATQ1 suppresses final results; A/ repeats the last line; +CNMI outside the profile is 303', async () => {
    await modem('zte');
    await at('ATE0');
    assert.equal(await at('AT+CNMI=0,1,0,0,0'), '\r\n+CMS ERROR: 303\r\n');
    await at('ATQ1', /^$/);
    assert.equal(await at('AT+CSQ', /CSQ.*\r\n/), '\r\n+CSQ: 20,99\r\n');
    out = '';
    sim?.input(Buffer.from('A/'));
    for (let i = 0; i < 50 && out === ''; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(out, '\r\n+CSQ: 20,99\r\n');
  });

  test('+CMEE=2 makes +CMS ERROR verbose; +CPIN when no PIN is pending is operation not allowed', async () => {
    await modem();
    await at('ATE0');
    assert.equal(await at('AT+CMEE=2;+CMGR=99'), '\r\n+CMS ERROR: invalid memory index\r\n');
    assert.equal(await at('AT+CPIN="1234"'), '\r\n+CME ERROR: operation not allowed\r\n');
  });

  test('a PIN-locked quectel boots with +CPIN: SIM PIN and reports SMS/PB DONE only after the PIN', async () => {
    await modem('quectel', { pin: '4321', banner: true });
    // The card is read first (SIM busy, profile simBusyMs); +CPIN: comes once it has been.
    assert.equal(out, '\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+QUSIM: 1\r\n');
    for (let i = 0; i < 400 && !out.includes('+CPIN: SIM PIN'); i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(out, '\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+QUSIM: 1\r\n\r\n+CPIN: SIM PIN\r\n');
    await at('ATE0');
    assert.equal(await at('AT+CPIN="4321"', /PB DONE\r\n$/), '\r\nOK\r\n\r\n+CPIN: READY\r\n\r\n+QIND: SMS DONE\r\n\r\n+QIND: PB DONE\r\n');
  });

  test('with echo on, the command, the prompt and the typed PDU come back in order', async () => {
    const m = await modem();
    m.network.timers.submitMs = 0;
    out = '';
    const cmd = `AT+CMGS=${tpduLen(SUBMIT_PDU)}\r`;
    m.input(Buffer.from(`${cmd}${SUBMIT_PDU}\x1a`, 'latin1'));
    for (let i = 0; i < 100 && !out.endsWith('OK\r\n'); i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(out, `${cmd}\r\n> ${SUBMIT_PDU}\r\n+CMGS: 1\r\n\r\nOK\r\n`);
  });
});
