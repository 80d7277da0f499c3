/**
 * The modem's command interpreter: collects the command line up to S3 (CR) with echo
 * (V.250 §6.2.4) and backspace (S5), parses it, runs each command's handler in order and
 * stops at the first error, then writes the information text and one final result code in
 * the V.250 §5.7 framing chosen by ATV/ATQ and +CMEE. While a command runs (or waits for a
 * PDU after the '> ' prompt), unsolicited results are held back and written after the reply,
 * as a real TA does while the link is reserved. The fault hooks act on this boundary.
 */
import { errorMessage } from '../../util/errors.js';
import { logger } from '../../util/log.js';
import { finalText, frameReply, frameUrc } from './framing.js';
import { Interleaver } from './interleave.js';
import { parseCommandLine } from './parser.js';
import type { Wire } from './wire.js';
import type { SmsNetwork } from './delivery.js';
import type { ModemState } from './state.js';
import type { AtCommand, BodyInput, CommandContext, FinalResult, HandlerTable, ModemProfile } from './types.js';

const log = logger('sim-modem');

const CR = 0x0d;
const LF = 0x0a;
const BS = 0x08;
const CTRL_Z = 0x1a;
const ESC = 0x1b;
const MAX_LINE = 4096;

export interface EngineHost {
  readonly state: ModemState;
  readonly profile: ModemProfile;
  readonly network: SmsNetwork;
  readonly wire: Wire;
  handlers(): HandlerTable;
  emit(event: string, data: unknown): void;
  schedule(ms: number, fn: () => void): void;
  reboot(): void;
  registrationChanged(): void;
}

export interface InjectedFailure {
  readonly prefix: string;
  readonly final: FinalResult;
  readonly stage: 'command' | 'input';
}

interface BodyRead {
  text: string;
  readonly resolve: (b: BodyInput) => void;
}

interface BytesRead {
  readonly need: number;
  readonly got: Buffer[];
  have: number;
  readonly resolve: (b: Uint8Array | undefined) => void;
  readonly timer: NodeJS.Timeout;
}

export class AtEngine {
  private line = '';
  private lastLine = '';
  private busy = false;
  private epoch = 0;
  private pendingInput: Buffer[] = [];
  private urcQueue: string[] = [];
  private body: BodyRead | undefined;
  private bytes: BytesRead | undefined;
  private currentFailure: FinalResult | undefined;

  /** Booting or unplugged: nothing is read or written. */
  offline = false;
  hungUntil = 0;
  readonly failures: InjectedFailure[] = [];
  splitNext = 0;
  readonly mergeNext: { urc: string; position: 'before' | 'after' }[] = [];
  readonly urcInside: string[] = [];
  /** Work the network does while the next command with this prefix runs (after its handler). */
  readonly duringNext: { prefix: string; fn: () => void }[] = [];
  /** Indications that go inside the reply being prepared (see ./interleave.ts). */
  private insideQueue: string[] = [];
  private currentCmd: AtCommand | undefined;
  readonly interleaver: Interleaver;

  constructor(private readonly host: EngineHost) {
    this.interleaver = new Interleaver(host.profile.interleave, host.state);
  }

  /** Whether the TA-TE link is reserved: a command runs or a prompt waits for its body. */
  reserved(): boolean {
    return this.busy || this.body !== undefined || this.bytes !== undefined;
  }

  private silent(): boolean {
    return this.offline || Date.now() < this.hungUntil;
  }

  /** Drops everything in progress, as a reset or power loss does. */
  reset(): void {
    this.epoch++;
    this.line = '';
    this.busy = false;
    this.pendingInput = [];
    this.urcQueue = [];
    this.insideQueue = [];
    this.currentFailure = undefined;
    const body = this.body;
    this.body = undefined;
    body?.resolve({ text: body.text, cancelled: true });
    const bytes = this.bytes;
    this.bytes = undefined;
    if (bytes) {
      clearTimeout(bytes.timer);
      bytes.resolve(undefined);
    }
    this.host.wire.clear();
  }

  input(buf: Buffer): void {
    if (this.silent()) return;
    let echo = '';
    const flushEcho = (): void => {
      if (echo !== '' && this.host.state.settings.echo) this.host.wire.write(echo);
      echo = '';
    };
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i] ?? 0;
      if (this.bytes) {
        const take = buf.subarray(i, i + (this.bytes.need - this.bytes.have));
        this.bytes.got.push(Buffer.from(take));
        this.bytes.have += take.length;
        i += take.length - 1;
        if (this.bytes.have >= this.bytes.need) {
          const done = this.bytes;
          this.bytes = undefined;
          clearTimeout(done.timer);
          done.resolve(Buffer.concat(done.got));
        }
        continue;
      }
      if (this.body) {
        echo += this.bodyByte(b);
        continue;
      }
      if (this.busy) {
        flushEcho();
        this.pendingInput.push(Buffer.from(buf.subarray(i)));
        return;
      }
      echo += String.fromCharCode(b);
      if (b === CR) {
        flushEcho();
        const text = this.line;
        this.line = '';
        this.commandLine(text);
      } else if (b === LF) {
        continue;
      } else if (b === BS) {
        this.line = this.line.slice(0, -1);
      } else if (b === 0x2f && /^a$/i.test(this.line)) {
        // V.250 §6.2.2: 'A/' repeats the previous command line at once, without S3.
        flushEcho();
        this.line = '';
        this.commandLine(this.lastLine);
      } else {
        this.line += String.fromCharCode(b);
        if (this.line.length > MAX_LINE) {
          this.line = '';
          this.flushUrcs();
        }
      }
    }
    flushEcho();
  }

  /** Takes one byte of a prompted body; returns what to echo for it. */
  private bodyByte(b: number): string {
    const body = this.body;
    if (!body) return '';
    if (b === CTRL_Z || b === ESC) {
      this.body = undefined;
      body.resolve({ text: body.text, cancelled: b === ESC });
      return '';
    }
    if (b === CR || b === LF) return '';
    if (b === BS) body.text = body.text.slice(0, -1);
    else body.text += String.fromCharCode(b);
    return String.fromCharCode(b);
  }

  private commandLine(text: string): void {
    const at = text.search(/at/i);
    if (at < 0) {
      this.flushUrcs();
      return;
    }
    const body = text.slice(at + 2);
    this.lastLine = text.slice(at);
    this.busy = true;
    const epoch = this.epoch;
    this.run(body)
      .catch((e: unknown): { blocks: string[][]; final: FinalResult; after: (() => void)[] } => {
        log.error({ err: errorMessage(e) }, 'command line failed');
        return { blocks: [], final: { kind: 'error' }, after: [] };
      })
      .then((r) => {
        if (epoch !== this.epoch) return;
        this.writeReply(r.blocks, r.final);
        this.busy = false;
        this.currentFailure = undefined;
        for (const fn of r.after) fn();
        if (epoch !== this.epoch) return;
        this.flushUrcs();
        const pending = Buffer.concat(this.pendingInput);
        this.pendingInput = [];
        if (pending.length > 0) this.input(pending);
      })
      .catch((e: unknown) => log.error({ err: errorMessage(e) }, 'reply failed'));
  }

  private async run(body: string): Promise<{ blocks: string[][]; final: FinalResult; after: (() => void)[] }> {
    const blocks: string[][] = [];
    const after: (() => void)[] = [];
    const cmds = parseCommandLine(body);
    if (cmds === undefined) return { blocks, final: { kind: 'error' }, after };
    const table = this.host.handlers();
    for (const cmd of cmds) {
      this.host.emit('command', { text: cmd.text });
      const failure = this.takeInjected(cmd);
      if (failure?.stage === 'command') return { blocks, final: failure.final, after };
      this.currentFailure = failure?.final;
      const handler = table[cmd.name];
      if (handler === undefined) return { blocks, final: { kind: 'error' }, after };
      this.currentCmd = cmd;
      const reply = await handler(this.context(), cmd);
      this.runDuring(cmd);
      this.currentCmd = undefined;
      const leftover = this.currentFailure;
      this.currentFailure = undefined;
      if (leftover !== undefined) return { blocks, final: leftover, after };
      if (reply.lines.length > 0) blocks.push([...reply.lines]);
      if (reply.after) after.push(reply.after);
      if (reply.final.kind !== 'ok') return { blocks, final: reply.final, after };
    }
    return { blocks, final: { kind: 'ok' }, after };
  }

  private runDuring(cmd: AtCommand): void {
    const text = cmd.text.toUpperCase();
    for (let i = 0; i < this.duringNext.length; i++) {
      const d = this.duringNext[i];
      if (d === undefined || !text.startsWith(d.prefix)) continue;
      this.duringNext.splice(i--, 1);
      d.fn();
    }
  }

  private takeInjected(cmd: AtCommand): InjectedFailure | undefined {
    const text = cmd.text.toUpperCase();
    const i = this.failures.findIndex((f) => text.startsWith(f.prefix));
    if (i < 0) return undefined;
    return this.failures.splice(i, 1)[0];
  }

  private context(): CommandContext {
    const host = this.host;
    return {
      state: host.state,
      profile: host.profile,
      network: host.network,
      writeRaw: (data) => {
        if (this.silent()) return;
        // A firmware that forwards indications at once writes them before the SMS prompt.
        const prompt = typeof data === 'string' && data.endsWith('> ');
        if (prompt && this.currentCmd) this.runDuring(this.currentCmd);
        if (prompt && this.interleaver.atPrompt()) {
          for (const line of this.insideQueue.splice(0)) host.wire.write(this.frameUrc(line));
        }
        host.wire.write(data);
      },
      readUntilCtrlZ: (timeoutMs) => this.readBody(timeoutMs),
      readBytes: (n, timeoutMs) => this.readBytes(n, timeoutMs),
      urc: (line) => this.urc(line),
      schedule: (ms, fn) => host.schedule(ms, fn),
      emit: (event, data) => host.emit(event, data),
      reboot: () => host.reboot(),
      registrationChanged: () => host.registrationChanged(),
      takeFailure: () => {
        const f = this.currentFailure;
        this.currentFailure = undefined;
        return f;
      },
    };
  }

  private readBody(timeoutMs?: number): Promise<BodyInput> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const read: BodyRead = {
        text: '',
        resolve: (b) => {
          if (timer) clearTimeout(timer);
          resolve(b);
        },
      };
      this.body = read;
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          if (this.body !== read) return;
          this.body = undefined;
          resolve({ text: read.text, cancelled: true });
        }, timeoutMs);
      }
      this.drainPending();
    });
  }

  private readBytes(n: number, timeoutMs: number): Promise<Uint8Array | undefined> {
    return new Promise((resolve) => {
      if (n <= 0) {
        resolve(new Uint8Array(0));
        return;
      }
      const timer = setTimeout(() => {
        if (this.bytes !== read) return;
        this.bytes = undefined;
        resolve(undefined);
      }, timeoutMs);
      const read: BytesRead = { need: n, got: [], have: 0, resolve, timer };
      this.bytes = read;
      this.drainPending();
    });
  }

  /** Bytes that arrived before a handler started reading its body belong to that body. */
  private drainPending(): void {
    const pending = Buffer.concat(this.pendingInput);
    this.pendingInput = [];
    if (pending.length > 0) this.input(pending);
  }

  /** Queues or writes an unsolicited result line (lines of a multi-line URC joined by CRLF). */
  urc(line: string): void {
    if (this.silent()) return;
    const indication = this.interleaver.takesIndication(line);
    if (this.body && indication && this.interleaver.atPrompt()) {
      // Written while the TE types the PDU after '> ' (27.005 §3.4.1 <mode> 3, or the firmware's habit).
      this.host.wire.write(this.frameUrc(line));
      return;
    }
    if (this.busy && !this.body && !this.bytes && indication) {
      this.insideQueue.push(line);
      return;
    }
    // Held too while the TE is half-way through typing a command line: a TA that has begun
    // to take a command does not cut its echo with a URC (seen on u-blox: the URC-free period
    // starts before the echo; RIOT-OS/RIOT#20062).
    if (this.busy || this.body || this.bytes || this.line !== '') {
      this.urcQueue.push(line);
      return;
    }
    this.host.wire.write(this.frameUrc(line));
  }

  private flushUrcs(): void {
    const queued = this.urcQueue;
    this.urcQueue = [];
    for (const line of queued) this.urc(line);
  }

  private frameUrc(line: string): string {
    return frameUrc(line, this.host.state.settings);
  }

  finalText(final: FinalResult): string | undefined {
    return finalText(final, this.host.state.settings);
  }

  private writeReply(blocks: string[][], final: FinalResult): void {
    if (this.silent()) return;
    const inside = this.insideQueue.splice(0);
    const own = this.interleaver.spontaneous();
    if (own !== undefined) inside.push(own);
    const spots = this.interleaver.place(inside, blocks);
    const fault = this.urcInside.shift();
    let out = frameReply(blocks, final, this.host.state.settings, { inside, spots, ...(fault === undefined ? {} : { fault }) });
    const merge = this.mergeNext.shift();
    if (merge) out = merge.position === 'before' ? this.frameUrc(merge.urc) + out : out + this.frameUrc(merge.urc);
    if (out === '') return;
    if (this.splitNext > 0) {
      this.splitNext--;
      this.host.wire.writeSplit(out);
    } else {
      this.host.wire.write(out);
    }
  }
}
