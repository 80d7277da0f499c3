import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { decodeSmsPdu, encodeDeliver } from '../../src/codec/sms/index.js';
import { boxAddress, mailsWith, waitUntil, withE2e, type E2eEnv } from '../helpers/e2e.js';

/**
 * Disk full (issue 10): the state directory lives on a small tmpfs that is filled to the last
 * byte while the gateway runs. Intake pauses — an SMS stays on the SIM, mail is answered 451 —
 * the owner is alerted once, the process keeps running, and when space returns everything
 * flows again by itself: the SMS kept on the SIM is relayed, the mail offered again is sent.
 */
const OWNER = 'demo@mmsgw.localhost';

function mountTmpfs(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-tmpfs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=24m,mode=0700', 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status === 0) return dir;
  rmdirSync(dir);
  return undefined;
}

/** Writes zeros into `path` until the file system refuses (ENOSPC). */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  // The last bytes: smaller writes until nothing fits.
  const fd2 = openSync(`${path}.tail`, 'w');
  try {
    for (let n = 4096; n >= 1; ) {
      try {
        writeSync(fd2, Buffer.alloc(n));
      } catch {
        n = Math.floor(n / 2);
      }
    }
  } finally {
    closeSync(fd2);
  }
}

async function sendMail(env: E2eEnv, to: string, text: string, messageId: string): Promise<{ ok: true } | { ok: false; code: number }> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: env.smtpInPort, secure: false, ignoreTLS: true });
  try {
    await t.sendMail({ from: 'alice@mmsgw.localhost', to: boxAddress(to), text, messageId });
    return { ok: true };
  } catch (e) {
    return { ok: false, code: (e as { responseCode?: number }).responseCode ?? 0 };
  } finally {
    t.close();
  }
}

test('disk full: intake pauses without loss, the owner is alerted once, and it resumes by itself', { timeout: 180_000 }, async (t) => {
  const mnt = mountTmpfs();
  if (!mnt) {
    t.skip('cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN); the disk-full test needs a small file system');
    return;
  }
  try {
    await withE2e({ configure: (c) => ({ ...c, stateDir: join(mnt, 'state'), storage: { ...c.storage, minFreeMegabytes: 2 } }) }, async (env) => {
      // Sanity: the box works.
      for (const p of encodeDeliver({ from: '+15550401000', text: '[disk-before] hello', reference: 1 })) await env.modemSim.deliverSms(p.hex);
      await waitUntil(async () => (await mailsWith(env.sink, '[disk-before]')).length > 0, 20_000, 'the first SMS relayed');

      fill(join(mnt, 'filler'));
      for (const p of encodeDeliver({ from: '+15550401001', text: '[disk-full-sms] kept on the SIM', reference: 2 })) await env.modemSim.deliverSms(p.hex);
      await waitUntil(() => env.sink.mails.find((m) => m.envelopeTo.includes(OWNER) && m.raw.toString('utf8').includes('disk full, intake paused')), 30_000, 'the disk-full alert');
      await waitUntil(async () => ((await env.modemSim.storage()).ME.length > 0 ? true : undefined), 10_000, 'the SMS left on the SIM');

      const mid = `<disk-full-${Date.now()}@mmsgw.localhost>`;
      const refused = await sendMail(env, '+15550401002', '[disk-full-mail] wait for space', mid);
      assert.deepEqual(refused, { ok: false, code: 451 }, 'mail is answered 451 while the disk is full');
      for (const p of encodeDeliver({ from: '+15550401003', text: '[disk-full-sms-2] also kept', reference: 3 })) await env.modemSim.deliverSms(p.hex);
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal((await mailsWith(env.sink, '[disk-full-sms')).length, 0, 'nothing relayed while paused');
      assert.ok((await env.modemSim.storage()).ME.length >= 2, 'both SMS stay on the SIM');

      rmSync(join(mnt, 'filler'), { force: true });
      rmSync(join(mnt, 'filler.tail'), { force: true });
      await waitUntil(async () => (await mailsWith(env.sink, '[disk-full-sms]')).length > 0 && (await mailsWith(env.sink, '[disk-full-sms-2]')).length > 0, 60_000, 'the SMS kept on the SIM relayed after space returned');
      await waitUntil(async () => ((await env.modemSim.storage()).ME.length === 0 ? true : undefined), 20_000, 'the SIM emptied');
      // The sending server retries the mail.
      const accepted = await waitUntil(async () => ((await sendMail(env, '+15550401002', '[disk-full-mail] wait for space', mid)).ok ? true : undefined), 30_000, 'the mail accepted again');
      assert.ok(accepted);
      await waitUntil(async () => {
        for (const s of await env.modemSim.sent()) {
          const d = decodeSmsPdu(s.pdu);
          if (d.ok && d.value.type === 'submit' && d.value.text?.includes('[disk-full-mail]')) return true;
        }
        return undefined;
      }, 30_000, 'the SMS for the retried mail sent');
      const alerts = env.sink.mails.filter((m) => m.envelopeTo.includes(OWNER) && m.raw.toString('utf8').includes('disk full, intake paused'));
      assert.equal(alerts.length, 1, 'alerted once');
      assert.equal((await mailsWith(env.sink, '[disk-full-sms]')).length, 1, 'relayed once');
    });
  } finally {
    spawnSync('umount', ['-l', mnt]);
    rmSync(mnt, { recursive: true, force: true });
  }
});
