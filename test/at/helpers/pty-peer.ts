import { createRequire } from 'node:module';
import tty from 'node:tty';

/**
 * A scripted modem on the master side of a real pseudo-terminal. The engine under test
 * opens `path` with serialport exactly as it opens /dev/ttyUSB2. The peer splits what it
 * receives into commands at CR, and into prompt bodies at Ctrl-Z / ESC, and hands each to
 * the responder, which answers with bytes (or nothing: silence).
 */
interface PtyOpen {
  master: number;
  slave: number;
  pty: string;
}

const require = createRequire(import.meta.url);
const native = require('node-pty/build/Release/pty.node') as { open(cols: number, rows: number): PtyOpen };

export interface Token {
  /** The bytes before the terminator, latin1. */
  readonly text: string;
  /** '\r' for a command line, '\x1a' for a prompt body sent, '\x1b' for a cancelled one. */
  readonly end: '\r' | '\x1a' | '\x1b';
}

export type Responder = (token: Token, peer: PtyPeer) => string | Buffer | undefined | void;

export class PtyPeer {
  readonly path: string;
  readonly tokens: Token[] = [];
  private readonly masterIn: tty.ReadStream;
  private readonly masterOut: tty.WriteStream;
  private readonly slaveHold: tty.ReadStream;
  private buffer = '';
  private responder: Responder;
  private closed = false;

  constructor(responder: Responder = () => undefined) {
    const p = native.open(80, 24);
    this.path = p.pty;
    this.responder = responder;
    this.slaveHold = new tty.ReadStream(p.slave);
    this.slaveHold.setRawMode(true);
    this.slaveHold.pause();
    this.masterIn = new tty.ReadStream(p.master);
    this.masterOut = new tty.WriteStream(p.master);
    this.masterIn.on('error', () => undefined);
    this.masterOut.on('error', () => undefined);
    this.slaveHold.on('error', () => undefined);
    this.masterIn.on('data', (d: Buffer) => this.onInput(d.toString('latin1')));
  }

  setResponder(responder: Responder): void {
    this.responder = responder;
  }

  /** Writes bytes toward the engine (a URC, garbage, a late answer). */
  send(data: string | Buffer): void {
    if (!this.closed) this.masterOut.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Commands received so far (tokens ended by CR). */
  commands(): string[] {
    return this.tokens.filter((t) => t.end === '\r').map((t) => t.text);
  }

  /** Resolves when a token matching `re` has been received. */
  async waitFor(re: RegExp, timeoutMs = 3000): Promise<Token> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const t = this.tokens.find((x) => re.test(x.text));
      if (t) return t;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`peer never received ${re}`);
  }

  /** Closes the master (the engine then sees EIO/hang-up, as when a USB modem is pulled). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.masterIn.destroy();
    this.masterOut.destroy();
    this.slaveHold.destroy();
  }

  private onInput(s: string): void {
    this.buffer += s;
    for (;;) {
      const m = /[\r\x1a\x1b]/.exec(this.buffer);
      if (!m) return;
      const text = this.buffer.slice(0, m.index).replace(/^\n+/, '');
      const end = m[0] as Token['end'];
      this.buffer = this.buffer.slice(m.index + 1);
      const token: Token = { text, end };
      this.tokens.push(token);
      const reply = this.responder(token, this);
      if (reply !== undefined && reply !== null) this.send(reply);
    }
  }
}

/** A plain modem: OK to everything, unless `answers` has a reply for the exact command. */
export function scripted(answers: Record<string, string>): Responder {
  return (t) => {
    if (t.end !== '\r') return undefined;
    if (t.text === '') return undefined;
    return answers[t.text] ?? '\r\nOK\r\n';
  };
}
