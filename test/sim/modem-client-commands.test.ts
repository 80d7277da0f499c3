/**
 * The commands common clients (gammu, smstools, ModemManager) send at start-up, per profile,
 * answered as the vendors' AT manuals document (see docs/SIMULATOR.md for the table and the
 * manual each answer comes from). In-process: the interpreter only.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ModemSim } from '../../src/sim/modem/sim.js';
import { PROFILES } from '../../src/sim/modem/profiles/index.js';

let sim: ModemSim | undefined;
let out = '';
afterEach(() => sim?.stop());

async function modem(profile: string, banner = false): Promise<ModemSim> {
  const p = PROFILES[profile];
  assert.ok(p);
  sim = new ModemSim({ profile: p, baudRate: 0 });
  // Exact replies here; status lines inside replies are test/sim/modem-interleave.test.ts's.
  sim.interleaver.configure({ rate: 0 });
  out = '';
  sim.attach((b) => {
    out += b.toString('latin1');
  });
  sim.boot(0, banner);
  await new Promise((r) => setTimeout(r, 5));
  sim.input(Buffer.from('ATE0\r'));
  await new Promise((r) => setTimeout(r, 20));
  return sim;
}

async function at(line: string, until: RegExp = /\r\n(OK|ERROR|\+CM[ES] ERROR: [^\r]*)\r\n$/): Promise<string> {
  out = '';
  sim?.input(Buffer.from(`${line}\r`, 'latin1'));
  for (let i = 0; i < 200 && !until.test(out); i++) await new Promise((r) => setTimeout(r, 5));
  return out;
}

for (const profile of Object.keys(PROFILES)) {
  test(`${profile}: +CSCS, +CLIP, +CUSD, +CCLK, +CPINR, +CRSM EF_ICCID, +CGDCONT? with several contexts`, async () => {
    await modem(profile);
    assert.equal(await at('AT+CSCS=?'), '\r\n+CSCS: ("IRA","GSM","UCS2")\r\n\r\nOK\r\n');
    assert.equal(await at('AT+CSCS?'), '\r\n+CSCS: "IRA"\r\n\r\nOK\r\n');
    assert.equal(await at('AT+CSCS="GSM"'), '\r\nOK\r\n');
    assert.equal(await at('AT+CSCS?'), '\r\n+CSCS: "GSM"\r\n\r\nOK\r\n');
    assert.equal(await at('AT+CMEE=1;+CSCS="EBCDIC"'), '\r\n+CME ERROR: 4\r\n');
    assert.equal(await at('AT+CLIP=1'), '\r\nOK\r\n');
    assert.equal(await at('AT+CLIP?'), '\r\n+CLIP: 1,1\r\n\r\nOK\r\n');
    assert.equal(await at('AT+CUSD=1'), '\r\nOK\r\n');
    assert.equal(await at('AT+CUSD=1,"*100#",15', /\+CUSD: 0,.*\r\n$/), '\r\nOK\r\n\r\n+CUSD: 0,"Balance: 10.00",15\r\n');
    assert.match(await at('AT+CCLK?'), /^\r\n\+CCLK: "\d\d\/\d\d\/\d\d,\d\d:\d\d:\d\d\+00"\r\n\r\nOK\r\n$/);
    assert.equal(await at('AT+CCLK="30/01/02,03:04:05+00"'), '\r\nOK\r\n');
    assert.match(await at('AT+CCLK?'), /^\r\n\+CCLK: "30\/01\/02,03:04:0[5-9]\+00"/);
    assert.equal(await at('AT+CPINR="SIM PIN"'), '\r\n+CPINR: SIM PIN,3,3\r\n\r\nOK\r\n');
    assert.equal(await at('AT+CRSM=176,12258,0,0,10'), '\r\n+CRSM: 144,0,"98000121103254769810"\r\n\r\nOK\r\n');
    assert.equal(await at('AT+CGDCONT=2,"IP","mms";+CGDCONT=3,"IPV4V6","ims"'), '\r\nOK\r\n');
    assert.equal((await at('AT+CGDCONT?')).match(/\+CGDCONT: \d/g)?.length, 3);
  });
}

test('huawei: ^PORTSEL, ^CURC, ^ICCID?, ^CPIN?', async () => {
  await modem('huawei');
  assert.equal(await at('AT^PORTSEL=1'), '\r\nOK\r\n');
  assert.equal(await at('AT^PORTSEL?'), '\r\n^PORTSEL: 1\r\n\r\nOK\r\n');
  assert.equal(await at('AT^CURC=0'), '\r\nOK\r\n');
  assert.equal(await at('AT^ICCID?'), '\r\n^ICCID: 89001012012345678901\r\n\r\nOK\r\n');
  assert.equal(await at('AT^CPIN?'), '\r\n^CPIN: READY,,10,3,10,3\r\n\r\nOK\r\n');
});

test('zte: +ZCDRUN=8, +ZOPRT=5, +ZGETICCID, +ZPINPUK=?', async () => {
  await modem('zte');
  assert.equal(await at('AT+ZCDRUN=8'), '\r\nClose autorun state result(0:FAIL 1:SUCCESS):1\r\n\r\nOK\r\n');
  assert.equal(await at('AT+ZOPRT=5'), '\r\nOK\r\n');
  assert.equal(await at('AT+ZGETICCID'), '\r\n+ZGETICCID: 89001012012345678901\r\n\r\nOK\r\n');
  assert.equal(await at('AT+ZPINPUK=?'), '\r\n+ZPINPUK: 3,10\r\n\r\nOK\r\n');
});

test('quectel, simcom, sierra: their ICCID and PIN counter commands', async () => {
  await modem('quectel');
  assert.equal(await at('AT+QCCID'), '\r\n+QCCID: 89001012012345678901\r\n\r\nOK\r\n');
  assert.equal(await at('AT+QPINC="SC"'), '\r\n+QPINC: "SC",3,10\r\n\r\nOK\r\n');
  sim?.stop();
  await modem('simcom');
  assert.equal(await at('AT+CICCID'), '\r\nICCID: 89001012012345678901\r\n\r\nOK\r\n');
  assert.equal(await at('AT+SPIC'), '\r\n+SPIC: 3,10,3,10\r\n\r\nOK\r\n');
  sim?.stop();
  await modem('sierra');
  assert.equal(await at('AT!ICCID?'), '\r\n!ICCID: 89001012012345678901\r\n\r\nOK\r\n');
});

test('quectel after a power-up: the SIM is busy for a while (+CME ERROR: 14, +CMS ERROR: 314)', async () => {
  const m = await modem('quectel', true);
  await at('AT+CMEE=1');
  assert.equal(await at('AT+CPIN?'), '\r\n+CME ERROR: 14\r\n');
  assert.equal(await at('AT+CMGL=4'), '\r\n+CMS ERROR: 314\r\n');
  m.state.sim.busyUntil = 0; // the card has been read
  assert.equal(await at('AT+CPIN?'), '\r\n+CPIN: READY\r\n\r\nOK\r\n');
});

test('+CMGW writes to <mem2> and answers its index; a full memory is +CMS ERROR: 322 (27.005 §3.2.5)', async () => {
  const m = await modem('quectel');
  await at('AT+CPMS="SM","SM","SM"');
  // SMS-SUBMIT "How are you?" to +31641600986, no SMSC (TPDU length 25).
  const submit = '0011000B911346610089F60000AA0CC8F71D14969741F977FD07';
  out = '';
  m.input(Buffer.from('AT+CMGW=25\r'));
  for (let i = 0; i < 100 && !out.includes('> '); i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(out, '\r\n> ');
  out = '';
  m.input(Buffer.from(`${submit}\x1a`));
  for (let i = 0; i < 100 && !/OK\r\n$/.test(out); i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(out, '\r\n+CMGW: 0\r\n\r\nOK\r\n', 'first SM index on a 0-based vendor');
  m.storageFull();
  assert.equal(await at('AT+CMGW=25'), '\r\n+CMS ERROR: 322\r\n');
});
