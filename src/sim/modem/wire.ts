/**
 * The simulator's transmit side: paces bytes at the configured baud rate (8N1 = 10 bits per
 * byte, so 115200 baud moves 11 520 bytes/s) and keeps write boundaries where a fault asks for
 * them (a reply split over several writes with gaps, or several lines merged into one write).
 * With baud 0 every write goes out at once.
 */
export type Sink = (bytes: Buffer) => void;

interface Pending {
  readonly bytes: Buffer;
  /** Quiet time before this piece, so that the reader sees it as a separate read. */
  readonly gapMs: number;
}

/** Output slice per timer tick when throttled; about 10 ms of line time. */
const TICK_MS = 10;

export class Wire {
  private readonly queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busyUntil = 0;

  constructor(
    private sink: Sink | undefined,
    private baud: number,
  ) {}

  /** Changes the pacing from the next write on; 0 = full speed. */
  setBaud(baud: number): void {
    this.baud = baud;
  }

  get baudRate(): number {
    return this.baud;
  }

  /** Points the output at a new line (after a re-plug) or nowhere (unplugged). */
  setSink(sink: Sink | undefined): void {
    this.sink = sink;
    if (sink === undefined) this.clear();
  }

  clear(): void {
    this.queue.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  write(data: string | Uint8Array, gapMs = 0): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
    if (bytes.length === 0) return;
    this.queue.push({ bytes, gapMs });
    this.pump();
  }

  /** Writes data cut at random points into 2–5 pieces with a few ms between them. */
  writeSplit(data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
    const pieces = Math.min(bytes.length, 2 + Math.floor(Math.random() * 4));
    const cuts = new Set<number>();
    while (cuts.size < pieces - 1) cuts.add(1 + Math.floor(Math.random() * (bytes.length - 1)));
    const points = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
    for (let i = 0; i + 1 < points.length; i++) {
      this.write(bytes.subarray(points[i], points[i + 1]), i === 0 ? 0 : 15 + Math.floor(Math.random() * 20));
    }
  }

  /** Whether anything is still waiting to go out. */
  idle(): boolean {
    return this.queue.length === 0 && this.timer === undefined;
  }

  private pump(): void {
    if (this.timer !== undefined) return;
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if (head === undefined) return;
      const now = Date.now();
      if (head.gapMs > 0) {
        this.busyUntil = Math.max(now, this.busyUntil) + head.gapMs;
        this.queue[0] = { bytes: head.bytes, gapMs: 0 };
      }
      const wait = this.busyUntil - now;
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      const current = this.queue[0] ?? head;
      let piece: Buffer;
      if (this.baud > 0) {
        const perTick = Math.max(16, Math.round((this.baud / 10) * (TICK_MS / 1000)));
        piece = current.bytes.subarray(0, perTick);
        if (piece.length < current.bytes.length) this.queue[0] = { bytes: current.bytes.subarray(perTick), gapMs: 0 };
        else this.queue.shift();
        this.busyUntil = Math.max(now, this.busyUntil) + (piece.length * 10 * 1000) / this.baud;
      } else {
        piece = current.bytes;
        this.queue.shift();
        this.busyUntil = now;
      }
      this.sink?.(piece);
    }
  }
}
