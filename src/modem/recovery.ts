import { execFile } from 'node:child_process';
import { silentLogger, type Logger } from '../util/log.js';
import { MmsgwError } from '../util/errors.js';

/**
 * The recovery ladder for a modem that stopped answering, gentlest first:
 *   soft-reset   the profile's reset command (AT+CFUN=1,1, AT^RESET, AT+CRESET, AT!RESET)
 *   reopen       close and reopen the serial port
 *   usb-rebind   unbind/bind the USB device in sysfs (a re-enumeration without power loss)
 *   power-cycle  a configured command that cuts VBUS (uhubctl, a GPIO line)
 * After each step the ladder waits, probes with AT, and stops at the first step that works.
 */
export type RecoveryStep = 'soft-reset' | 'reopen' | 'usb-rebind' | 'power-cycle';

/** What brought the modem back: a step, or 'probe' when it answered before any step. */
export type RecoveryOutcome = RecoveryStep | 'probe';

export const DEFAULT_STEPS: readonly RecoveryStep[] = ['soft-reset', 'reopen', 'usb-rebind', 'power-cycle'];

export interface RecoveryActions {
  softReset(): Promise<void>;
  reopen(): Promise<void>;
  usbRebind(): Promise<void>;
  powerCycle(): Promise<void>;
  /** True when the modem answers AT again. */
  probe(): Promise<boolean>;
}

export interface RecoveryOptions {
  /** Consecutive command timeouts that start the ladder. Default 3. */
  readonly timeoutsBeforeRecovery?: number;
  readonly steps?: readonly RecoveryStep[];
  /** How long to let the modem come back after each step before probing. Default 10 s. */
  readonly settleMs?: number;
  /** Probes after a step before giving up on it. Default 3, one per `probeIntervalMs`. */
  readonly probes?: number;
  readonly probeIntervalMs?: number;
  /** After a climb that found nothing working, when to try again. Default 5 min. */
  readonly retryAfterMs?: number;
  /** How long the soft reset waits for its OK. Default 3 s. */
  readonly resetTimeoutMs?: number;
  /** Timeout of each AT probe. Default 2 s. */
  readonly probeTimeoutMs?: number;
  /**
   * The modem's USB device name in sysfs (e.g. "1-1.2") for the usb-rebind step, when it
   * cannot be found from the tty (a ser2net port, a udev link on another host). Default: found
   * from /sys/class/tty/<tty>/device.
   */
  readonly usbDevice?: string;
  /** argv of the power-cycle command, e.g. ["uhubctl", "-l", "1-1", "-p", "2", "-a", "cycle"]. */
  readonly powerCycleCommand?: readonly string[];
}

export type CommandRunner = (argv: readonly string[]) => Promise<void>;

/** Runs a configured command without a shell; rejects on a non-zero exit. */
export const runCommand: CommandRunner = (argv) =>
  new Promise((resolve, reject) => {
    const [file, ...args] = argv;
    if (file === undefined) {
      reject(new MmsgwError('MODEM_RECOVERY_FAILED', 'empty power-cycle command'));
      return;
    }
    execFile(file, args, { timeout: 60_000 }, (e, _out, stderr) => (e ? reject(new MmsgwError('MODEM_RECOVERY_FAILED', `${file}: ${e.message} ${stderr}`.trim(), { cause: e })) : resolve()));
  });

export class RecoveryLadder {
  private readonly actions: RecoveryActions;
  private readonly steps: readonly RecoveryStep[];
  private readonly settleMs: number;
  private readonly probes: number;
  private readonly probeIntervalMs: number;
  private readonly log: Logger;
  private running: Promise<RecoveryOutcome | undefined> | undefined;

  constructor(actions: RecoveryActions, options: RecoveryOptions = {}, log: Logger = silentLogger) {
    this.actions = actions;
    this.steps = options.steps ?? DEFAULT_STEPS;
    this.settleMs = options.settleMs ?? 10_000;
    this.probes = options.probes ?? 3;
    this.probeIntervalMs = options.probeIntervalMs ?? 2_000;
    this.log = log;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /**
   * Probes, then climbs the ladder once; resolves with what brought the modem back, or
   * undefined. Concurrent calls share one run.
   */
  recover(): Promise<RecoveryOutcome | undefined> {
    this.running ??= this.climb().finally(() => (this.running = undefined));
    return this.running;
  }

  private async climb(): Promise<RecoveryOutcome | undefined> {
    // The modem may have come back by itself since the last timeout.
    if (await this.actions.probe().catch(() => false)) return 'probe';
    for (const step of this.steps) {
      this.log.warn({ step }, 'modem not answering: recovery step');
      try {
        await this.perform(step);
      } catch (e) {
        this.log.error({ err: e, step }, 'recovery step failed');
        continue;
      }
      await sleep(this.settleMs);
      for (let i = 0; i < this.probes; i++) {
        if (await this.actions.probe().catch(() => false)) {
          this.log.info({ step }, 'modem answers again');
          return step;
        }
        await sleep(this.probeIntervalMs);
      }
    }
    this.log.error('modem still silent after every recovery step');
    return undefined;
  }

  private perform(step: RecoveryStep): Promise<void> {
    switch (step) {
      case 'soft-reset':
        return this.actions.softReset();
      case 'reopen':
        return this.actions.reopen();
      case 'usb-rebind':
        return this.actions.usbRebind();
      case 'power-cycle':
        return this.actions.powerCycle();
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
