/**
 * Input mutators for robustness checks of the decoders (used by test/codec/mms/fuzz.test.ts and
 * bench/fuzz.ts): bit flips, truncation, splices, length-field inflation and random bytes, all
 * driven by a seeded PRNG so that a failure can be replayed from its seed and index.
 */
import { mulberry32 as prng } from '../../../src/util/prng.js';

/** Mulberry32: a small, fast, seeded 32-bit PRNG. */
export { prng };

export type Mutation = 'bitflip' | 'truncate' | 'splice' | 'inflate' | 'overwrite' | 'random';

export const MUTATIONS: readonly Mutation[] = ['bitflip', 'truncate', 'splice', 'inflate', 'overwrite', 'random'];

/** One mutated input from the seed corpus. */
export function mutate(rand: () => number, corpus: readonly Uint8Array[], kind: Mutation): Uint8Array {
  const pick = (): Uint8Array => corpus[Math.floor(rand() * corpus.length)] ?? new Uint8Array(0);
  const int = (n: number): number => Math.floor(rand() * n);
  const src = pick();
  switch (kind) {
    case 'bitflip': {
      const out = Uint8Array.from(src);
      const flips = 1 + int(8);
      for (let i = 0; i < flips && out.length > 0; i++) {
        const at = int(out.length);
        out[at] = (out[at] as number) ^ (1 << int(8));
      }
      return out;
    }
    case 'truncate':
      return src.slice(0, int(src.length + 1));
    case 'splice': {
      const other = pick();
      const a = int(src.length + 1);
      const b = int(other.length + 1);
      const out = new Uint8Array(a + other.length - b);
      out.set(src.subarray(0, a));
      out.set(other.subarray(b), a);
      return out;
    }
    case 'inflate': {
      // Overwrite a byte with a length-like value: a large short-length, a length-quote followed
      // by a 5-octet uintvar claiming up to 4 GB, or a huge uintvar in place.
      const out = Uint8Array.from(src);
      if (out.length === 0) return out;
      const at = int(out.length);
      const r = int(3);
      if (r === 0) out[at] = 1 + int(30);
      else {
        const big = [0x8f, 0xff, 0xff, 0xff, 0x7f];
        const pre = r === 1 ? [0x1f, ...big] : big;
        for (let i = 0; i < pre.length && at + i < out.length; i++) out[at + i] = pre[i] as number;
      }
      return out;
    }
    case 'overwrite': {
      const out = Uint8Array.from(src);
      const n = 1 + int(16);
      for (let i = 0; i < n && out.length > 0; i++) out[int(out.length)] = int(256);
      return out;
    }
    case 'random': {
      const out = new Uint8Array(int(512));
      for (let i = 0; i < out.length; i++) out[i] = int(256);
      if (out.length > 0 && rand() < 0.5) out[0] = 0x8c;
      return out;
    }
  }
}
