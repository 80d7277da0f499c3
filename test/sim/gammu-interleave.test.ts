/**
 * gammu (Debian package) as an independent AT client against simulators that write URCs inside
 * replies (src/sim/modem/interleave.ts): a Huawei stick with a ^RSSI/^BOOT line in every reply
 * (gammu sends no AT^CURC=0, so it meets them all), and a generic modem that forwards SMS
 * indications at once — inside the +CMGL listing, before the `> ` prompt and while the PDU is
 * typed. What gammu does: it skips the status lines and the +CMTI (its AT parser treats lines
 * it does not expect as unsolicited), identifies the modem, lists what the listing showed and
 * sends once. It does not act on a +CMTI that arrives inside its own listing (`getallsms` is a
 * one-shot command); the message stays stored, as it should. One thing gammu does not survive:
 * a URC that cuts its echoed command line in two (a periodic ^BOOT written between the bytes of
 * `AT+CSCS="GSM"`): it reports "UNKNOWN frame" and waits until it times out. A TA that has
 * begun to take a command line does not do that (the URC-free period starts before the echo,
 * RIOT-OS/RIOT#20062), so the simulator holds URCs while a line is being typed. Skips when
 * gammu is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModemSim, type ModemSimClient } from '../../src/sim/modem/client.js';

const HAVE_GAMMU = spawnSync('gammu', ['--version'], { stdio: 'ignore' }).status === 0;
/** SMS-DELIVER "How are you?" (3GPP 23.040 §9.2.2.1; SMSC +31624000000, from +31641600986). */
const PLAIN = '07911326040000F0040B911346610089F60000208062917314800CC8F71D14969741F977FD07';
const ALL = ['before-text', 'between-lines', 'before-final', 'at-prompt'] as const;

function gammu(rc: string, args: readonly string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('gammu', ['-c', rc, ...args], { timeout: 60_000 }, (e, stdout, stderr) => {
      const code = e ? (typeof (e as { code?: unknown }).code === 'number' ? (e as { code: number }).code : -1) : 0;
      resolve({ code, out: `gammu ${args.join(' ')} (exit ${code}):\n${stdout}${stderr}` });
    });
  });
}

const CASES = [
  { profile: 'huawei', interleave: { seed: 9, rate: 1 }, manufacturer: /Manufacturer\s+: Huawei/ },
  { profile: 'generic', interleave: { seed: 5, indications: true, at: [...ALL] }, manufacturer: /Manufacturer\s+: Generic/ },
];

for (const c of CASES) {
  test(`gammu against ${c.profile} with URCs inside replies: identify, getallsms, sendsms`, { skip: HAVE_GAMMU ? false : 'gammu is not installed (apt install gammu)', timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), `mmsgw-gammu-il-${c.profile}-`));
    const link = join(dir, 'modem');
    const rc = join(dir, 'gammurc');
    writeFileSync(rc, `[gammu]\ndevice = ${link}\nconnection = at\n`);
    let sim: ModemSimClient | undefined;
    try {
      sim = await startModemSim({ profile: c.profile, baudRate: 0, link, storage: [{ mem: 'SM', pdu: PLAIN }] });
      await sim.configure({ submitMs: 5, interleave: c.interleave });
      const id = await gammu(rc, ['identify']);
      assert.equal(id.code, 0, id.out);
      assert.match(id.out, c.manufacturer);
      assert.match(id.out, /IMSI\s+: 001010123456789/);

      await sim.deliverSms({ pdu: PLAIN, during: '+CMGL' });
      const all = await gammu(rc, ['getallsms']);
      assert.equal(all.code, 0, all.out);
      assert.match(all.out, /How are you\?/);
      assert.match(all.out, /1 SMS parts in 1 SMS sequences/, 'the listing as the modem wrote it; the +CMTI inside it is skipped');
      assert.equal((await sim.storage()).SM.length, 2, 'the message announced inside the listing stays stored');

      await sim.deliverSms({ pdu: PLAIN, during: '+CMGS' });
      const sent = await gammu(rc, ['sendsms', 'TEXT', '+15551234567', '-text', 'hello']);
      assert.equal(sent.code, 0, sent.out);
      assert.match(sent.out, /OK, message reference=\d+/);
      assert.equal((await sim.sent()).length, 1, 'sent once');
    } finally {
      await sim?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
