/** Runs of up to this many bytes are copied into the scratch buffer; longer ones are kept by reference. */
const COPY_LIMIT = 512;

/**
 * A growable byte sink for the encoders. Small writes go into a scratch buffer; large runs (part
 * bodies) are kept by reference and joined once at the end, so a large body is copied exactly
 * once into the output.
 */
export class Writer {
  private chunks: Uint8Array[] = [];
  private buf = new Uint8Array(256);
  private n = 0;
  private total = 0;
  private readonly owned = new WeakSet<ArrayBufferLike>([this.buf.buffer]);

  get length(): number {
    return this.total + this.n;
  }

  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
    this.owned.add(next.buffer);
  }

  u8(b: number): this {
    this.room(1);
    this.buf[this.n++] = b & 0xff;
    return this;
  }

  bytes(b: Uint8Array): this {
    if (b.length <= COPY_LIMIT) {
      this.room(b.length);
      this.buf.set(b, this.n);
      this.n += b.length;
      return this;
    }
    this.flushSmall();
    this.chunks.push(b);
    this.total += b.length;
    return this;
  }

  /** Uintvar (WAP-230-WSP §8.1.2), minimal form. */
  uintvar(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`uintvar out of range: ${v}`);
    const out: number[] = [v % 128];
    v = Math.floor(v / 128);
    while (v > 0) {
      out.unshift((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    for (const b of out) this.u8(b);
    return this;
  }

  /** The bytes written, in a buffer of their own (never a caller's array). */
  finish(): Uint8Array {
    this.flushSmall();
    const only = this.chunks[0];
    if (this.chunks.length === 0) return new Uint8Array(0);
    if (this.chunks.length === 1 && only && this.owned.has(only.buffer)) return only;
    const out = new Uint8Array(this.total);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** Moves the scratch bytes into a chunk; later writes continue in the rest of the scratch buffer. */
  private flushSmall(): void {
    if (this.n === 0) return;
    this.chunks.push(this.buf.subarray(0, this.n));
    this.total += this.n;
    this.buf = this.buf.subarray(this.n);
    this.n = 0;
  }
}

/** Encodes into a fresh writer and returns the bytes. */
export function encodeWith(fn: (w: Writer) => void): Uint8Array {
  const w = new Writer();
  fn(w);
  return w.finish();
}
