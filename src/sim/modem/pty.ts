/**
 * A real pseudo-terminal pair for the simulated modem, from node-pty's native openpty(3). The
 * simulator keeps the master; the gateway opens the slave (/dev/pts/N) with serialport as it
 * would /dev/ttyUSB2. The slave is put in raw mode (no echo, no CR/NL mapping, no line
 * buffering) and the simulator keeps its own slave descriptor open, never reading from it, so
 * the line does not hang up while the gateway closes and reopens the port.
 */
import { createRequire } from 'node:module';
import { renameSync, rmSync, symlinkSync, lstatSync } from 'node:fs';
import tty from 'node:tty';
import { MmsgwError } from '../../util/errors.js';

interface NativePty {
  open(cols: number, rows: number): { master: number; slave: number; pty: string };
}

let native: NativePty | undefined;

function nativePty(): NativePty {
  try {
    native ??= createRequire(import.meta.url)('node-pty/build/Release/pty.node') as NativePty;
  } catch (e) {
    // node-pty is an optional dependency: only the simulator (demo, tests) needs it.
    throw new MmsgwError('SIM_NO_PTY', 'the modem simulator needs the optional dependency node-pty, which is not built here (it compiles with python3, make and g++: `npm install node-pty`); the gateway itself does not need it', { cause: e });
  }
  return native;
}

export interface PtyLine {
  /** The slave device, e.g. /dev/pts/3. */
  readonly path: string;
  write(bytes: Buffer): void;
  /** Bytes queued toward the slave and not yet taken by the kernel. */
  backlog(): number;
  /** Closes master and slave: the device vanishes as a pulled USB modem does. */
  close(): void;
}

export function openPty(onData: (bytes: Buffer) => void): PtyLine {
  const { master, slave, pty } = nativePty().open(80, 24);
  const slaveHold = new tty.ReadStream(slave);
  slaveHold.setRawMode(true);
  // One duplex stream on the master: two handles on one descriptor would close it twice.
  const stream = new tty.ReadStream(master);
  stream.on('data', (d: Buffer) => onData(d));
  // EIO on the master once the slave side is gone is the end of the line, not a crash.
  stream.on('error', () => undefined);
  let closed = false;
  return {
    path: pty,
    write: (bytes) => {
      if (!closed) stream.write(bytes);
    },
    backlog: () => stream.writableLength,
    close: () => {
      if (closed) return;
      closed = true;
      stream.destroy();
      slaveHold.destroy();
    },
  };
}

/**
 * Points `link` at `target` atomically (a new symlink renamed over the old one). Refuses to
 * replace anything that is not a symlink: `--link /dev/ttyUSB2` must never clobber a device.
 */
export function pointLink(link: string, target: string): void {
  let existing: ReturnType<typeof lstatSync> | undefined;
  try {
    existing = lstatSync(link);
  } catch {
    existing = undefined;
  }
  if (existing !== undefined && !existing.isSymbolicLink()) {
    throw new MmsgwError('SIM_LINK_EXISTS', `${link} exists and is not a symlink; not replacing it`);
  }
  const tmp = `${link}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, link);
}

/** Removes `link` if it is a symlink (never a real file someone put there). */
export function removeLink(link: string): void {
  try {
    if (lstatSync(link).isSymbolicLink()) rmSync(link);
  } catch {
    // already gone
  }
}
