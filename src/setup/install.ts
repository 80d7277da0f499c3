import { spawnSync } from 'node:child_process';

/**
 * The system steps after the configuration is written: a service user, the udev rule, the
 * unit and its drop-in, and the start. Printed by `mmsgw setup`; run with `--install` (as root).
 * Paths are those of an install under /opt/mmsgw (README "Running on a Raspberry Pi").
 */
export interface InstallStep {
  readonly what: string;
  readonly argv: readonly string[];
}

export function installPlan(o: { configPath: string; secretsPath: string; appDir?: string; bearerKind?: string }): InstallStep[] {
  const app = o.appDir ?? '/opt/mmsgw';
  const dropIn = o.bearerKind === 'ppp' ? 'mmsgw-privileged.conf' : 'mmsgw-bearer-interface.conf';
  return [
    { what: 'service user in the dialout group (the modem ttys)', argv: ['useradd', '--system', '--home-dir', '/var/lib/mmsgw', '--shell', '/usr/sbin/nologin', '--groups', 'dialout', 'mmsgw'] },
    { what: 'udev rule: /dev/mmsgw-modem, ModemManager off the modem, no autosuspend', argv: ['install', '-m', '0644', `${app}/systemd/udev/70-mmsgw-modem.rules`, '/etc/udev/rules.d/70-mmsgw-modem.rules'] },
    { what: 'reload udev', argv: ['udevadm', 'control', '--reload'] },
    { what: 'apply the rule to the attached modem', argv: ['udevadm', 'trigger', '--subsystem-match=tty', '--subsystem-match=usb'] },
    { what: 'the unit', argv: ['install', '-m', '0644', `${app}/systemd/mmsgw.service`, '/etc/systemd/system/mmsgw.service'] },
    { what: 'the drop-in for the bearer (routes; ppp and USB recovery need the privileged one)', argv: ['install', '-D', '-m', '0644', `${app}/systemd/${dropIn}`, `/etc/systemd/system/mmsgw.service.d/${dropIn}`] },
    { what: 'secrets readable by root only (systemd reads them for the service)', argv: ['chmod', '0600', o.secretsPath] },
    { what: 'the configuration readable by the service', argv: ['chgrp', 'mmsgw', o.configPath] },
    { what: 'reload systemd', argv: ['systemctl', 'daemon-reload'] },
    { what: 'start now and at boot', argv: ['systemctl', 'enable', '--now', 'mmsgw'] },
  ];
}

export function installSteps(o: { configPath: string; secretsPath: string; bearerKind?: string }): string[] {
  return installPlan(o).map((s) => `sudo ${s.argv.join(' ')}    # ${s.what}`);
}

export type Exec = (argv: readonly string[]) => { status: number | null; stderr: string };

export const spawnExec: Exec = (argv) => {
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8' });
  return { status: r.error ? 127 : r.status, stderr: r.error ? r.error.message : r.stderr };
};

/** Runs the plan; stops at the first failure (useradd of an existing user is not one). */
export function performInstall(plan: readonly InstallStep[], exec: Exec = spawnExec, say: (line: string) => void = () => undefined): boolean {
  for (const step of plan) {
    const r = exec(step.argv);
    const existingUser = step.argv[0] === 'useradd' && r.status === 9;
    say(`${r.status === 0 || existingUser ? 'done' : 'FAILED'}: ${step.argv.join(' ')}${r.status === 0 || existingUser ? '' : ` — ${r.stderr.trim()}`}`);
    if (r.status !== 0 && !existingUser) return false;
  }
  return true;
}
