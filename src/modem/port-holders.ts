import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

/**
 * Who else has the AT port open. ModemManager probes every ttyUSB it sees and keeps ports
 * open; two programs sending AT commands to one port corrupt each other's dialogues.
 */
export interface PortHolder {
  readonly pid: number;
  readonly command: string;
}

/** Scans /proc/<pid>/fd/* for links to the device (after resolving udev symlinks). */
export async function findPortHolders(devicePath: string, options: { procRoot?: string; excludePid?: number } = {}): Promise<PortHolder[]> {
  const proc = options.procRoot ?? '/proc';
  let target: string;
  try {
    target = await fs.realpath(devicePath);
  } catch {
    return [];
  }
  const out: PortHolder[] = [];
  let pids: string[];
  try {
    pids = (await fs.readdir(proc)).filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  for (const pid of pids) {
    if (Number(pid) === (options.excludePid ?? process.pid)) continue;
    let fds: string[];
    try {
      fds = await fs.readdir(join(proc, pid, 'fd'));
    } catch {
      continue; // not ours to read, or gone
    }
    for (const fd of fds) {
      const link = await fs.readlink(join(proc, pid, 'fd', fd)).catch(() => undefined);
      if (link === target) {
        const command = (await fs.readFile(join(proc, pid, 'comm'), 'utf8').catch(() => '?')).trim();
        out.push({ pid: Number(pid), command });
        break;
      }
    }
  }
  return out;
}

/** `systemctl is-active ModemManager` → true/false, undefined where systemd is not there. */
export function modemManagerActive(): Promise<boolean | undefined> {
  return new Promise((resolve) => {
    execFile('systemctl', ['is-active', 'ModemManager'], { timeout: 3000 }, (e, stdout) => {
      const state = String(stdout).trim();
      if (state === 'active') resolve(true);
      else if (state === 'inactive' || state === 'failed' || state === 'unknown') resolve(false);
      else resolve(e ? undefined : false);
    });
  });
}
