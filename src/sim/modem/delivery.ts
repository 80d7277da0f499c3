/**
 * The network side of SMS reception. A message the network delivers is routed by +CNMI
 * (27.005 §3.4.1): stored with a +CMTI/+CDSI indication, or routed to the TE as +CMT/+CDS
 * with the PDU on the next line. With +CSMS=1 a routed message needs +CNMA (27.005 §3.4.4);
 * only one may be outstanding, and when the acknowledgement does not come in time the ME
 * turns routing off (<mt> and <ds> to 0) and the network delivers the message again later,
 * when it lands in storage. A message that finds storage full stays with the network until
 * memory frees up (the RP-SMMA of 3GPP 24.011 §7.3.2), so nothing is lost while the
 * TE drains the store.
 */
import { deliverClass, tpduLength } from './pdu.js';
import type { ModemState } from './state.js';
import type { MemName, ModemProfile } from './types.js';

export type SmsKind = 'sms' | 'status-report';

export type DeliverOutcome =
  | { readonly status: 'stored'; readonly mem: MemName; readonly index: number }
  | { readonly status: 'routed' }
  /** Delivered while the next command with the given prefix runs (`deliverSms({ during })`). */
  | { readonly status: 'scheduled' }
  | { readonly status: 'queued'; readonly reason: 'memory-full' | 'awaiting-ack' | 'sim-not-ready' };

export interface DeliveryHost {
  readonly state: ModemState;
  readonly profile: ModemProfile;
  urc(line: string): void;
  /** Whether the TA-TE link is reserved (a command or a PDU prompt in progress). */
  linkReserved(): boolean;
  /** Whether the modem can receive at all now (powered, booted, radio on). */
  receiving(): boolean;
  emit(event: string, data: unknown): void;
}

interface Inbound {
  readonly kind: SmsKind;
  readonly pdu: string;
  readonly cls: number | undefined;
}

export interface NetworkTimers {
  /** How long the ME waits for +CNMA before giving up on the TE (27.005 §3.4.4). */
  ackTimeoutMs: number;
  /** How soon the SMSC tries again after a failed delivery. */
  redeliveryMs: number;
  /** Round trip of an AT+CMGS submission to the SMSC (RP-DATA → RP-ACK). */
  submitMs: number;
}

export class SmsNetwork {
  private awaiting: { readonly msg: Inbound; readonly timer: NodeJS.Timeout } | undefined;
  private readonly waitingForAck: Inbound[] = [];
  private readonly retry: Inbound[] = [];
  private readonly memoryFull: Inbound[] = [];
  /** Inside `memoryAvailable`: a message that does not fit goes back without a new indication. */
  private redelivering = false;
  /** Indications held in the TA while +CNMI <mode> is 0. */
  private taBuffer: string[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  readonly timers: NetworkTimers = { ackTimeoutMs: 15_000, redeliveryMs: 5_000, submitMs: 150 };

  constructor(private readonly host: DeliveryHost) {}

  deliver(kind: SmsKind, pdu: string, cls?: number): DeliverOutcome {
    return this.route({ kind, pdu, cls: kind === 'sms' ? (cls ?? deliverClass(pdu)) : undefined });
  }

  private route(msg: Inbound): DeliverOutcome {
    const { state } = this.host;
    if (!this.host.receiving() || state.sim.state !== 'ready') {
      this.retry.push(msg);
      this.scheduleRetry();
      return { status: 'queued', reason: 'sim-not-ready' };
    }
    const [, mt, , ds] = state.settings.cnmi;
    const mem3 = state.settings.cpms[2];
    if (msg.kind === 'sms') {
      const direct = (mt === 2 && msg.cls !== 2) || (mt === 3 && msg.cls === 3);
      if (direct) return this.routeToTe(msg);
      // 27.005 §3.4.1: class 2 is SIM-specific and goes to SM whatever <mem3> says.
      return this.store(msg, msg.cls === 2 && this.host.profile.storage.mems.includes('SM') ? 'SM' : mem3, mt !== 0);
    }
    if (ds === 1) return this.routeToTe(msg);
    return this.store(msg, mem3, ds === 2);
  }

  private routeToTe(msg: Inbound): DeliverOutcome {
    const { state } = this.host;
    if (this.awaiting) {
      this.waitingForAck.push(msg);
      return { status: 'queued', reason: 'awaiting-ack' };
    }
    const len = tpduLength(msg.pdu) ?? 0;
    const line = msg.kind === 'sms' ? `+CMT: ,${len}\r\n${msg.pdu}` : `+CDS: ${len}\r\n${msg.pdu}`;
    const mode = state.settings.cnmi[0];
    if (mode === 1 && this.host.linkReserved()) {
      // <mode> 1: the TA rejects the message while the link is reserved; the network retries.
      this.retry.push(msg);
      this.scheduleRetry();
      return { status: 'queued', reason: 'awaiting-ack' };
    }
    this.indicate(line);
    this.host.emit('routed', { kind: msg.kind, pdu: msg.pdu });
    if (state.settings.csms === 1) {
      const timer = setTimeout(() => this.ackTimeout(), this.timers.ackTimeoutMs);
      this.awaiting = { msg, timer };
    }
    return { status: 'routed' };
  }

  private store(msg: Inbound, mem: MemName, indicate: boolean): DeliverOutcome {
    const { state, profile } = this.host;
    const index = state.storage.put(mem, { stat: 0, pdu: msg.pdu, statusReport: msg.kind === 'status-report' });
    if (index === undefined) {
      this.memoryFull.push(msg);
      // Retried after memory became available and full again: the ME said so already.
      if (!this.redelivering) {
        const urc = profile.memoryFullUrc?.(mem);
        if (urc !== undefined) this.host.urc(urc);
        this.host.emit('memoryFull', { mem });
      }
      return { status: 'queued', reason: 'memory-full' };
    }
    if (indicate) {
      const what = msg.kind === 'sms' ? '+CMTI' : '+CDSI';
      this.indicate(`${what}: "${mem}",${index}`);
    }
    this.host.emit('stored', { kind: msg.kind, mem, index });
    return { status: 'stored', mem, index };
  }

  private indicate(line: string): void {
    const mode = this.host.state.settings.cnmi[0];
    if (mode === 0) {
      this.taBuffer.push(line);
      return;
    }
    if (mode === 1 && this.host.linkReserved() && line.startsWith('+CMTI')) return;
    this.host.urc(line);
  }

  /** AT+CNMA (27.005 §3.4.4). n 0/1 = RP-ACK, 2 = RP-ERROR. False when nothing awaits one. */
  acknowledge(n: number): boolean {
    const awaiting = this.awaiting;
    if (!awaiting) return false;
    clearTimeout(awaiting.timer);
    this.awaiting = undefined;
    if (n === 2) {
      this.retry.push(awaiting.msg);
      this.scheduleRetry();
    }
    this.host.emit('ack', { kind: awaiting.msg.kind, pdu: awaiting.msg.pdu, ack: n !== 2 });
    this.next();
    return true;
  }

  /** Whether a routed message waits for +CNMA. */
  expectingAck(): boolean {
    return this.awaiting !== undefined;
  }

  private ackTimeout(): void {
    const awaiting = this.awaiting;
    if (!awaiting) return;
    this.awaiting = undefined;
    const cnmi = this.host.state.settings.cnmi;
    // 27.005 §3.4.4: without the acknowledgement the ME sets <mt> and <ds> to 0 itself.
    cnmi[1] = 0;
    cnmi[3] = 0;
    this.retry.push(awaiting.msg, ...this.waitingForAck.splice(0));
    this.host.emit('ackTimeout', { kind: awaiting.msg.kind, pdu: awaiting.msg.pdu });
    this.scheduleRetry();
  }

  private next(): void {
    const msg = this.waitingForAck.shift();
    if (msg) this.route(msg);
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      for (const msg of this.retry.splice(0)) this.route(msg);
    }, this.timers.redeliveryMs);
  }

  /**
   * Storage was freed (AT+CMGD): the ME tells the network (RP-SMMA, 3GPP 24.011 §7.3.2), which
   * delivers what it held, in order, until the memory is full again — the rest stays held
   * without another memory-full indication (not one per held message and freed slot).
   */
  memoryAvailable(): void {
    this.redelivering = true;
    try {
      while (this.memoryFull.length > 0) {
        const msg = this.memoryFull.shift() as Inbound;
        this.route(msg);
        // Full again: `store` put it back at the end; it is still the first in line.
        if (this.memoryFull.at(-1) === msg) {
          this.memoryFull.unshift(this.memoryFull.pop() as Inbound);
          break;
        }
      }
    } finally {
      this.redelivering = false;
    }
  }

  /** +CNMI changed: flush (bfr 0) or clear (bfr 1) what the TA buffered (27.005 §3.4.1). */
  cnmiChanged(): void {
    const [mode, , , , bfr] = this.host.state.settings.cnmi;
    if (mode === 0) return;
    const held = this.taBuffer;
    this.taBuffer = [];
    if (bfr === 0) for (const line of held) this.host.urc(line);
  }

  /** A reset: what was routed but not acknowledged goes back to the network for later. */
  reset(): void {
    if (this.awaiting) {
      clearTimeout(this.awaiting.timer);
      this.retry.push(this.awaiting.msg);
      this.awaiting = undefined;
    }
    this.retry.push(...this.waitingForAck.splice(0));
    this.taBuffer = [];
    if (this.retry.length > 0) this.scheduleRetry();
  }

  /** Messages the network still holds (for the control channel). */
  pending(): { kind: SmsKind; pdu: string; reason: string }[] {
    return [
      ...(this.awaiting ? [{ ...this.awaiting.msg, reason: 'awaiting-ack' }] : []),
      ...this.waitingForAck.map((m) => ({ ...m, reason: 'awaiting-ack' })),
      ...this.retry.map((m) => ({ ...m, reason: 'retry' })),
      ...this.memoryFull.map((m) => ({ ...m, reason: 'memory-full' })),
    ].map((m) => ({ kind: m.kind, pdu: m.pdu, reason: m.reason }));
  }

  stop(): void {
    if (this.awaiting) clearTimeout(this.awaiting.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }
}
