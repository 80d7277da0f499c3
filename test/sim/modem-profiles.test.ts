import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startModemSim, type ModemSimClient } from '../../src/sim/modem/client.js';
import { AtPort, DELIVER_PDU } from './at-port.js';

const EXPECT: Record<string, { cgmi: string; cgmm: string; cgmr: string; ati: RegExp; cereg: boolean }> = {
  generic: { cgmi: 'Generic', cgmm: 'GSM Modem', cgmr: '1.0.0', ati: /Manufacturer: Generic/, cereg: true },
  huawei: { cgmi: 'huawei', cgmm: 'E3372', cgmr: '22.328.62.00.00', ati: /Manufacturer: huawei\r\nModel: E3372/, cereg: true },
  quectel: { cgmi: 'Quectel', cgmm: 'EC25', cgmr: 'EC25EFAR06A06M4G', ati: /Quectel\r\nEC25\r\nRevision: EC25EFAR06A06M4G/, cereg: true },
  simcom: { cgmi: 'SIMCOM INCORPORATED', cgmm: 'SIMCOM_SIM7600E-H', cgmr: '+CGMR: LE20B04SIM7600M22', ati: /Model: SIMCOM_SIM7600E-H/, cereg: true },
  sierra: { cgmi: 'Sierra Wireless, Incorporated', cgmm: 'MC7455', cgmr: 'SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 23:00:00', ati: /FSN: /, cereg: true },
  zte: { cgmi: 'ZTE INCORPORATED', cgmm: 'MF667', cgmr: 'BD_TMOP673M3V1.0.0B07', ati: /Manufacturer: ZTE INCORPORATED/, cereg: false },
};

/** 13 stored 8-bit messages of 140 octets: an AT+CMGL=4 reply of about 4 KB of hex. */
const LONG_PDU = DELIVER_PDU.replace('89F60000', '89F60004').replace(/0CC8F71D14969741F977FD07$/, `8C${'41'.repeat(140)}`);
const STORAGE = Array.from({ length: 13 }, () => ({ mem: 'ME' as const, pdu: LONG_PDU }));

async function timeCmgl(port: AtPort): Promise<{ ms: number; bytes: number }> {
  await port.command('AT+CPMS="ME"');
  const t0 = performance.now();
  const reply = await port.command('AT+CMGL=4', 10_000);
  return { ms: performance.now() - t0, bytes: reply.length };
}

describe('modem simulator profiles and line', () => {
  const sims = new Map<string, ModemSimClient>();
  const ports = new Map<string, AtPort>();

  before(async () => {
    await Promise.all(
      Object.keys(EXPECT).map(async (profile) => {
        const s = await startModemSim({ profile, baudRate: 0, storage: profile === 'quectel' ? STORAGE : [] });
        await s.configure({ interleave: { rate: 0 } }); // exact replies; URCs inside replies: modem-interleave.test.ts
        sims.set(profile, s);
        ports.set(profile, await AtPort.open(s.path));
      }),
    );
  });

  after(async () => {
    await Promise.all([...ports.values()].map((p) => p.close()));
    await Promise.all([...sims.values()].map((s) => s.stop()));
  });

  function sim(profile: string): ModemSimClient {
    const s = sims.get(profile);
    assert.ok(s, `no simulator for ${profile}`);
    return s;
  }

  /** The one open port of a profile's simulator (two readers on one pty would share its bytes). */
  function portOf(profile: string): AtPort {
    const p = ports.get(profile);
    assert.ok(p, `no port for ${profile}`);
    return p;
  }

  for (const [profile, want] of Object.entries(EXPECT)) {
    test(`${profile}: ATI, +CGMI, +CGMM, +CGMR, +CEREG support`, async () => {
      const port = ports.get(profile);
      assert.ok(port);
      assert.match(await port.command('ATI'), want.ati);
      assert.equal(await port.command('AT+CGMI'), `AT+CGMI\r\r\n${want.cgmi}\r\n\r\nOK\r\n`);
      assert.equal(await port.command('AT+CGMM'), `AT+CGMM\r\r\n${want.cgmm}\r\n\r\nOK\r\n`);
      assert.equal(await port.command('AT+CGMR'), `AT+CGMR\r\r\n${want.cgmr}\r\n\r\nOK\r\n`);
      const cereg = await port.command('AT+CEREG?');
      if (want.cereg) assert.match(cereg, /\+CEREG: 0,1\r\n\r\nOK\r\n$/);
      else assert.match(cereg, /\r\nERROR\r\n$/);
    });
  }

  test('echo off, numeric results, unknown command, chained commands stop at the first error', async () => {
    const port = ports.get('generic');
    assert.ok(port);
    assert.equal(await port.command('ATE0'), 'ATE0\r\r\nOK\r\n');
    assert.equal(await port.command('AT+NOPE'), '\r\nERROR\r\n');
    assert.equal(await port.command('AT+CGMM;+NOPE;+CGMI'), '\r\nGSM Modem\r\n\r\nERROR\r\n');
    port.reset();
    await port.write('ATV0\r');
    assert.equal(await port.waitFor('0\r'), '0\r');
    port.reset();
    await port.write('AT+NOPE\r');
    assert.equal(await port.waitFor('4\r'), '4\r');
    port.reset();
    await port.write('ATV1E1\r');
    await port.waitFor('OK\r\n');
  });
  test('115200 baud throttling measurably slows a 4 KB reply (≈ 11.5 kB/s)', async () => {
    const quectel = sim('quectel');
    const a = await timeCmgl(portOf('quectel'));
    await quectel.configure({ baudRate: 115200 });
    const b = await timeCmgl(portOf('quectel'));
    await quectel.configure({ baudRate: 0 });
    assert.ok(a.bytes > 4000, `reply is ${a.bytes} bytes`);
    assert.equal(a.bytes, b.bytes);
    const lineTime = (b.bytes * 10 * 1000) / 115200;
    assert.ok(b.ms >= lineTime * 0.9, `throttled reply took ${b.ms.toFixed(0)} ms, line time ${lineTime.toFixed(0)} ms`);
    assert.ok(b.ms > a.ms, `throttled ${b.ms.toFixed(0)} ms vs unthrottled ${a.ms.toFixed(0)} ms`);
  });

  test('the line stays up while the port is closed and reopened; state persists', async () => {
    assert.match(await portOf('quectel').command('AT+CMEE=2'), /OK/);
    await portOf('quectel').close();
    const port = await AtPort.open(sim('quectel').path);
    ports.set('quectel', port);
    assert.match(await port.command('AT+CMEE?'), /\+CMEE: 2/);
  });

  test('+CREG/+CEREG URCs follow the n mode; registration loss drops PDP contexts', async () => {
    const port = portOf('huawei');
    await port.command('ATE0;^CURC=0');
    await port.command('AT+CREG=1;+CEREG=2');
    assert.match(await port.command('AT+CGDCONT=2,"IP","mms.example"'), /OK/);
    assert.match(await port.command('AT+CGACT=1,2'), /OK/);
    assert.equal(await port.command('AT+CGPADDR=1,2'), '\r\n+CGPADDR: 1,"0.0.0.0"\r\n+CGPADDR: 2,"10.64.2.2"\r\n\r\nOK\r\n');
    assert.match(await port.command('AT+CGACT?'), /\+CGACT: 1,0\r\n\+CGACT: 2,1/);
    port.reset();
    await sim('huawei').setRegistration({ ci: 0x1234567 });
    assert.equal(await port.waitFor('+CEREG: 1,"1A2B","01234567",7\r\n'), '\r\n+CEREG: 1,"1A2B","01234567",7\r\n');
    assert.doesNotMatch(port.received, /\+CREG/, 'n=1 reports only a change of <stat>');
    port.reset();
    await sim('huawei').setRegistration({ stat: 0 });
    await port.waitFor('+CREG: 0\r\n');
    await port.waitFor('+CEREG: 0\r\n');
    assert.match(await port.command('AT+CGACT?'), /\+CGACT: 2,0/);
    assert.match(await port.command('AT+CGACT=1,2'), /ERROR/);
    await sim('huawei').setRegistration({ stat: 5 });
    await port.waitFor('+CREG: 5');
  });

  test('huawei ^RSSI on a signal change unless ^CURC=0; ^SMMEMFULL when storage fills', async () => {
    const port = portOf('huawei');
    await port.command('AT^CURC=1');
    port.reset();
    await sim('huawei').setSignal({ rssi: 12 });
    await port.waitFor('\r\n^RSSI:12\r\n');
    assert.match(await port.command('AT+CSQ'), /\+CSQ: 12,99/);
    await port.command('AT^CURC=0');
    await sim('huawei').setSignal({ rssi: 25 });
    assert.doesNotMatch(await port.quiet(100), /RSSI/);
    port.reset();
    await sim('huawei').storageFull();
    await port.waitFor('^SMMEMFULL: "SM"');
    assert.match(await port.command('AT+CPMS?'), /"SM",30,30/);
    await sim('huawei').storageFreed();
    assert.match(await port.command('AT+CPMS?'), /"SM",0,30/);
  });

  test('quectel AT+CFUN=1,1: OK, the tty vanishes, a new one appears with the boot URCs', async () => {
    const quectel = sim('quectel');
    const before = quectel.path;
    const plugged = quectel.nextEvent<{ path: string }>('plugged', 5000);
    assert.match(await portOf('quectel').command('AT+CFUN=1,1'), /OK\r\n$/);
    const { path } = await plugged;
    assert.equal(quectel.path, path);
    await portOf('quectel').close();
    const port = await AtPort.open(path);
    ports.set('quectel', port);
    await port.waitFor('+QIND: PB DONE', 5000);
    assert.match(port.received, /RDY\r\n\r\n\+CFUN: 1\r\n\r\n\+QUSIM: 1\r\n\r\n\+CPIN: READY\r\n/);
    assert.match(await port.command('AT+CPMS?'), /\+CPMS: "ME",13,255/, 'stored messages survive the reset');
    assert.ok(before.startsWith('/dev/pts/'));
  });

  test('the AT HTTP stack is merged per vendor: SIMCom has AT+HTTPINIT, generic does not', async () => {
    assert.match(await portOf('simcom').command('AT+HTTPINIT'), /\r\nOK\r\n$/);
    assert.match(await portOf('simcom').command('AT+HTTPTERM'), /\r\nOK\r\n$/);
    assert.match(await portOf('generic').command('AT+HTTPINIT'), /\r\nERROR\r\n$/);
  });
});
