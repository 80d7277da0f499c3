import { existsSync } from 'node:fs';
import type { AtChannel } from '../at/channel.js';
import type { Transport } from '../at/transport.js';
import type { Logger } from '../util/log.js';

export interface PortOwnerOptions {
  readonly channel: AtChannel;
  readonly path: string;
  readonly log: Logger;
  /** Opens the transport (serialport, tcp). */
  readonly open: () => Promise<Transport>;
  /** Runs after each open (the init sequence); a rejection closes the port and backs off. */
  readonly afterOpen: () => Promise<void>;
  /** How often a vanished port is looked for. Default 1 s; backs off to 30 s on failed inits. */
  readonly pollMs?: number;
}

/**
 * The one owner of the AT port's lifecycle. Every open and close after the first goes through
 * here, one at a time: the reopen loop after an unplug, the recovery ladder's reopen step, a
 * failed init. A second caller joins the operation in progress instead of starting its own —
 * two openers would each take the port (serialport locks it: the second fails, or the first
 * transport is orphaned and closes the port under the second).
 */
export class PortOwner {
  private readonly o: PortOwnerOptions;
  private loop: Promise<void> | undefined;
  /** A close we asked for: the channel's 'close' must not start another loop. */
  private ownClose = false;
  private stopped = false;

  constructor(options: PortOwnerOptions) {
    this.o = options;
  }

  /** True while the owner is (re)opening the port. */
  get busy(): boolean {
    return this.loop !== undefined;
  }

  /** First open: the transport and the init, no retries (Modem.open decides what a failure means). */
  async openOnce(): Promise<void> {
    this.o.channel.attach(await this.o.open());
    await this.o.afterOpen();
  }

  /** The port closed (unplug, read error, a failed init): look for it until it is back. */
  lost(): void {
    if (this.stopped || this.ownClose) return;
    this.startLoop();
  }

  /**
   * The recovery ladder's reopen step: closes the port and opens it again (the transport only:
   * the ladder probes, and the modem is initialised once it answers). When the device is not
   * back under its name, the same loop an unplug uses goes on looking for it; when that loop
   * already runs, the step joins it. Waits at most `maxWaitMs`; the loop goes on after that.
   */
  async cycle(maxWaitMs = 15_000): Promise<void> {
    if (this.stopped) return;
    this.loop ??= this.reopenTransport().finally(() => (this.loop = undefined));
    const loop = this.loop;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([loop, new Promise<void>((r) => (timer = setTimeout(r, maxWaitMs)))]);
    clearTimeout(timer);
  }

  private async reopenTransport(): Promise<void> {
    if (this.o.channel.isOpen) await this.closeOwn();
    try {
      this.o.channel.attach(await this.o.open());
      return;
    } catch (e) {
      this.o.log.warn({ err: e }, 'the port did not come back under its name; looking for it');
    }
    await this.run();
  }

  private async closeOwn(): Promise<void> {
    this.ownClose = true;
    try {
      await this.o.channel.close().catch(() => undefined);
    } finally {
      this.ownClose = false;
    }
  }

  stop(): void {
    this.stopped = true;
  }

  private startLoop(): void {
    if (this.loop) return;
    this.loop = this.run().finally(() => (this.loop = undefined));
  }

  private async run(): Promise<void> {
    const poll = this.o.pollMs ?? 1000;
    let wait = poll;
    while (!this.stopped && !this.o.channel.isOpen) {
      await new Promise((r) => setTimeout(r, wait));
      if (this.stopped) return;
      if (!this.o.path.startsWith('tcp://') && !existsSync(this.o.path)) continue;
      try {
        this.o.channel.attach(await this.o.open());
        await this.o.afterOpen();
        this.o.log.info({ port: this.o.path }, 'AT port back');
        return;
      } catch (e) {
        // The device is there but will not initialise (SIM missing, still booting): back off.
        wait = Math.min(wait * 2, 30_000);
        this.o.log.warn({ err: e, retryInMs: wait }, 'reopen failed; trying again');
        if (this.o.channel.isOpen) await this.closeOwn();
      }
    }
  }
}
