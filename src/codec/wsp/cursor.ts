import { DecodeError } from '../../util/errors.js';

/**
 * A decode failure inside the codec. Deliberately not an Error: throwing it captures no stack
 * trace, so a PDU of many small malformed headers (each one kept raw after a failed attempt)
 * costs microseconds, not the tens of microseconds a stack capture takes. `guard` turns it into
 * the public DecodeError.
 */
export class CodecFault {
  constructor(
    readonly code: string,
    readonly field: string,
    readonly offset: number,
    readonly message: string,
  ) {}

  toError(): DecodeError {
    return new DecodeError(this.code, this.field, this.offset, this.message);
  }
}

/**
 * A read position over a byte buffer. Every read checks the remaining length first and throws
 * a CodecFault naming the field and the offset; the public decoders turn it into a DecodeError
 * Result. `base` is added to offsets so errors inside a sub-range (a multipart entry, a push
 * body) point into the outermost buffer.
 */
export class Cursor {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
    readonly base = 0,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Absolute offset (for errors) of the current position, or of `at`. */
  offset(at = this.pos): number {
    return this.base + at;
  }

  fail(field: string, message: string, at = this.pos, code = 'CODEC_INVALID'): never {
    throw new CodecFault(code, field, this.offset(at), message);
  }

  need(n: number, field: string): void {
    if (n > this.remaining) {
      this.fail(field, `needs ${n} byte(s), ${this.remaining} left`, this.pos, 'CODEC_TRUNCATED');
    }
  }

  peek(field: string): number {
    this.need(1, field);
    return this.bytes[this.pos] as number;
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.pos++] as number;
  }

  /** `n` bytes as a view (no copy). `n` has been checked against the remaining length. */
  take(n: number, field: string): Uint8Array {
    this.need(n, field);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A cursor over the next `n` bytes; this cursor skips them. */
  sub(n: number, field: string): Cursor {
    this.need(n, field);
    const c = new Cursor(this.bytes, this.pos, this.pos + n, this.base);
    this.pos += n;
    return c;
  }

  /** Bytes from `from` to the current position (a view). */
  since(from: number): Uint8Array {
    return this.bytes.subarray(from, this.pos);
  }

  /**
   * Uintvar (WAP-230-WSP §8.1.2): 7 bits per octet, high bit = continue. At most 5 octets and
   * at most 32 bits of value; longer runs are refused rather than looped over.
   */
  uintvar(field: string): number {
    const start = this.pos;
    let v = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.u8(field);
      v = v * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) {
        if (v > 0xffffffff) this.fail(field, 'uintvar exceeds 32 bits', start);
        return v;
      }
    }
    return this.fail(field, 'uintvar longer than 5 octets', start);
  }

  /** Bytes up to (not including) the next NUL; the NUL is consumed. Searches only up to `end`. */
  cstring(field: string): Uint8Array {
    // A plain loop bounded by `end`: header strings are short, where it beats a native
    // indexOf call and its extra view; the bound keeps the search linear in this cursor's range.
    const bytes = this.bytes;
    const start = this.pos;
    const end = this.end;
    let i = start;
    while (i < end && bytes[i] !== 0) i++;
    if (i === end) this.fail(field, 'text not terminated by NUL', start, 'CODEC_TRUNCATED');
    this.pos = i + 1;
    return bytes.subarray(start, i);
  }
}
