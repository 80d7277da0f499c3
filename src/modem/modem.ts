import { EventEmitter } from 'node:events';
import { AtChannel } from '../at/channel.js';
import { isAtError } from '../at/errors.js';
import { openTransport, type TransportFactory } from '../at/transport.js';
import type { Urc } from '../at/urc.js';
import { MmsgwError, errorMessage } from '../util/errors.js';
import { logger, type Logger } from '../util/log.js';
import { at } from './commands/basic.js';
import { cmgs } from './commands/cmgs.js';
import { cnmi } from './commands/cnmi.js';
import { parseRegistrationUrc } from './commands/creg.js';
import { initialize, type InitOptions, type InitResult } from './init.js';
import { PortOwner } from './port-owner.js';
import { ModemStatusWriter } from './status-file.js';
import { filePinGuard, memoryPinGuard, type PinGuard } from './pin-guard.js';
import { generic } from './profiles/generic.js';
import type { ModemProfile, ProfileEvent } from './profiles/index.js';
import { RecoveryLadder, runCommand, type CommandRunner, type RecoveryOptions, type RecoveryOutcome } from './recovery.js';
import { snapshot } from './refresh.js';
import { SmsInbox, type SmsHandler } from './sms-inbox.js';
import { errorFields, overallRegistration, type ModemState, type ModemStatus } from './status.js';
import { disableAutosuspend, findUsbDevice, rebindUsb, type SysfsWriter } from './usb.js';

export interface ModemOptions extends InitOptions {
  /** /dev/ttyUSB2, /dev/mmsgw-modem (the udev name), or tcp://host:port. */
  readonly port: string;
  readonly baudRate?: number;
  readonly rtscts?: boolean;
  /** Default: logger('modem'). */
  readonly log?: Logger;
  /** The wire trace (debug level). Default: logger('wire'). */
  readonly wireLog?: Logger;
  /** Return from open() even when the port is missing or the modem not ready, and keep trying. */
  readonly waitForPort?: boolean;
  /** Status poll (and storage sweep) interval; 0 turns it off. Default 60 s. */
  readonly statusIntervalMs?: number;
  /**
   * A vanished port is waited for by directory events (inotify); this is the safety re-check
   * in case one was lost. Default 30 s.
   */
  readonly reopenPollMs?: number;
  /** First retry after an SMS handler failure. Default 5 s. */
  readonly smsRetryMs?: number;
  /** false turns the ladder off. */
  readonly recovery?: RecoveryOptions | false;
  /** Keep USB autosuspend off for the modem (power/control=on). Default true. */
  readonly disableAutosuspend?: boolean;
  readonly sysfsRoot?: string;
  readonly sysfsWrite?: SysfsWriter;
  readonly runCommand?: CommandRunner;
  readonly transportFactory?: TransportFactory;
  readonly channelTimeoutMs?: number;
  /** Keep `<stateDir>/modem-status.json` current for `mmsgw status` and health checks. */
  readonly statusDir?: string;
}

/**
 * The modem: lifecycle (open, init, reopen after unplug, re-init after reboot, recovery),
 * status, the no-loss SMS inbox, and SMS sending. `channel` is shared with the modem-http
 * bearer, which runs its multi-step transactions through `channel.exclusive`.
 *
 * Events: 'status' (ModemStatus) on every change; 'ready' after each completed init.
 */
export class Modem extends EventEmitter {
  readonly channel: AtChannel;
  private readonly o: ModemOptions;
  private readonly log: Logger;
  private current: ModemStatus;
  private profile: ModemProfile = generic;
  private init: InitResult | undefined;
  private inbox: SmsInbox | undefined;
  private handler: SmsHandler | undefined;
  private closing = false;
  /** The single owner of opening and closing the port (see ./port-owner.ts). */
  private readonly port: PortOwner;
  private readonly statusFile: ModemStatusWriter | undefined;
  /** Refused PINs: in the state directory when there is one, else for this process's life. */
  private readonly pinGuard: PinGuard;
  private reinitTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private initRun: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly ladder: RecoveryLadder | undefined;

  private constructor(options: ModemOptions) {
    super();
    this.o = options;
    this.log = options.log ?? logger('modem');
    this.channel = new AtChannel({ log: this.log, wireLog: options.wireLog ?? logger('wire'), ...(options.channelTimeoutMs ? { defaultTimeoutMs: options.channelTimeoutMs } : {}) });
    this.current = { port: options.port, state: 'opening', sim: 'unknown', registration: { state: 'unknown' } };
    this.statusFile = options.statusDir === undefined ? undefined : new ModemStatusWriter(options.statusDir);
    this.statusFile?.update(this.current);
    this.pinGuard = options.pinGuard ?? (options.statusDir === undefined ? memoryPinGuard() : filePinGuard(options.statusDir));
    this.port = new PortOwner({
      channel: this.channel,
      path: options.port,
      log: this.log,
      open: (node) => this.openTransport(node),
      afterOpen: () => this.afterOpen(),
      ...(options.reopenPollMs === undefined ? {} : { pollMs: options.reopenPollMs }),
      ...(options.sysfsRoot === undefined ? {} : { sysfsRoot: options.sysfsRoot }),
    });
    this.channel.onUrc('*', (u) => this.onUrc(u));
    this.channel.on('close', (e: Error | undefined) => this.onPortClosed(e));
    if (options.recovery !== false) {
      const r = options.recovery ?? {};
      this.ladder = new RecoveryLadder(this.recoveryActions(r), r, this.log);
      const threshold = r.timeoutsBeforeRecovery ?? 3;
      const probeTimeoutMs = r.probeTimeoutMs ?? 2_000;
      // One timeout may be a slow network command; probe with AT at once so a dead modem
      // reaches the threshold in seconds rather than at the next status poll.
      this.channel.on('timeout', (_e: unknown, n: number) => {
        if (this.ladder?.isRunning || this.closing) return;
        if (n >= threshold) this.recover().catch((e: unknown) => this.log.error({ err: e }, 'init after recovery failed'));
        else this.channel.run(at, { timeoutMs: probeTimeoutMs }).catch(() => undefined);
      });
    }
  }

  /**
   * Opens the port and runs the init sequence. Rejects if that fails — unless `waitForPort`,
   * where the modem is returned in state 'closed' and keeps looking for the port (a gateway
   * that boots before its modem has enumerated).
   */
  static async open(options: ModemOptions): Promise<Modem> {
    const modem = new Modem(options);
    try {
      await modem.port.openOnce();
    } catch (e) {
      if (!options.waitForPort) {
        await modem.close();
        throw e;
      }
      modem.log.warn({ err: e, port: options.port }, 'modem not usable yet; waiting for it');
      modem.update({ state: 'closed', lastError: errorMessage(e), ...errorFields(e) });
      if (modem.channel.isOpen) await modem.channel.close(); // the close starts the reopen loop
      else modem.port.lost();
    }
    modem.startPolling();
    return modem;
  }

  status(): ModemStatus {
    return this.current;
  }

  /**
   * Registers the receiver. The modem deletes a stored SMS (or acks a direct one) only after
   * the returned promise resolves; a rejection leaves it on the modem for a later retry.
   * Everything already stored is drained through the handler now.
   */
  onSms(handler: SmsHandler): void {
    this.handler = handler;
    this.inbox?.setHandler(handler);
  }

  /** AT+CMGS in PDU mode (27.005 §3.5.1). Rejects with AT_CMS_ERROR carrying the 27.005 number. */
  async sendSmsPdu(hex: string, tpduLength: number, options: { signal?: AbortSignal } = {}): Promise<{ messageReference: number }> {
    try {
      const messageReference = await this.channel.run(cmgs(hex, tpduLength), options);
      return { messageReference };
    } catch (e) {
      if (isAtError(e, 'AT_CMS_ERROR') && e.specCode === 322) this.inbox?.drain(); // 27.005 §3.2.5: memory full
      throw e;
    }
  }

  /** Re-reads registration, operator, signal and storage. */
  async refreshStatus(): Promise<ModemStatus> {
    const snap = await snapshot(this.channel, this.profile);
    this.update({
      registration: { state: overallRegistration([snap.cs, snap.ps, snap.eps]), ...(snap.cs ? { cs: snap.cs } : {}), ...(snap.ps ? { ps: snap.ps } : {}), ...(snap.eps ? { eps: snap.eps } : {}) },
      ...(snap.operator ? { operator: snap.operator } : {}),
      ...(snap.technology ? { technology: snap.technology } : {}),
      ...(snap.signal ? { signal: snap.signal } : {}),
      ...(snap.smsStorage ? { smsStorage: snap.smsStorage } : {}),
    });
    return this.current;
  }

  /**
   * Runs the recovery ladder now; resolves with what worked. When nothing did, the modem is
   * 'failed' and the ladder is tried again after `retryAfterMs`.
   */
  async recover(): Promise<RecoveryOutcome | undefined> {
    if (!this.ladder || this.closing) return undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.update({ state: 'recovering', responding: false });
    const step = await this.ladder.recover();
    if (step === undefined) {
      this.update({ state: 'failed', lastError: 'modem not answering after every recovery step', errorCode: 'MODEM_NOT_RESPONDING', responding: false });
      if (!this.closing) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.recover().catch((e: unknown) => this.log.error({ err: e }, 'recovery retry failed'));
        }, this.o.recovery === false ? 0 : (this.o.recovery?.retryAfterMs ?? 300_000));
        this.retryTimer.unref();
      }
      return undefined;
    }
    // A reset that re-enumerated the port was already re-initialised by the reopen loop.
    if (this.channel.isOpen && !this.port.busy && this.current.state !== 'ready') await this.reinit();
    return step;
  }

  async close(): Promise<void> {
    this.closing = true;
    const reopening = this.port.stop();
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.reinitTimer) clearTimeout(this.reinitTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.inbox?.stop();
    await this.channel.close();
    // A reopen in flight ends without leaving the port open (the next opener would find it locked).
    await reopening;
    this.update({ state: 'closed' });
    this.statusFile?.close();
  }

  private openTransport(node: string) {
    const factory = this.o.transportFactory ?? openTransport;
    return factory(node, { ...(this.o.baudRate ? { baudRate: this.o.baudRate } : {}), ...(this.o.rtscts ? { rtscts: this.o.rtscts } : {}) });
  }

  /** After every open: autosuspend off on the USB device the port owner found, then the init sequence. */
  private async afterOpen(): Promise<void> {
    const usb = this.port.usb?.device;
    if (usb && this.o.disableAutosuspend !== false) {
      await disableAutosuspend(usb, this.o.sysfsWrite).catch((e: unknown) => this.log.warn({ err: e }, 'cannot turn USB autosuspend off'));
    }
    // The node it is on now (another ttyUSB number after a re-enumeration).
    this.update({ device: this.port.current });
    await this.reinit();
  }

  /** Single flight: a reboot URC and the recovery ladder may both ask for an init at once. */
  private reinit(): Promise<void> {
    this.initRun ??= this.runInit().finally(() => (this.initRun = undefined));
    return this.initRun;
  }

  private async runInit(): Promise<void> {
    this.update({ state: 'initializing' });
    this.inbox?.stop();
    try {
      const r = await initialize(this.channel, { ...this.o, pinGuard: this.pinGuard }, this.log, this.port.usb?.device);
      this.init = r;
      this.profile = r.profile;
      this.inbox = new SmsInbox({
        channel: this.channel,
        log: this.log,
        storages: r.storages,
        mem1: r.mem1,
        ackRequired: r.ackRequired,
        restoreRouting: async () => {
          if (this.init) await this.channel.run(cnmi(this.init.cnmi));
        },
        ...(this.o.smsRetryMs === undefined ? {} : { retryMs: this.o.smsRetryMs }),
      });
      this.update({
        state: 'ready',
        responding: true,
        lastError: undefined,
        errorCode: undefined,
        identity: r.identity,
        profile: r.profile.id,
        sim: 'ready',
        ...(r.imsi ? { imsi: r.imsi } : {}),
        ...(r.iccid ? { iccid: r.iccid } : {}),
        ...(r.msisdn ? { msisdn: r.msisdn } : {}),
      });
      await this.refreshStatus().catch((e: unknown) => this.log.warn({ err: e }, 'status refresh failed'));
      if (this.handler) this.inbox.setHandler(this.handler);
      this.emit('ready', this.current);
    } catch (e) {
      const code = e instanceof MmsgwError ? e.code : undefined;
      const pinWrong = code === 'MODEM_SIM_PIN_WRONG' || code === 'MODEM_SIM_PIN_REQUIRED';
      const sim = code === 'MODEM_SIM_ABSENT' ? 'absent' : code === 'MODEM_SIM_PUK' ? 'puk-required' : pinWrong ? 'pin-required' : code?.startsWith('MODEM_SIM_') ? 'error' : this.current.sim;
      const left = e instanceof MmsgwError && typeof e.details.attemptsLeft === 'number' ? e.details.attemptsLeft : undefined;
      // An operator error (the PIN in the configuration), not a modem fault: said once, plainly.
      if (pinWrong) this.log.error({ code, attemptsLeft: left }, errorMessage(e));
      this.update({ state: 'failed', sim, lastError: errorMessage(e), ...errorFields(e), simPinAttemptsLeft: left });
      throw e;
    }
  }

  private startPolling(): void {
    const every = this.o.statusIntervalMs ?? 60_000;
    if (every <= 0) return;
    this.pollTimer = setInterval(() => {
      if (this.current.state !== 'ready') return;
      this.refreshStatus()
        .then((s) => {
          // Sweep: anything left in storage (a missed +CMTI, a failed handler) is drained.
          if ((s.smsStorage?.used ?? 0) > 0) this.inbox?.drain();
        })
        .catch((e: unknown) => this.log.debug({ err: e }, 'status poll failed'));
    }, every);
    this.pollTimer.unref();
  }

  private onUrc(urc: Urc): void {
    if (this.inbox?.onUrc(urc)) return;
    const reg = parseRegistrationUrc(urc.line);
    if (reg) {
      const r = { ...this.current.registration, [reg.domain === 'CREG' ? 'cs' : reg.domain === 'CGREG' ? 'ps' : 'eps']: reg };
      this.update({ registration: { ...r, state: overallRegistration([r.cs, r.ps, r.eps]) }, ...(reg.accessTechnology ? { technology: reg.accessTechnology } : {}) });
      return;
    }
    const event = this.profile.classifyUrc(urc);
    if (event) this.onProfileEvent(event);
  }

  private onProfileEvent(event: ProfileEvent): void {
    switch (event.type) {
      case 'signal':
        this.update({ signal: { ...this.current.signal, ...event.signal } });
        return;
      case 'technology':
        this.update({ technology: event.technology });
        return;
      case 'sim-absent':
        this.update({ sim: 'absent' });
        return;
      case 'sim-ready':
        return;
      case 'sms-full':
        this.log.warn('SMS storage full: draining');
        this.inbox?.drain();
        return;
      case 'sms-ready':
        this.inbox?.drain();
        return;
      case 'reboot':
        this.scheduleReinit('the modem rebooted');
    }
  }

  /** After a reboot the modem has forgotten ATE0, +CMGF, +CNMI…; init again once it settles. */
  private scheduleReinit(reason: string, delayMs = 500): void {
    if (this.reinitTimer || this.closing || this.port.busy) return;
    this.log.warn({ reason }, 'initialising the modem again');
    this.update({ state: 'initializing' });
    this.reinitTimer = setTimeout(() => {
      this.reinitTimer = undefined;
      this.reinit().catch((e: unknown) => {
        // Still booting, SIM not back yet…: try again rather than stay failed for good.
        this.log.error({ err: e }, 'init after reboot failed; trying again');
        if (this.channel.isOpen) this.scheduleReinit('init failed', Math.min(delayMs * 4, 60_000));
      });
    }, delayMs);
    this.reinitTimer.unref();
  }

  private onPortClosed(error: Error | undefined): void {
    if (this.closing) return;
    this.log.warn({ err: error }, 'AT port closed; waiting for it to come back');
    // A close we made after a failed init keeps that failure's reason (e.g. not answering).
    this.update({ state: 'closed', lastError: error ? errorMessage(error) : (this.current.lastError ?? 'port closed') });
    this.port.lost();
  }

  private recoveryActions(r: RecoveryOptions) {
    return {
      softReset: () => this.profile.softReset(this.channel, r.resetTimeoutMs),
      // Through the port's one owner: joins the reopen loop when an unplug already started it.
      reopen: () => this.port.cycle(),
      usbRebind: async () => {
        const dev = r.usbDevice ? { name: r.usbDevice, sysPath: '', vendorId: '', productId: '' } : (this.port.usb?.device ?? (await findUsbDevice(this.port.current, this.o.sysfsRoot)));
        if (!dev) throw new MmsgwError('MODEM_RECOVERY_FAILED', `${this.o.port} is not a USB device; cannot rebind`);
        await rebindUsb(dev, { ...(this.o.sysfsRoot ? { sysfsRoot: this.o.sysfsRoot } : {}), ...(this.o.sysfsWrite ? { write: this.o.sysfsWrite } : {}) });
      },
      powerCycle: async () => {
        if (!r.powerCycleCommand?.length) throw new MmsgwError('MODEM_RECOVERY_FAILED', 'no power-cycle command configured');
        await (this.o.runCommand ?? runCommand)(r.powerCycleCommand);
      },
      probe: async () => {
        try {
          await this.channel.run(at, { timeoutMs: r.probeTimeoutMs ?? 2_000 });
          return true;
        } catch (e) {
          if (isAtError(e)) return false;
          throw e;
        }
      },
    };
  }

  private update(patch: Partial<ModemStatus> & { state?: ModemState }): void {
    const next = { ...this.current, ...patch } as ModemStatus;
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    this.statusFile?.update(next);
    this.emit('status', next);
  }
}
