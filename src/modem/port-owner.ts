import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AtChannel } from '../at/channel.js';
import type { Transport } from '../at/transport.js';
import type { Logger } from '../util/log.js';
import { watchDirs, type DirWaiter } from './dir-watch.js';
import { defaultSysfsRoot, identityOf, listUsbTtys, resolveTty, sameIdentity, usbPortOf, type UsbIdentity, type UsbPort } from './usb.js';

export interface PortOwnerOptions {
  readonly channel: AtChannel;
  /** The configured port: /dev/ttyUSB2, a udev link (/dev/serial/by-id/…, /dev/mmsgw-modem), tcp://. */
  readonly path: string;
  readonly log: Logger;
  /** Opens the transport (serialport, tcp) on the node found for the port. */
  readonly open: (node: string) => Promise<Transport>;
  /** Runs after each open (the init sequence); a rejection closes the port and backs off. */
  readonly afterOpen: () => Promise<void>;
  /**
   * While the port is away it is waited for by directory events (./dir-watch.ts); this timer
   * looks again anyway in case an event was lost. Default 30 s. Also the first back-off after
   * a failed init (doubling to 30 s).
   */
  readonly pollMs?: number;
  readonly sysfsRoot?: string;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * The one owner of the AT port's lifecycle. Every open and close after the first goes through
 * here, one at a time: the reopen loop after an unplug, the recovery ladder's reopen step, a
 * failed init. A second caller joins the operation in progress instead of starting its own —
 * two openers would each take the port (serialport locks it: the second fails, or the first
 * transport is orphaned and closes the port under the second).
 *
 * The port is found again by what it is, not by its name: after each open the owner notes the
 * USB identity behind the node (vendor:product, serial, bus path, interface number; ./usb.ts).
 * A modem that re-enumerates while the gateway still holds its old node comes back under
 * another number (/dev/ttyUSB2 → /dev/ttyUSB6); the owner opens the node with that identity,
 * and never a node that now has the old name but another identity.
 */
export class PortOwner {
  private readonly o: PortOwnerOptions;
  private loop: Promise<void> | undefined;
  /** A close we asked for: the channel's 'close' must not start another loop. */
  private ownClose = false;
  private stopped = false;
  private relook = false;
  private waiter: DirWaiter | undefined;
  private identity: UsbIdentity | undefined;
  /** Where the tty node was found last (the device directory, /dev). */
  private devDir: string | undefined;
  private port: UsbPort | undefined;
  private node: string;
  private warnedOther = '';

  constructor(options: PortOwnerOptions) {
    this.o = options;
    this.node = options.path;
  }

  /** True while the owner is (re)opening the port. */
  get busy(): boolean {
    return this.loop !== undefined;
  }

  /** The node opened last: the configured path, or the one its modem re-enumerated as. */
  get current(): string {
    return this.node;
  }

  /** The USB port behind the node opened last, when it is on USB. */
  get usb(): UsbPort | undefined {
    return this.port;
  }

  private get sysfsRoot(): string {
    return this.o.sysfsRoot ?? defaultSysfsRoot();
  }

  /** First open: the transport and the init, no retries (Modem.open decides what a failure means). */
  async openOnce(): Promise<void> {
    this.o.channel.attach(await this.o.open(this.o.path));
    await this.learn(this.o.path);
    await this.o.afterOpen();
  }

  /** The port closed (unplug, read error, a failed init): look for it until it is back. */
  lost(): void {
    if (this.stopped || this.ownClose) return;
    // A close while a reopen is finishing (the new node vanished during its init): look again
    // once that loop ends, or the loss would go unnoticed.
    if (this.loop) this.relook = true;
    else this.startLoop();
  }

  /**
   * The recovery ladder's reopen step: closes the port and opens it again (the transport only:
   * the ladder probes, and the modem is initialised once it answers). When the device is not
   * back, the same loop an unplug uses goes on looking for it; when that loop already runs,
   * the step joins it. Waits at most `maxWaitMs`; the loop goes on after that.
   */
  async cycle(maxWaitMs = 15_000): Promise<void> {
    if (this.stopped) return;
    this.loop ??= this.reopenTransport().finally(() => this.loopEnded());
    const loop = this.loop;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([loop, new Promise<void>((r) => (timer = setTimeout(r, maxWaitMs)))]);
    clearTimeout(timer);
  }

  /** No more opens; resolves once a reopen in progress has given up (and left nothing open). */
  stop(): Promise<void> {
    this.stopped = true;
    this.waiter?.close();
    this.cutSleep?.();
    return this.loop ?? Promise.resolve();
  }

  private cutSleep: (() => void) | undefined;

  /** A back-off that stop() cuts short. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.cutSleep = done;
    }).finally(() => (this.cutSleep = undefined));
  }

  private async reopenTransport(): Promise<void> {
    if (this.o.channel.isOpen) await this.closeOwn();
    const node = await this.locate();
    if (node !== undefined) {
      try {
        if (await this.attach(node)) await this.learn(node);
        return;
      } catch (e) {
        this.o.log.warn({ err: e }, 'the port did not reopen; looking for it');
      }
    }
    await this.run();
  }

  /** Opens the node and hands it to the channel, unless the owner was stopped meanwhile (then false, nothing left open). */
  private async attach(node: string): Promise<boolean> {
    const transport = await this.o.open(node);
    if (this.stopped) {
      await transport.close().catch(() => undefined);
      return false;
    }
    this.o.channel.attach(transport);
    return true;
  }

  private async closeOwn(): Promise<void> {
    this.ownClose = true;
    try {
      await this.o.channel.close().catch(() => undefined);
    } finally {
      this.ownClose = false;
    }
  }

  private startLoop(): void {
    if (this.loop) return;
    this.loop = this.run().finally(() => this.loopEnded());
  }

  private loopEnded(): void {
    this.loop = undefined;
    const again = this.relook;
    this.relook = false;
    if (again && !this.stopped && !this.o.channel.isOpen) this.startLoop();
  }

  /** Notes the node opened and the USB identity behind it. */
  private async learn(node: string): Promise<void> {
    this.node = node;
    if (node.startsWith('tcp://')) return;
    const tty = await resolveTty(node, this.sysfsRoot);
    const port = tty ? await usbPortOf(tty.tty, this.sysfsRoot) : undefined;
    this.port = port;
    if (tty && port) {
      this.devDir = dirname(tty.node);
      const id = identityOf(port);
      if (!this.identity || !sameIdentity(this.identity, id)) this.o.log.info({ port: this.o.path, node: tty.node, usb: id }, 'AT port identity');
      this.identity = id;
    }
  }

  /**
   * Where the port is now: the configured path while it leads to the same USB function (or
   * while nothing is known of its identity), else the node sysfs shows with that identity.
   */
  private async locate(): Promise<string | undefined> {
    const path = this.o.path;
    if (path.startsWith('tcp://')) return path;
    const want = this.identity;
    if (!want) return existsSync(path) ? path : undefined;
    const tty = await resolveTty(path, this.sysfsRoot);
    const there = tty ? await usbPortOf(tty.tty, this.sysfsRoot) : undefined;
    if (there && sameIdentity(identityOf(there), want)) return path;
    for (const p of await listUsbTtys(this.sysfsRoot)) {
      if (!sameIdentity(identityOf(p), want)) continue;
      const node = join(this.devDir ?? '/dev', p.tty);
      if (existsSync(node)) return node;
    }
    if (there && this.warnedOther !== tty?.tty) {
      this.warnedOther = tty?.tty ?? '';
      this.o.log.warn({ port: path, tty: tty?.tty, has: identityOf(there), want }, 'the port name now belongs to another device; not opening it');
    }
    return undefined;
  }

  /** Directories whose changes may mean the port is back: the configured path's and the device directory. */
  private watched(): string[] {
    return [dirname(this.o.path), ...(this.devDir ? [this.devDir] : [])];
  }

  private async run(): Promise<void> {
    const safety = this.o.pollMs ?? 30_000;
    let backoff = 0;
    while (!this.stopped && !this.o.channel.isOpen) {
      // Armed before looking: a node that appears between the look and the wait still wakes us.
      const waiter = (this.waiter = watchDirs(this.o.path.startsWith('tcp://') ? [] : this.watched()));
      try {
        if (backoff > 0) {
          // The device is there but would not initialise (SIM missing, still booting).
          await this.sleep(backoff);
          if (this.stopped) return;
        }
        const node = await this.locate();
        if (node === undefined) {
          if (this.o.path.startsWith('tcp://')) await this.sleep(safety);
          else await waiter.next(safety);
          continue;
        }
        let opened = false;
        try {
          if (!(await this.attach(node))) return;
          opened = true;
          await this.learn(node);
          await this.o.afterOpen();
          // Checked again by the loop: the node may have vanished during the init.
          if (this.o.channel.isOpen) this.o.log.info({ port: this.o.path, node }, 'AT port back');
          backoff = 0;
          continue;
        } catch (e) {
          if (opened) {
            backoff = Math.min(backoff > 0 ? backoff * 2 : Math.min(safety, 1000), MAX_BACKOFF_MS);
            this.o.log.warn({ err: e, retryInMs: backoff }, 'reopen failed; trying again');
            if (this.o.channel.isOpen) await this.closeOwn();
          } else {
            // Not openable yet (udev still setting its mode, the old node on its way out):
            // the next directory event, or a short while.
            this.o.log.debug({ err: e, node }, 'port not openable yet');
            await waiter.next(Math.min(safety, 1000));
          }
        }
      } finally {
        waiter.close();
        if (this.waiter === waiter) this.waiter = undefined;
      }
    }
  }
}
