import { setMaxListeners } from 'node:events';
import type { AtChannel } from '../at/channel.js';
import { isAtError } from '../at/errors.js';
import type { Urc } from '../at/urc.js';
import { silentLogger, type Logger } from '../util/log.js';
import { cmgdLine } from './commands/cmgd.js';
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
  /** +CMGD per command line (default DELETES_PER_LINE; 1: a line each). */
  readonly deletesPerLine?: number;
}

/**
 * Deletes sent on one command line (./commands/cmgd.ts `cmgdLine`): in a burst the deletes are
 * most of the inbox's commands, one per message, and each is a round trip on the one AT channel
 * that SMS sends wait for too. Eight on a line keep it short (about 100 characters; V.250 asks
 * a modem to take at least 40, modems take several hundred). A modem that refuses such a line
 * gets one delete a line from then on.
 */
export const DELETES_PER_LINE = 8;

const MAX_RETRY_MS = 5 * 60_000;

/** The handler's promise, or its synchronous throw as a rejection. */
function settle(call: () => Promise<void>): Promise<void> {
  try {
    return call();
  } catch (e) {
    return Promise.reject(e);
  }
}

/** One stored message to hand over: its slot and what the slot held when read. */
interface Slot {
  readonly index: number;
  readonly pdu: string;
}

/**
 * The no-loss contract: a message leaves the modem (CMGD / +CNMA) only after the handler's
 * promise resolved. A failing handler leaves it stored, and a drain retries it later.
 *
 * Stored messages are handed over in sweeps. An announcement (+CMTI / +CDSI) or a drain marks
 * its storage; a sweep lists each marked storage (+CMGL=4, one command for every message in
 * it), calls the handler for each message in the order they were announced (their
 * asynchronous parts may overlap: with `storage.durability: acknowledge` one WAL fsync covers
 * them all), and deletes the slots whose handler resolved (+CMGD). One listing replaces a
 * +CMGR per message, and the deletes of one listing go with the next listing in one turn of
 * the line: in a burst, while sends wait for the SMSC, the inbox costs one wait per listing,
 * not two per message. What a slot held when listed is what is handed over and then deleted:
 * only our +CMGD frees a slot, and nothing else of the inbox runs during a sweep.
 */
export class SmsInbox {
  private readonly o: SmsInboxOptions;
  private readonly log: Logger;
  private handler: SmsHandler | undefined;
  private mem1: string;
  private chain: Promise<void> = Promise.resolve();
  /** Storages to list, in the order they were marked. */
  private readonly marked = new Set<string>();
  /** Announced slots (`mem:index`) and the order of their announcement, for this sweep. */
  private readonly announced = new Map<string, number>();
  private announcements = 0;
  /** A sweep step is queued or running: a new announcement joins it rather than queueing another. */
  private sweeping = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay: number;
  private stopped = false;
  /**
   * Every command of the inbox carries this signal, and `stop` aborts it: nothing the inbox
   * queued reaches the modem after it stopped. A modem that rebooted (RDY) has its storage
   * selection reset (27.005 §3.2.2 +CPMS), so a +CMGD queued before the reboot would delete the
   * slot of that index in another storage — a message never read.
   */
  private readonly abort = new AbortController();
  private readonly run = { signal: this.abort.signal };
  private deletesPerLine: number;

  constructor(options: SmsInboxOptions) {
    this.o = options;
    this.log = options.log ?? silentLogger;
    this.mem1 = options.mem1;
    this.retryDelay = options.retryMs ?? 5_000;
    this.deletesPerLine = Math.max(1, options.deletesPerLine ?? DELETES_PER_LINE);
    // Each waiting command listens to the signal: a sweep queues its listing and a delete line
    // per few slots of a storage (a few hundred slots at most), all at once.
    setMaxListeners(512, this.abort.signal);
  }

  setHandler(handler: SmsHandler): void {
    this.handler = handler;
    this.drain();
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
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
        const mem = p[0] ?? this.mem1;
        if (Number.isInteger(index)) {
          const key = `${mem}:${index}`;
          if (!this.announced.has(key)) this.announced.set(key, this.announcements++);
          this.mark(mem);
        }
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
    if (!this.handler) return; // drained when a handler arrives
    for (const mem of this.o.storages) this.mark(mem);
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

  private mark(mem: string): void {
    this.marked.add(mem);
    if (this.sweeping) return;
    this.sweeping = true;
    this.enqueue(() => this.sweep());
  }

  private async selectMem1(mem: string): Promise<void> {
    if (mem === this.mem1) return;
    await this.o.channel.run(cpmsSet(mem), this.run);
    this.mem1 = mem;
  }

  /**
   * Lists, hands over and deletes, a marked storage at a time, until none is marked. The
   * deletes of one listing and the next listing are queued together, so they share a turn.
   */
  private async sweep(): Promise<void> {
    let deleting: Promise<void> = Promise.resolve();
    /**
     * Slots handed over in this sweep, each with the announcement count at that moment (an
     * announcement of the slot made later may name a new message stored in the freed slot),
     * and slots whose handler failed (left for the retry).
     */
    const handled = new Map<string, number>();
    const failed = new Set<string>();
    try {
      for (;;) {
        const handler = this.handler;
        // Without a handler the messages stay stored, and are drained when one arrives.
        if (this.marked.size === 0 || !handler || this.stopped) {
          await deleting;
          // Marked while the last deletes ran: this sweep lists it.
          if (this.marked.size > 0 && this.handler && !this.stopped) continue;
          break;
        }
        const mem = this.marked.values().next().value as string;
        this.marked.delete(mem);
        if (mem !== this.mem1) {
          await deleting; // they name slots of the storage selected now
          try {
            await this.selectMem1(mem);
          } catch (e) {
            if (!isAtError(e) || e.code === 'AT_PORT_CLOSED') throw e;
            this.log.warn({ err: e, mem }, 'cannot select SMS storage');
            continue;
          }
        }
        // Announcements up to here name messages the listing must show.
        const listedFrom = this.announcements;
        const listing = this.o.channel.run(cmglAll, this.run).then(
          (list) => ({ list }),
          (error: unknown) => ({ error }),
        );
        await deleting;
        const listed = await listing;
        // Stopped (the inbox's commands aborted) or the port gone: the sweep ends here.
        if ('error' in listed && (!isAtError(listed.error) || listed.error.code === 'AT_PORT_CLOSED' || this.stopped)) throw listed.error;
        if ('error' in listed) this.log.warn({ err: listed.error, mem }, 'cannot list SMS storage; reading the announced slots one by one');
        const slots: Slot[] = 'list' in listed ? listed.list.map((m) => ({ index: m.index, pdu: m.pdu })) : [];
        const inListing = new Set(slots.map((x) => `${mem}:${x.index}`));
        // Announced before the listing, yet not in it nor handed over already: the listing left
        // it out (a firmware whose +CMGL misses messages, or a listing that failed), so the slot
        // is read (+CMGR). One announced after the listing was asked for is the next listing's.
        for (const [k, seq] of this.announced) {
          if (seq >= listedFrom || !k.startsWith(`${mem}:`) || inListing.has(k) || failed.has(k)) continue;
          this.announced.delete(k);
          const handedAt = handled.get(k);
          if (handedAt !== undefined && seq < handedAt) continue; // the announcement of what was handed over
          const index = Number(k.slice(mem.length + 1));
          const read = await this.o.channel.run(cmgr(index), this.run);
          if (read) slots.push({ index, pdu: read.pdu });
          // A modem may hold an announcement back until a command ends (27.005 §3.4.1 <bfr>):
          // one of a message this sweep handed over finds its slot empty.
          else if (handedAt !== undefined) this.log.debug({ mem, index }, 'late announcement of a slot already handed over');
          else this.log.warn({ mem, index }, 'announced SMS slot is empty');
        }
        const toHandOver = this.inAnnouncedOrder(mem, slots.filter((x) => !failed.has(`${mem}:${x.index}`)));
        const outcome = await this.handOver(mem, toHandOver, handler);
        for (const x of toHandOver) this.announced.delete(`${mem}:${x.index}`);
        for (const i of outcome.stored) handled.set(`${mem}:${i}`, this.announcements);
        for (const i of outcome.failed) failed.add(`${mem}:${i}`);
        deleting = this.deleteSlots(mem, outcome.stored);
        deleting.catch(() => undefined); // awaited, and thrown, at the next listing or the end
      }
    } finally {
      // After a failed step what was announced stays on the modem, and the retry's drain lists it again.
      this.announced.clear();
      this.marked.clear();
      this.sweeping = false;
    }
  }

  /** Slots never announced (older: left over, found by a drain) first by index, then in announcement order. */
  private inAnnouncedOrder(mem: string, slots: readonly Slot[]): Slot[] {
    const order = (s: Slot): number => this.announced.get(`${mem}:${s.index}`) ?? -1;
    return [...slots].sort((x, y) => order(x) - order(y) || x.index - y.index);
  }

  /** Calls the handler for each slot, in order (each call starts before the next is made). */
  private async handOver(mem: string, slots: readonly Slot[], handler: SmsHandler): Promise<{ stored: number[]; failed: number[] }> {
    const done = slots.map((s) => settle(() => handler({ kind: pduKind(s.pdu), pdu: s.pdu, storage: mem, index: s.index, receivedAt: new Date() })));
    const outcomes = await Promise.allSettled(done);
    const stored: number[] = [];
    const failed: number[] = [];
    outcomes.forEach((o, i) => {
      const index = (slots[i] as Slot).index;
      if (o.status === 'fulfilled') {
        stored.push(index);
        return;
      }
      failed.push(index);
      this.log.error({ err: o.reason, mem, index }, 'SMS handler failed; message kept in modem storage for a retry');
      this.scheduleRetry();
    });
    if (failed.length === 0 && stored.length > 0) this.retryDelay = this.o.retryMs ?? 5_000;
    if (slots.length > 0) this.log.debug({ mem, listed: slots.length, stored: stored.length }, 'SMS handed over');
    return { stored, failed };
  }

  /**
   * Deletes handed-over slots of the selected storage, all queued at once, several on a line. A
   * slot is free the moment the modem answers OK, and a new message may be stored in it and
   * announced (+CMTI with this index) in the same read as that OK: that announcement marks the
   * storage again, and the next listing shows the new message.
   *
   * A line the modem refuses (ERROR, +CMS ERROR) may have deleted some of its slots before the
   * error: none of them is deleted again blindly, since a freed slot may already hold a new
   * message. The storage is listed again instead; what is still there is handed over once more,
   * recognised by the store (docs/STORAGE.md, "SMS listed again"), and deleted a line each.
   */
  private async deleteSlots(mem: string, indexes: readonly number[]): Promise<void> {
    // Stopped while the handlers ran: the messages stay stored, and the next inbox's drain
    // hands them over again (the store recognises them: docs/STORAGE.md, "SMS listed again").
    if (this.stopped) return;
    const per = this.deletesPerLine;
    const lines: number[][] = [];
    for (let i = 0; i < indexes.length; i += per) lines.push(indexes.slice(i, i + per));
    await Promise.all(
      lines.map(async (line) => {
        try {
          await this.o.channel.run(cmgdLine(line), this.run);
        } catch (e) {
          const refused = isAtError(e) && (e.code === 'AT_ERROR' || e.code === 'AT_CMS_ERROR' || e.code === 'AT_CME_ERROR');
          if (line.length === 1 || !refused) throw e;
          if (this.deletesPerLine > 1) this.log.warn({ err: e, line: line.length }, 'the modem refused several +CMGD on one line; deleting one a line from now on');
          this.deletesPerLine = 1;
          this.marked.add(mem);
          return;
        }
        crashPoint('sms-deleted');
      }),
    );
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
      await this.o.channel.run(cnmaAck, this.run);
      return;
    }
    // RP-ERROR: the SMSC keeps the message and delivers it again later (3GPP 24.011).
    try {
      await this.o.channel.run(cnmaNack, this.run);
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
