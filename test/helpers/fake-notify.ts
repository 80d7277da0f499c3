import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A `systemd-notify` on PATH that records each call, with NOTIFY_SOCKET and WATCHDOG_USEC set as systemd would. */
export interface FakeNotify {
  /** A scratch directory the test may use too (removed by restore). */
  readonly dir: string;
  /** Every call so far: "<epoch ns> <arguments>". */
  calls(): string[];
  /** Watchdog pings so far, each as epoch milliseconds. */
  pings(): number[];
  /** Puts PATH and the environment back and removes the directory. */
  restore(): void;
}

export function fakeSystemdNotify(watchdogUsec = 2_000_000): FakeNotify {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-notify-'));
  const log = join(dir, 'calls');
  writeFileSync(join(dir, 'systemd-notify'), `#!/bin/sh\necho "$(date +%s%N) $*" >> '${log}'\n`);
  chmodSync(join(dir, 'systemd-notify'), 0o755);
  writeFileSync(log, '');
  const saved = { path: process.env.PATH, socket: process.env.NOTIFY_SOCKET, usec: process.env.WATCHDOG_USEC };
  process.env.PATH = `${dir}:${process.env.PATH ?? ''}`;
  process.env.NOTIFY_SOCKET = join(dir, 'notify.sock');
  process.env.WATCHDOG_USEC = String(watchdogUsec);
  const calls = (): string[] => readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
  return {
    dir,
    calls,
    pings: () => calls().filter((l) => l.includes('WATCHDOG=1')).map((l) => Number(BigInt(l.split(' ')[0] ?? '0') / 1_000_000n)),
    restore() {
      process.env.PATH = saved.path;
      if (saved.socket === undefined) delete process.env.NOTIFY_SOCKET;
      else process.env.NOTIFY_SOCKET = saved.socket;
      if (saved.usec === undefined) delete process.env.WATCHDOG_USEC;
      else process.env.WATCHDOG_USEC = saved.usec;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
