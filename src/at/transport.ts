import { EventEmitter } from 'node:events';
import { watch, type FSWatcher } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import net from 'node:net';
import { createRequire } from 'node:module';
import type * as SerialPortPackage from 'serialport';
import { AtError } from './errors.js';

// A CommonJS package, loaded with require: imported from an ES module, Node would first lex its
// source and those of the ~15 packages it re-exports for named exports (docs/PERFORMANCE.md
// "Memory at start").
const { SerialPort } = createRequire(import.meta.url)('serialport') as typeof SerialPortPackage;
type SerialPort = InstanceType<typeof SerialPort>;

/**
 * The byte layer: a duplex to the modem's AT port. A serial device through `serialport`, or
 * `tcp://host:port` for a port exported by ser2net. Emits 'data' (Buffer) and, once, 'close'
 * with the error that ended it (undefined for a close we asked for).
 */
export interface Transport {
  readonly path: string;
  readonly isOpen: boolean;
  write(data: Buffer | string): Promise<void>;
  close(): Promise<void>;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'close', listener: (error: Error | undefined) => void): this;
  off(event: 'data', listener: (chunk: Buffer) => void): this;
  off(event: 'close', listener: (error: Error | undefined) => void): this;
}

export interface TransportOptions {
  /** Default 115200; a USB modem ignores it, a UART modem does not. */
  readonly baudRate?: number;
  /** RTS/CTS hardware flow control (UART modems on a HAT). Default false. */
  readonly rtscts?: boolean;
}

export type TransportFactory = (path: string, options: TransportOptions) => Promise<Transport>;

/** Time given to a modem's in-flight output after opening, before the input queue is discarded again. */
const STALE_INPUT_SETTLE_MS = 150;

/**
 * How often an open serial device is checked for having vanished when nothing else says so (see
 * SerialTransport): a safety net behind the directory watches, not the main signal.
 */
const PRESENCE_CHECK_MS = 30_000;

class SerialTransport extends EventEmitter implements Transport {
  readonly path: string;
  private readonly port: SerialPort;
  private readonly device: string;
  private readonly presence: NodeJS.Timeout;
  private readonly watchers: FSWatcher[] = [];
  private presenceQueued = false;
  private closed = false;

  constructor(path: string, port: SerialPort, device: string) {
    super();
    this.path = path;
    this.port = port;
    this.device = device;
    port.on('data', (chunk: Buffer) => this.emit('data', chunk));
    port.on('error', (e: Error) => this.finish(e));
    port.on('close', (e: Error | null) => this.finish(e ?? undefined));
    // A read error is how a pulled USB modem usually shows; but a tty whose node is gone (or
    // whose udev link now names another node) is treated as unplugged even if no read failed.
    // The check runs when the link's or the node's directory changes (inotify: udev removing
    // /dev/ttyUSB2 or its /dev/serial/by-id link), so an idle gateway does not poll the path.
    this.presence = setInterval(() => void this.checkPresence(), PRESENCE_CHECK_MS);
    this.presence.unref();
    const names = new Map<string, Set<string>>();
    for (const p of [path, device]) {
      const set = names.get(dirname(p)) ?? new Set<string>();
      names.set(dirname(p), set.add(basename(p)));
    }
    for (const [dir, set] of names) this.watchDir(dir, set);
  }

  /** Watches `dir` for `names` coming or going (other entries, e.g. other ptys, are ignored). */
  private watchDir(dir: string, names: ReadonlySet<string>): void {
    try {
      const w = watch(dir, { persistent: false }, (event, name) => {
        // 'rename' = an entry created, removed or moved; 'change' is every read and write of the tty itself.
        if (event !== 'rename' || this.presenceQueued) return;
        if (name !== null && !names.has(String(name))) return;
        this.presenceQueued = true;
        setImmediate(() => {
          this.presenceQueued = false;
          void this.checkPresence();
        });
      });
      w.on('error', () => w.close());
      this.watchers.push(w);
    } catch {
      // No watch on this file system: the safety timer remains.
    }
  }

  private async checkPresence(): Promise<void> {
    let now: string | undefined;
    try {
      now = await realpath(this.path);
    } catch {
      now = undefined;
    }
    if (this.closed || now === this.device) return;
    const e = new Error(`${this.path} vanished`);
    this.finish(e);
    if (this.port.isOpen) this.port.close(() => undefined);
  }

  get isOpen(): boolean {
    return !this.closed && this.port.isOpen;
  }

  write(data: Buffer | string): Promise<void> {
    if (!this.isOpen) return Promise.reject(new AtError('AT_PORT_CLOSED', `${this.path} is closed`));
    return new Promise((resolve, reject) => {
      this.port.write(data, (e) => {
        if (e) reject(new AtError('AT_PORT_CLOSED', `write to ${this.path} failed: ${e.message}`, { cause: e }));
        else this.port.drain((d) => (d ? reject(new AtError('AT_PORT_CLOSED', `drain ${this.path}: ${d.message}`, { cause: d })) : resolve()));
      });
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      if (!this.port.isOpen) {
        this.finish(undefined);
        resolve();
        return;
      }
      this.port.close(() => {
        this.finish(undefined);
        resolve();
      });
    });
  }

  private finish(error: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.presence);
    for (const w of this.watchers.splice(0)) w.close();
    this.emit('close', error);
  }
}

class TcpTransport extends EventEmitter implements Transport {
  readonly path: string;
  private readonly socket: net.Socket;
  private closed = false;

  constructor(path: string, socket: net.Socket) {
    super();
    this.path = path;
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.emit('data', chunk));
    socket.on('error', (e) => this.finish(e));
    socket.on('close', () => this.finish(new Error('connection closed by peer')));
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  write(data: Buffer | string): Promise<void> {
    if (this.closed) return Promise.reject(new AtError('AT_PORT_CLOSED', `${this.path} is closed`));
    return new Promise((resolve, reject) => {
      this.socket.write(data, (e) => (e ? reject(new AtError('AT_PORT_CLOSED', `write to ${this.path}: ${e.message}`, { cause: e })) : resolve()));
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.socket.destroy();
    this.emit('close', undefined);
    return Promise.resolve();
  }

  private finish(error: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.emit('close', error);
  }
}

async function openSerial(path: string, options: TransportOptions): Promise<Transport> {
  let device: string;
  try {
    device = await realpath(path);
  } catch (e) {
    throw new AtError('AT_PORT_CLOSED', `cannot open ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: options.baudRate ?? 115200, rtscts: options.rtscts ?? false, autoOpen: false, hupcl: false });
    port.open((e) => {
      if (e) {
        reject(new AtError('AT_PORT_CLOSED', `cannot open ${path}: ${e.message}`, { cause: e }));
        return;
      }
      // Whatever the modem said while nobody had the port open — the late answer to a command
      // of a process that died, URCs already handled — is stale: an "OK" left in the input
      // queue would be taken as the answer to the first command and shift every answer after
      // it by one. Discard it (tcflush), let anything still in flight arrive, discard again.
      port.flush(() => {
        setTimeout(() => port.flush(() => resolve(new SerialTransport(path, port, device))), STALE_INPUT_SETTLE_MS);
      });
    });
  });
}

function openTcp(path: string): Promise<Transport> {
  const url = new URL(path);
  const port = Number(url.port);
  if (!url.hostname || !Number.isInteger(port) || port <= 0) {
    return Promise.reject(new AtError('AT_PORT_CLOSED', `bad ser2net address ${path} (want tcp://host:port)`));
  }
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: url.hostname, port });
    socket.setNoDelay(true);
    const fail = (e: Error): void => reject(new AtError('AT_PORT_CLOSED', `cannot connect ${path}: ${e.message}`, { cause: e }));
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.off('error', fail);
      resolve(new TcpTransport(path, socket));
    });
  });
}

/** Opens the AT port: a device path for serialport, or tcp://host:port (ser2net raw mode). */
export const openTransport: TransportFactory = (path, options) => (path.startsWith('tcp://') ? openTcp(path) : openSerial(path, options));
