import type { AtChannel } from '../at/channel.js';
import { isAtError } from '../at/errors.js';
import type { Urc } from '../at/urc.js';
import { silentLogger, type Logger } from '../util/log.js';
import { cmgd } from './commands/cmgd.js';
import { cmglAll } from './commands/cmgl.js';
import { cmgr } from './commands/cmgr.js';
import { cnmaAck, cnmaNack } from './commands/cnma.js';
import { cpmsSet } from './commands/cpms.js';
import { splitParams } from './commands/params.js';
import { crashPoint } from '../util/crash-point.js';

/** One received message handed to the gateway. */
export interface IncomingSms {
  readonly kind: 'deliver' | 'status-report' | 'other';
  /** Hex, SMSC address included (27.005 PDU mode). */
  readonly pdu: string;
  readonly storage?: string;
  readonly index?: number;
  readonly receivedAt: Date;
}

export type SmsHandler = (sms: IncomingSms) => Promise<void>;

/** TP-MTI of the TPDU after the SMSC address (3GPP 23.040 §9.2.3.1): 0 DELIVER, 2 STATUS-REPORT. */
export function pduKind(pdu: string): IncomingSms['kind'] {
  const smscLen = Number.parseInt(pdu.slice(0, 2), 16);
  const first = Number.parseInt(pdu.slice(2 + smscLen * 2, 4 + smscLen * 2), 16);
  if (Number.isNaN(smscLen) || Number.isNaN(first)) return 'other';
  const mti = first & 0x03;
  return mti === 0 ? 'deliver' : mti === 2 ? 'status-report' : 'other';
}

export interface SmsInboxOptions {
  readonly channel: AtChannel;
  readonly log?: Logger;
  /** Storages to drain at start and after "memory full" (e.g. ["ME", "SM", "SR"]). */
  readonly storages: readonly string[];
  /** The <mem1> currently selected. */
  readonly mem1: string;
  /** True when +CSMS=1 is in force: a direct +CMT/+CDS must be acknowledged (27.005 §3.4.4). */
  readonly ackRequired: boolean;
  /** Re-issues +CNMI after a negative ack (the ME turns routing off, 27.005 §3.4.4). */
  readonly restoreRouting: () => Promise<void>;
  /** First retry delay after a handler failure; doubles up to 5 minutes. */
  readonly retryMs?: number;
}

const MAX_RETRY_MS = 5 * 60_000;

/**
 * The no-loss contract: a message leaves the modem (CMGD / +CNMA) only after the handler's
 * promise resolved. A failing handler leaves it stored, and a drain retries it later.
 * Stored messages are handled one at a time, in the order they were announced.
 */
export class SmsInbox {
  private readonly o: SmsInboxOptions;
  private readonly log: Logger;
  private handler: SmsHandler | undefined;
  private mem1: string;
  private chain: Promise<void> = Promise.resolve();
  private readonly pending = new Set<string>();
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay: number;
  private stopped = false;

  constructor(options: SmsInboxOptions) {
    this.o = options;
    this.log = options.log ?? silentLogger;
    this.mem1 = options.mem1;
    this.retryDelay = options.retryMs ?? 5_000;
  }

  setHandler(handler: SmsHandler): void {
    this.handler = handler;
    this.drain();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  /** Resolves when every queued read/handle/delete step has run (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Routes the SMS notifications of 27.005 §3.4.1; returns true when the URC was one. */
  onUrc(urc: Urc): boolean {
    switch (urc.name) {
      case '+CMTI':
      case '+CDSI': {
        const p = splitParams(urc.value);
        const index = Number(p[1]);
        if (Number.isInteger(index)) this.enqueueStored(p[0] ?? this.mem1, index);
        return true;
      }
      case '+CMT':
      case '+CDS':
        if (urc.pdu === undefined) this.log.error({ line: urc.line }, 'SMS notification without its PDU');
        else this.enqueue(() => this.handleDirect(urc.pdu as string, urc.name === '+CDS'));
        return true;
      default:
        return false;
    }
  }

  /** Lists every storage (+CMGL=4) and hands each message through the contract. */
  drain(): void {
    this.enqueue(async () => {
      if (!this.handler) return;
      for (const mem of this.o.storages) {
        let list;
        try {
          await this.selectMem1(mem);
          list = await this.o.channel.run(cmglAll);
        } catch (e) {
          if (isAtError(e) && e.code !== 'AT_PORT_CLOSED') {
            this.log.warn({ err: e, mem }, 'cannot list SMS storage');
            continue;
          }
          throw e;
        }
        for (const m of list) this.enqueueStored(mem, m.index, m.pdu);
      }
    });
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((e: unknown) => {
      // Closing the modem cuts a step short: nothing is wrong, and the message is still stored.
      if (this.stopped) {
        this.log.debug({ err: e }, 'SMS inbox step cut short by closing the modem; the message stays on the modem');
        return;
      }
      this.log.error({ err: e }, 'SMS inbox step failed; the message stays on the modem');
      this.scheduleRetry();
    });
  }

  private enqueueStored(mem: string, index: number, listed?: string): void {
    const key = `${mem}:${index}`;
    if (this.pending.has(key)) return;
    this.pending.add(key);
    this.enqueue(() => this.handleStored(mem, index, listed).finally(() => this.pending.delete(key)));
  }

  private async selectMem1(mem: string): Promise<void> {
    if (mem === this.mem1) return;
    await this.o.channel.run(cpmsSet(mem));
    this.mem1 = mem;
  }

  private async handleStored(mem: string, index: number, listed: string | undefined): Promise<void> {
    const handler = this.handler;
    if (!handler || this.stopped) return; // stays stored; drained when a handler arrives
    // A +CMGL listing is a snapshot: by the time this step runs, the slot may have been handled
    // and deleted by an earlier step and then reused for a newer message (whose +CMTI was taken
    // for this pending slot). Handing over the listed PDU and deleting the slot would delete
    // that newer message unread. So the slot is read now: what is handed over, and then
    // deleted, is what the slot holds — the modem changes an occupied slot only on our +CMGD.
    await this.selectMem1(mem);
    const stored = await this.o.channel.run(cmgr(index));
    if (!stored) {
      if (listed === undefined) this.log.warn({ mem, index }, 'announced SMS slot is empty');
      return;
    }
    const pdu = stored.pdu;
    const sms: IncomingSms = { kind: pduKind(pdu), pdu, storage: mem, index, receivedAt: new Date() };
    try {
      await handler(sms);
    } catch (e) {
      this.log.error({ err: e, mem, index }, 'SMS handler failed; message kept in modem storage for a retry');
      this.scheduleRetry();
      return;
    }
    await this.selectMem1(mem);
    // The slot is free the moment the modem answers OK, and a new message may be stored in it
    // and announced (+CMTI with this index) in the same read as that OK — before this step
    // finishes. Release the key first so that announcement is not taken for a duplicate.
    this.pending.delete(`${mem}:${index}`);
    await this.o.channel.run(cmgd(index));
    crashPoint('sms-deleted');
    this.retryDelay = this.o.retryMs ?? 5_000;
  }

  private async handleDirect(pdu: string, isReport: boolean): Promise<void> {
    const sms: IncomingSms = { kind: isReport ? 'status-report' : pduKind(pdu), pdu, receivedAt: new Date() };
    const handler = this.handler;
    let ok = false;
    if (handler && !this.stopped) {
      try {
        await handler(sms);
        ok = true;
      } catch (e) {
        this.log.error({ err: e, pdu }, 'SMS handler failed on a directly routed message');
      }
    }
    if (!this.o.ackRequired) {
      if (!ok) this.log.error({ pdu }, 'directly routed SMS could not be handed over and cannot be refused (+CSMS=0); PDU logged here');
      return;
    }
    if (ok) {
      await this.o.channel.run(cnmaAck);
      return;
    }
    // RP-ERROR: the SMSC keeps the message and delivers it again later (3GPP 24.011).
    try {
      await this.o.channel.run(cnmaNack);
    } finally {
      await this.o.restoreRouting();
    }
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, MAX_RETRY_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.drain();
    }, delay);
    this.retryTimer.unref();
  }
}
