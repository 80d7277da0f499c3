/**
 * The syntax layer: bytes from the port become frames. It knows nothing of commands.
 *
 * - Lines end in CR, LF or CR LF (V.250 §5.2.1 says S3 then S4, but firmwares send bare CR
 *   or bare LF, and a CR at the end of one read with its LF at the start of the next).
 *   Empty lines are dropped. C0 control bytes other than CR/LF, DEL and 0xFF (the debris of a
 *   USB re-enumeration or line noise) are dropped from lines.
 * - The SMS prompt `> ` (3GPP 27.005 §3.5.1: CR LF '>' SP, no terminator after it) is a frame
 *   of its own. A bare `>` is accepted as the prompt only while one is expected.
 * - A header that declares a PDU line (+CMT:, +CDS:, +CBM:, +CMGR:, +CMGL:; 27.005 §3.4.1,
 *   §3.4.3, §3.5.1) makes the next line a 'pdu' frame when it is hexadecimal. A firmware that
 *   sends a header with no PDU (an empty slot read, "+CMGR: 0,,0") does not swallow the OK.
 * - Raw mode: `readRaw(n)` delivers exactly the next n bytes as one 'raw' frame (the payload
 *   after a CONNECT of a modem's HTTP/file commands), then line mode resumes.
 */
export type Frame =
  | { readonly kind: 'line'; readonly text: string }
  | { readonly kind: 'prompt' }
  | { readonly kind: 'pdu'; readonly text: string; readonly header: string }
  | { readonly kind: 'raw'; readonly data: Buffer };

export const DEFAULT_PDU_HEADERS: readonly string[] = ['+CMT:', '+CDS:', '+CBM:', '+CMGR:', '+CMGL:'];

export interface FramerOptions {
  /** Line prefixes that announce a PDU on the following line. */
  readonly pduHeaders?: readonly string[];
  /** A line longer than this is cut and delivered (no unbounded buffering on a noisy line). */
  readonly maxLineLength?: number;
}

const CR = 0x0d;
const LF = 0x0a;
const HEX = /^[0-9A-Fa-f]+$/;

export class AtFramer {
  private readonly onFrame: (frame: Frame) => void;
  private readonly pduHeaders: readonly string[];
  private readonly maxLine: number;
  private line: number[] = [];
  private skipLf = false;
  private pduHeader: string | undefined;
  private rawWanted = 0;
  private rawChunks: Buffer[] = [];
  private rawHave = 0;
  /** While true, a lone '>' at the start of a line is taken as the prompt. */
  expectPrompt = false;

  constructor(onFrame: (frame: Frame) => void, options: FramerOptions = {}) {
    this.onFrame = onFrame;
    this.pduHeaders = options.pduHeaders ?? DEFAULT_PDU_HEADERS;
    this.maxLine = options.maxLineLength ?? 8192;
  }

  /**
   * Switches to raw mode for the next `length` bytes. Called from within a frame callback
   * (the line that announced the payload), it takes effect for the very next byte.
   */
  readRaw(length: number): void {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`raw length ${length}`);
    if (length === 0) {
      this.onFrame({ kind: 'raw', data: Buffer.alloc(0) });
      return;
    }
    this.rawWanted = length;
    this.rawChunks = [];
    this.rawHave = 0;
  }

  /** Forgets any partial line, pending PDU header and raw read (after the port reopens). */
  reset(): void {
    this.line = [];
    this.skipLf = false;
    this.pduHeader = undefined;
    this.rawWanted = 0;
    this.rawChunks = [];
    this.rawHave = 0;
    this.expectPrompt = false;
  }

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.skipLf) {
        // The LF of a CR LF pair, possibly split across reads (also before a raw payload).
        this.skipLf = false;
        if (chunk[i] === LF) {
          i++;
          continue;
        }
      }
      if (this.rawWanted > 0) {
        i = this.takeRaw(chunk, i);
        continue;
      }
      const byte = chunk[i++] as number;
      if (byte === CR || byte === LF) {
        this.skipLf = byte === CR;
        this.endLine();
        continue;
      }
      if (byte < 0x20 || byte === 0x7f || byte === 0xff) continue;
      this.line.push(byte);
      if (this.line.length >= this.maxLine) {
        this.endLine();
        continue;
      }
      if (this.line[0] === 0x3e /* '>' */ && this.isPrompt()) {
        this.line = [];
        this.expectPrompt = false;
        this.onFrame({ kind: 'prompt' });
      }
    }
    // A lone '>' at the end of a read is the prompt when one is awaited (firmwares that omit SP).
    if (this.expectPrompt && this.line.length === 1 && this.line[0] === 0x3e) {
      this.line = [];
      this.expectPrompt = false;
      this.onFrame({ kind: 'prompt' });
    }
  }

  private isPrompt(): boolean {
    return this.line.length === 2 && this.line[1] === 0x20;
  }

  private takeRaw(chunk: Buffer, at: number): number {
    const n = Math.min(this.rawWanted - this.rawHave, chunk.length - at);
    this.rawChunks.push(Buffer.from(chunk.subarray(at, at + n)));
    this.rawHave += n;
    if (this.rawHave === this.rawWanted) {
      const data = Buffer.concat(this.rawChunks);
      this.rawWanted = 0;
      this.rawChunks = [];
      this.rawHave = 0;
      this.skipLf = false;
      this.onFrame({ kind: 'raw', data });
    }
    return at + n;
  }

  private endLine(): void {
    if (this.line.length === 0) return;
    const text = Buffer.from(this.line).toString('latin1').trim();
    this.line = [];
    if (text.length === 0) return;
    const header = this.pduHeader;
    this.pduHeader = undefined;
    if (header !== undefined && HEX.test(text)) {
      this.onFrame({ kind: 'pdu', text, header });
      return;
    }
    if (this.pduHeaders.some((p) => text.startsWith(p))) this.pduHeader = text;
    this.onFrame({ kind: 'line', text });
  }
}
