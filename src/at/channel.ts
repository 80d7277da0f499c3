import { EventEmitter } from 'node:events';
import { silentLogger, type Logger } from '../util/log.js';
import type { AtCommand } from './command.js';
import { Discard } from './discard.js';
import { AtError, errorFromFinal, type FinalKind } from './errors.js';
import { ESC, startFlight, type FlightHost, type InFlight } from './flight.js';
import { AtFramer, type Frame } from './framer.js';
import { LateAnswer } from './late-answer.js';
import { CommandQueue } from './queue.js';
import { routeLine } from './route.js';
import { WireTrace } from './trace.js';
import type { Transport } from './transport.js';
import { PDU_URCS, toUrc, UrcTable, type Urc } from './urc.js';

/**
 * The AT transaction layer: one command in flight, a FIFO behind it (reading a received
 * message first: AtCommand.receive), a timeout and an AbortSignal per command, and every
 * incoming line classified (final / response / URC) before a command sees it — the order is
 * written down in ./route.ts and docs/MODEM.md.
 *
 * Its parts: ./queue.ts (whose turn it is), ./flight.ts (the command in flight: deadline,
 * abort, prompt, parse), ./route.ts (whose a line is), ./late-answer.ts (an abandoned
 * command's final result), ./discard.ts (escape()'s wait for a quiet line). This class wires
 * them to the transport and the framer, and delivers notifications.
 *
 * Events: 'urc' (Urc), 'timeout' (AtError, consecutive count), 'open', 'close' (Error|undefined).
 */
export interface AtChannelOptions {
  readonly log?: Logger;
  /** Wire trace logger (debug level); default: none. */
  readonly wireLog?: Logger;
  /** Timeout of a command that names none. Default 10 s. */
  readonly defaultTimeoutMs?: number;
  /**
   * After a command timed out or was aborted, how long the next command waits for the late
   * final result of the abandoned one, so that result is not taken for its own. Default 300 ms.
   */
  readonly settleMs?: number;
  /** Extra notification prefixes (a profile's vendor URCs: '^RSSI:', '+QIND:'). */
  readonly urcPrefixes?: readonly string[];
}

export interface RunOptions {
  readonly signal?: AbortSignal;
  /** Overrides the command's own timeout. */
  readonly timeoutMs?: number;
}

/** The handle an exclusive sequence runs its commands through. */
export interface AtTx {
  run<T>(command: AtCommand<T>, options?: RunOptions): Promise<T>;
  /** Writes bytes outside any command (a data phase after CONNECT). */
  write(data: Buffer | string): Promise<void>;
}

export class AtChannel extends EventEmitter {
  private readonly log: Logger;
  private readonly trace: WireTrace | undefined;
  private readonly defaultTimeoutMs: number;
  private readonly settleMs: number;
  private readonly urcs = new UrcTable();
  private readonly framer: AtFramer;
  private transport: Transport | undefined;
  private current: InFlight | undefined;
  private readonly queue = new CommandQueue(() => this.isOpen);
  private pendingPduUrc: { line: string; prefix: string } | undefined;
  private readonly lateAnswer = new LateAnswer();
  private readonly onData = (chunk: Buffer): void => {
    this.trace?.record('rx', chunk);
    if (this.discard) {
      this.discard.push(chunk);
      return;
    }
    this.framer.push(chunk);
  };
  /** While set, incoming bytes are collected here instead of framed (see escape()). */
  private discard: Discard | undefined;
  private readonly onClose = (error: Error | undefined): void => this.handleClose(error);
  private readonly flights: FlightHost = {
    write: (data) => this.write(data),
    begin: (flight) => {
      this.current = flight;
      this.framer.expectPrompt = flight.command.prompt !== undefined;
    },
    isCurrent: (flight) => this.current === flight,
    end: (flight) => {
      if (this.current === flight) this.current = undefined;
      this.framer.expectPrompt = false;
    },
    abandoned: () => this.lateAnswer.expect(),
    timedOut: (e) => {
      this.consecutiveTimeouts++;
      this.emit('timeout', e, this.consecutiveTimeouts);
    },
  };
  /** Timeouts in a row with no final result in between; the recovery ladder watches it. */
  consecutiveTimeouts = 0;

  constructor(options: AtChannelOptions = {}) {
    super();
    this.log = options.log ?? silentLogger;
    this.trace = options.wireLog ? new WireTrace(options.wireLog, 'at') : undefined;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 10_000;
    this.settleMs = options.settleMs ?? 300;
    if (options.urcPrefixes) this.urcs.add(options.urcPrefixes);
    this.framer = new AtFramer((f) => this.onFrame(f));
  }

  get isOpen(): boolean {
    return this.transport?.isOpen === true;
  }

  get path(): string | undefined {
    return this.transport?.path;
  }

  /** Adds notification prefixes (a profile's vendor URCs). */
  addUrcPrefixes(prefixes: readonly string[]): void {
    this.urcs.add(prefixes);
  }

  /** Starts using an opened transport (first open, or after the port came back). */
  attach(transport: Transport): void {
    if (this.transport) this.detach();
    this.framer.reset();
    this.pendingPduUrc = undefined;
    this.transport = transport;
    transport.on('data', this.onData);
    transport.on('close', this.onClose);
    this.emit('open');
  }

  /** Closes the transport; everything queued or in flight fails with AT_PORT_CLOSED. */
  async close(): Promise<void> {
    const t = this.transport;
    if (!t) return;
    await t.close();
    this.handleClose(undefined);
  }

  /** Subscribes to notifications; `name` filters ('+CMTI'), '*' takes all. Returns the unsubscribe. */
  onUrc(name: string, listener: (urc: Urc) => void): () => void {
    const wrapped = (u: Urc): void => {
      if (name === '*' || u.name === name) listener(u);
    };
    this.on('urc', wrapped);
    return () => this.off('urc', wrapped);
  }

  /** Queues one command; resolves with its parsed answer or rejects with an AtError. */
  run<T>(command: AtCommand<T>, options: RunOptions = {}): Promise<T> {
    return this.queue.enqueue(() => this.execute(command, options), options.signal, command.receive === true);
  }

  /**
   * Runs a multi-step sequence with the channel to itself: nothing else is written until `fn`
   * settles. Inside, use `tx.run` (calling `channel.run` there would wait for itself).
   */
  exclusive<T>(fn: (tx: AtTx) => Promise<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
    return this.queue.enqueue(async () => {
      let done = false;
      const tx: AtTx = {
        run: (c, o) => (done ? Promise.reject(new AtError('AT_ABORTED', 'exclusive sequence already ended', { command: c.text })) : this.execute(c, o ?? {})),
        write: (data) => this.write(data),
      };
      try {
        return await fn(tx);
      } finally {
        done = true;
      }
    }, options.signal);
  }

  /**
   * Starts a session on a line in an unknown state: writes ESC (27.005 §3.5.1: it cancels a
   * pending "> " prompt, where a modem takes everything up to Ctrl-Z as PDU text — even "AT"),
   * then discards whatever arrives until the line has been quiet for `quietMs` (at most
   * `maxMs`): the cancelled prompt's answer, late answers to a dead process's commands.
   * Resolves with the discarded bytes (latin1), so the caller can tell what it cancelled.
   * Queued like a command: nothing else is written meanwhile.
   */
  escape(options: { quietMs?: number; maxMs?: number } = {}): Promise<string> {
    const quietMs = options.quietMs ?? 200;
    const maxMs = options.maxMs ?? 2_000;
    return this.queue.enqueue(async () => {
      const discard = new Discard();
      this.discard = discard;
      try {
        await this.write(ESC);
        await discard.quiet(quietMs, maxMs, () => this.isOpen);
      } finally {
        this.discard = undefined;
        this.framer.reset();
        this.pendingPduUrc = undefined;
      }
      return discard.text();
    }, undefined);
  }

  private async write(data: Buffer | string): Promise<void> {
    const t = this.transport;
    if (!t?.isOpen) throw new AtError('AT_PORT_CLOSED', 'the AT port is closed');
    this.trace?.record('tx', typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
    await t.write(data);
  }

  private async execute<T>(command: AtCommand<T>, options: RunOptions): Promise<T> {
    if (this.lateAnswer.awaited) await this.lateAnswer.settle(this.settleMs);
    if (!this.isOpen) throw new AtError('AT_PORT_CLOSED', 'the AT port is closed', { command: command.text });
    const signal = options.signal;
    if (signal?.aborted) throw new AtError('AT_ABORTED', 'aborted', { command: command.text });
    const timeoutMs = options.timeoutMs ?? command.timeoutMs ?? this.defaultTimeoutMs;

    return startFlight(command, timeoutMs, signal, this.flights);
  }

  private onFrame(frame: Frame): void {
    if (this.pendingPduUrc && frame.kind !== 'pdu') {
      const p = this.pendingPduUrc;
      this.pendingPduUrc = undefined;
      this.log.warn({ line: p.line }, 'notification announced a PDU that did not follow');
      this.deliver(toUrc(p.line, p.prefix));
    }
    const cur = this.current;
    switch (frame.kind) {
      case 'prompt':
        if (!cur?.answerPrompt()) {
          this.log.warn('unexpected "> " prompt; cancelling it with ESC');
          this.write(ESC).catch(() => undefined);
        }
        return;
      case 'raw':
        if (cur) cur.raw.push(frame.data);
        else this.log.warn({ bytes: frame.data.length }, 'raw payload with no command in flight dropped');
        return;
      case 'pdu':
        if (this.pendingPduUrc) {
          const p = this.pendingPduUrc;
          this.pendingPduUrc = undefined;
          this.deliver(toUrc(p.line, p.prefix, frame.text));
        } else if (cur?.lastWasResponse) {
          cur.lines.push(frame.text);
        } else {
          this.log.warn({ header: frame.header }, 'PDU line with no owner dropped');
        }
        return;
      case 'line':
        this.onLine(frame.text, cur);
    }
  }

  private onLine(line: string, cur: InFlight | undefined): void {
    if (cur && cur.lastWasResponse) cur.lastWasResponse = false;
    const route = routeLine(line, cur?.command, this.urcs);
    switch (route.to) {
      case 'echo':
        return;
      case 'urc':
        this.notification(line, route.prefix);
        return;
      case 'unexpected':
        this.deliver(toUrc(line, undefined));
        return;
      case 'stray-final':
        if (!this.lateAnswer.release()) this.log.debug({ line }, 'final result with no command in flight dropped');
        return;
    }
    if (!cur) return; // the routes below come only with a command in flight
    switch (route.to) {
      case 'connect': {
        cur.lines.push(line);
        const n = cur.command.rawAfter?.(line);
        if (n !== undefined) this.framer.readRaw(n);
        return;
      }
      case 'final':
        this.complete(cur, route.kind, line);
        return;
      case 'response':
        this.takeResponse(cur, line);
    }
  }

  private takeResponse(cur: InFlight, line: string): void {
    cur.lines.push(line);
    cur.lastWasResponse = true;
    const n = cur.command.rawAfter?.(line);
    if (n !== undefined) this.framer.readRaw(n);
  }

  private complete(cur: InFlight, kind: FinalKind, line: string): void {
    this.consecutiveTimeouts = 0;
    if (kind === 'ok' || kind === 'connect') cur.finish(undefined, line);
    else cur.finish(errorFromFinal(line, cur.command.text));
  }

  private notification(line: string, prefix: string): void {
    const name = prefix.endsWith(':') ? prefix.slice(0, -1) : prefix;
    if (PDU_URCS.has(name)) {
      this.pendingPduUrc = { line, prefix };
      return;
    }
    this.deliver(toUrc(line, prefix));
  }

  private deliver(urc: Urc): void {
    if (urc.unexpected) this.log.debug({ line: urc.line }, 'unexpected line');
    try {
      this.emit('urc', urc);
    } catch (e) {
      this.log.error({ err: e, urc: urc.line }, 'notification subscriber threw');
    }
  }

  private detach(): void {
    const t = this.transport;
    if (!t) return;
    t.off('data', this.onData);
    t.off('close', this.onClose);
    this.transport = undefined;
  }

  private handleClose(error: Error | undefined): void {
    if (!this.transport) return;
    this.detach();
    this.framer.reset();
    this.pendingPduUrc = undefined;
    const reason = error ? `the AT port closed: ${error.message}` : 'the AT port closed';
    this.current?.finish(new AtError('AT_PORT_CLOSED', reason, { command: this.current.command.text, cause: error }));
    this.queue.failAll(() => new AtError('AT_PORT_CLOSED', reason, { cause: error }));
    this.lateAnswer.release();
    this.emit('close', error);
  }
}
