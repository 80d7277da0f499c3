import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connectModemSim } from '../../src/sim/modem/client.js';

const root = new URL('../..', import.meta.url).pathname;

/**
 * `mmsgw sim --usb-dir` from a shell: the device directory and sysfs tree appear, the control
 * socket's `usbReset` brings the device back under new ttyUSB numbers with the by-id link
 * following, and SIGTERM takes everything away.
 */
test('mmsgw sim --usb-dir: usbReset over the control socket renumbers the ttys; the by-id link follows', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-simusb-'));
  const control = join(dir, 'control.sock');
  const child = spawn(process.execPath, [join(root, 'bin/mmsgw.mjs'), 'sim', '--profile', 'zte', '--baud', '0', '--usb-dir', join(dir, 'usb'), '--usb-serial', 'ZTE42', '--usb-path', '1-1.4', '--control', control], { env: { ...process.env, MMSGW_DEV: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready: ${out}`)), 45_000);
      child.stdout.on('data', (d: string) => {
        out += d;
        if (out.includes('MMSGW-MODEM-SIM-READY')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const byId = join(dir, 'usb', 'dev', 'serial', 'by-id', 'usb-ZTE_Incorporated_ZTE_WCDMA_Technologies_MSM_ZTE42-if02-port0');
    assert.match(out, new RegExp(`modem: ${byId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} -> /dev/pts/\\d+`));
    assert.match(out, /usb: 19d2:0031 serial ZTE42 at 1-1\.4, AT port .*\/ttyUSB2 \(if02\)/);
    assert.equal(readlinkSync(byId), '../../ttyUSB2');
    const sim = await connectModemSim(control);
    assert.equal(sim.path, byId);
    const plugged = sim.nextEvent<{ tty: string }>('plugged', 10_000);
    assert.deepEqual(await sim.usbReset(200), { tty: join(dir, 'usb', 'dev', 'ttyUSB2') });
    assert.equal((await plugged).tty, join(dir, 'usb', 'dev', 'ttyUSB5'), 'three interfaces held (0–2) → 3–5, the AT one (if02) is ttyUSB5');
    assert.equal(readlinkSync(byId), '../../ttyUSB5');
    // sysfs: class/tty/ttyUSB5/device is the usb-serial port, whose parent is interface 1-1.4:1.2.
    assert.equal(dirname(realpathSync(join(dir, 'usb', 'sys', 'class', 'tty', 'ttyUSB5', 'device'))), realpathSync(join(dir, 'usb', 'sys', 'bus', 'usb', 'devices', '1-1.4:1.2')));
    assert.deepEqual(readdirSync(join(dir, 'usb', 'dev')).filter((n) => n.startsWith('tty')).sort(), ['ttyUSB3', 'ttyUSB4', 'ttyUSB5']);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    assert.deepEqual(readdirSync(join(dir, 'usb', 'dev')).filter((n) => n.startsWith('tty')), [], 'the nodes go with the simulator');
    assert.deepEqual(readdirSync(join(dir, 'usb', 'dev', 'serial', 'by-id')), []);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
