/**
 * URCs inside replies, as the profile's firmware writes them (src/sim/modem/interleave.ts),
 * seen over a real pty: Huawei's ^RSSI/^BOOT between the echo and the result, between lines
 * and before the final result code (the same bytes again for the same seed), none after
 * AT^CURC=0; and SMS indications inside a +CMGL listing and around the `> ` prompt when
 * +CNMI <mode> is 3 (27.005 §3.4.1: forwarded directly to the TE).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModemSim, type ModemSimClient } from '../../src/sim/modem/client.js';
import { AtPort, DELIVER_PDU, SUBMIT_PDU, tpduLen } from './at-port.js';

async function withSim(profile: string, fn: (sim: ModemSimClient, port: AtPort) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-sim-il-'));
  const sim = await startModemSim({ profile, baudRate: 0, link: join(dir, 'tty') });
  const port = await AtPort.open(sim.path);
  try {
    await sim.configure({ submitMs: 5 });
    for (let i = 0; i < 60 && !/OK/.test(await port.command('AT+CPMS?').catch(() => '')); i++) await new Promise((r) => setTimeout(r, 100));
    await fn(sim, port);
  } finally {
    await port.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('URCs inside replies', () => {
  test('huawei: ^RSSI/^BOOT inside replies at the places the profile names, repeatable by seed, off after AT^CURC=0', { timeout: 60_000 }, async () => {
    await withSim('huawei', async (sim, port) => {
      const run = async (): Promise<string[]> => {
        await sim.configure({ interleave: { seed: 42, rate: 1 } });
        const got: string[] = [];
        for (const c of ['AT+CGMI', 'ATI', 'AT+CPMS?', 'AT+CSQ', 'ATI']) got.push(await port.command(c));
        return got;
      };
      const first = await run();
      for (const reply of first) {
        assert.match(reply, /\r\n(\^RSSI:\d+|\^BOOT:[\d,]+)\r\n/, `a status line in ${JSON.stringify(reply)}`);
        assert.match(reply, /\r\nOK\r\n$/, 'the final result code still ends the reply');
      }
      const ati = first.filter((_, i) => i === 1 || i === 4).join('');
      assert.ok(ati.includes('Manufacturer: huawei'), 'the information text is all there');
      // Places: before the text (right after the echo), between lines, before OK.
      const places = first.map((r) => (/^AT[^\r]*\r\r\n\^/.test(r) ? 'before-text' : /\r\n\^[A-Z]+:[^\r]*\r\n\r\nOK\r\n$/.test(r) ? 'before-final' : 'between-lines'));
      assert.ok(new Set(places).size >= 2, `several places used: ${places.join(', ')}`);
      assert.deepEqual(await run(), first, 'the same seed gives the same bytes');
      assert.match(await port.command('AT^CURC=0'), /OK/);
      for (const c of ['AT+CGMI', 'ATI', 'AT+CPMS?']) assert.doesNotMatch(await port.command(c), /\^(RSSI|BOOT)/);
    });
  });

  test('a URC waits while the TE is half-way through a command line, so it never cuts the echo', { timeout: 30_000 }, async () => {
    await withSim('generic', async (sim, port) => {
      port.reset();
      await port.write('AT+CG');
      await port.waitFor('AT+CG');
      await sim.urc('+CREG: 1');
      assert.equal(await port.quiet(150), 'AT+CG', 'nothing but the echo while the line is being typed');
      await port.write('MI\r');
      assert.equal(await port.waitFor('+CREG: 1\r\n'), 'AT+CGMI\r\r\nGeneric\r\n\r\nOK\r\n\r\n+CREG: 1\r\n');
    });
  });

  describe('generic with +CNMI <mode> 3', () => {
    let dir: string;
    let sim: ModemSimClient;
    let port: AtPort;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'mmsgw-sim-il3-'));
      sim = await startModemSim({ profile: 'generic', baudRate: 0, link: join(dir, 'tty'), storage: [{ mem: 'SM', pdu: DELIVER_PDU }] });
      port = await AtPort.open(sim.path);
      await sim.configure({ submitMs: 5 });
      await port.command('ATE0');
      assert.match(await port.command('AT+CNMI=3,1,0,2,0'), /OK/);
    });
    after(async () => {
      await port.close();
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('a message stored while AT+CMGL=4 answers: its +CMTI inside the listing, which does not show it', async () => {
      assert.deepEqual(await sim.deliverSms({ pdu: DELIVER_PDU, during: '+CMGL' }), { status: 'scheduled' });
      await sim.configure({ interleave: { seed: 3, at: ['between-lines'] } });
      const reply = await port.command('AT+CMGL=4');
      const lines = reply.split('\r\n').filter((l) => l !== '');
      assert.deepEqual(lines.map((l) => l.slice(0, 6)), ['+CMGL:', DELIVER_PDU.slice(0, 6), '+CMTI:', 'OK'].map((x) => x.slice(0, 6)), JSON.stringify(reply));
      assert.equal(lines[2], '+CMTI: "SM",2');
      assert.equal((await sim.storage()).SM.length, 2);
    });

    test('+CMTI before the "> " prompt and while the PDU is typed; the send still answers +CMGS', async () => {
      await sim.configure({ interleave: { at: ['at-prompt'] } });
      await sim.deliverSms({ pdu: DELIVER_PDU, during: '+CMGS' });
      port.reset();
      await port.write(`AT+CMGS=${tpduLen(SUBMIT_PDU)}\r`);
      const before = await port.waitFor('> ');
      assert.equal(before, '\r\n+CMTI: "SM",3\r\n\r\n> ');
      await port.write(SUBMIT_PDU.slice(0, 10));
      await sim.deliverSms(DELIVER_PDU);
      await port.waitFor('+CMTI: "SM",4');
      port.reset();
      await port.write(`${SUBMIT_PDU.slice(10)}\x1a`);
      assert.match(await port.waitFor(/\r\nOK\r\n/), /^\r\n\+CMGS: \d+\r\n\r\nOK\r\n$/);
      assert.equal((await sim.sent()).at(-1)?.pdu, SUBMIT_PDU);
    });
  });
});
