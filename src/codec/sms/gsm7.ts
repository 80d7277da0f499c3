/**
 * GSM 7-bit alphabets: the default alphabet (3GPP 23.038 §6.2.1), its extension table
 * (§6.2.1.1), and the national language locking/single shift tables of Annex A
 * (Turkish A.2.1/A.3.1, Spanish A.2.2, Portuguese A.2.3/A.3.3 here; the Indian tables
 * A.2.4–A.2.13/A.3.4–A.3.13 in gsm7-indic.ts), plus septet packing (§6.1.2.1.1).
 *
 * Own code rather than node-pdu's Helper: node-pdu's extension table maps unknown positions and
 * form feed (0x1B 0x0A) to a backtick, its default alphabet has no '§' at 0x5F (decodes as a
 * backtick), and it has no national language tables at all.
 */
import { INDIC } from './gsm7-indic.js';
import type { IndicLanguage, NationalLanguage } from './types.js';

export const ESC = 0x1b;

/** 3GPP 23.038 §6.2.1: the 128 code points of the default alphabet; 0x1B is the escape. */
const DEFAULT_LOCKING =
  '@£$¥èéùìòÇ\nØø\rÅå' +
  'Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ' +
  ' !"#¤%&\'()*+,-./' +
  '0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNO' +
  'PQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmno' +
  'pqrstuvwxyzäöñüà';

/** 3GPP 23.038 Annex A.3.1: Turkish locking shift table. */
const TURKISH_LOCKING =
  '@£$¥€éùıòÇ\nĞğ\rÅå' +
  'Δ_ΦΓΛΩΠΨΣΘΞ\x1bŞşßÉ' +
  ' !"#¤%&\'()*+,-./' +
  '0123456789:;<=>?' +
  'İABCDEFGHIJKLMNO' +
  'PQRSTUVWXYZÄÖÑÜ§' +
  'çabcdefghijklmno' +
  'pqrstuvwxyzäöñüà';

/** 3GPP 23.038 Annex A.3.3: Portuguese locking shift table. */
const PORTUGUESE_LOCKING =
  '@£$¥êéúíóç\nÔô\rÁá' +
  'Δ_ªÇÀ∞^\\€Ó|\x1bÂâÊÉ' +
  ' !"#º%&\'()*+,-./' +
  '0123456789:;<=>?' +
  'ÍABCDEFGHIJKLMNO' +
  'PQRSTUVWXYZÃÕÚÜ§' +
  '~abcdefghijklmno' +
  'pqrstuvwxyzãõ`üà';

/** Entries shared by every single shift table (3GPP 23.038 §6.2.1.1 and Annex A.2). */
const COMMON_SHIFT: ReadonlyArray<readonly [number, string]> = [
  [0x0a, '\f'], [0x14, '^'], [0x28, '{'], [0x29, '}'], [0x2f, '\\'],
  [0x3c, '['], [0x3d, '~'], [0x3e, ']'], [0x40, '|'], [0x65, '€'],
];

/** Annex A.2.1: Turkish single shift additions. */
const TURKISH_SHIFT: ReadonlyArray<readonly [number, string]> = [
  [0x47, 'Ğ'], [0x49, 'İ'], [0x53, 'Ş'], [0x63, 'ç'], [0x67, 'ğ'], [0x69, 'ı'], [0x73, 'ş'],
];

/** Annex A.2.2: Spanish single shift additions. */
const SPANISH_SHIFT: ReadonlyArray<readonly [number, string]> = [
  [0x09, 'ç'], [0x41, 'Á'], [0x49, 'Í'], [0x4f, 'Ó'], [0x55, 'Ú'],
  [0x61, 'á'], [0x69, 'í'], [0x6f, 'ó'], [0x75, 'ú'],
];

/** Annex A.2.3: Portuguese single shift additions. */
const PORTUGUESE_SHIFT: ReadonlyArray<readonly [number, string]> = [
  [0x05, 'ê'], [0x09, 'ç'], [0x0b, 'Ô'], [0x0c, 'ô'], [0x0e, 'Á'], [0x0f, 'á'],
  [0x12, 'Φ'], [0x13, 'Γ'], [0x15, 'Ω'], [0x16, 'Π'], [0x17, 'Ψ'], [0x18, 'Σ'], [0x19, 'Θ'], [0x1f, 'Ê'],
  [0x41, 'À'], [0x49, 'Í'], [0x4f, 'Ó'], [0x55, 'Ú'], [0x5b, 'Ã'], [0x5c, 'Õ'],
  [0x61, 'Â'], [0x69, 'í'], [0x6f, 'ó'], [0x75, 'ú'], [0x7b, 'ã'], [0x7c, 'õ'], [0x7f, 'â'],
];

/** National language identifiers, 3GPP 23.038 §6.2.1.2.4. */
export const LANGUAGE_IDS: Readonly<Record<NationalLanguage, number>> = {
  turkish: 1,
  spanish: 2,
  portuguese: 3,
  ...(Object.fromEntries(Object.entries(INDIC).map(([name, t]) => [name, t.id])) as Record<IndicLanguage, number>),
};

export function languageById(id: number): NationalLanguage | undefined {
  for (const [name, v] of Object.entries(LANGUAGE_IDS)) if (v === id) return name as NationalLanguage;
  return undefined;
}

/** One character table: septet → character, and character → septet. */
export interface SeptetTable {
  readonly toChar: ReadonlyArray<string | undefined>;
  readonly toSeptet: ReadonlyMap<string, number>;
}

function table(entries: Iterable<readonly [number, string]>): SeptetTable {
  const toChar: Array<string | undefined> = new Array<string | undefined>(128).fill(undefined);
  const toSeptet = new Map<string, number>();
  for (const [code, ch] of entries) {
    if (code === ESC) continue;
    toChar[code] = ch;
    if (!toSeptet.has(ch)) toSeptet.set(ch, code);
  }
  return { toChar, toSeptet };
}

/** A 128-character table indexed by septet; NUL marks an unassigned position. */
function stringTable(chars: string): SeptetTable {
  return table([...chars].flatMap((c, i) => (c === '\x00' ? [] : [[i, c] as const])));
}

type LockingLanguage = Exclude<NationalLanguage, 'spanish'>;

/** Locking shift tables (Annex A.3), as 128-character strings. */
const LOCKING_CHARS = {
  default: DEFAULT_LOCKING,
  turkish: TURKISH_LOCKING,
  portuguese: PORTUGUESE_LOCKING,
  ...(Object.fromEntries(Object.entries(INDIC).map(([name, t]) => [name, t.locking])) as Record<IndicLanguage, string>),
} satisfies Record<'default' | LockingLanguage, string>;

/** Single shift tables (Annex A.2): built from their definitions when first used. */
const SHIFT_SOURCE = {
  default: () => table(COMMON_SHIFT),
  turkish: () => table([...COMMON_SHIFT, ...TURKISH_SHIFT]),
  spanish: () => table([...COMMON_SHIFT, ...SPANISH_SHIFT]),
  portuguese: () => table([...COMMON_SHIFT, ...PORTUGUESE_SHIFT]),
  ...(Object.fromEntries(Object.entries(INDIC).map(([name, t]) => [name, () => stringTable(t.shift)])) as Record<IndicLanguage, () => SeptetTable>),
} satisfies Record<'default' | NationalLanguage, () => SeptetTable>;

// Each table is built the first time a message uses it: a gateway that only ever sees the
// default alphabet does not hold (or allocate at start) the ~25 national language tables.
const lockingBuilt = new Map<'default' | LockingLanguage, SeptetTable>();
const shiftBuilt = new Map<'default' | NationalLanguage, SeptetTable>();

function lockingTable(lang: 'default' | LockingLanguage): SeptetTable {
  let t = lockingBuilt.get(lang);
  if (t === undefined) lockingBuilt.set(lang, (t = stringTable(LOCKING_CHARS[lang])));
  return t;
}

function shiftTable(lang: 'default' | NationalLanguage): SeptetTable {
  let t = shiftBuilt.get(lang);
  if (t === undefined) shiftBuilt.set(lang, (t = SHIFT_SOURCE[lang]()));
  return t;
}

/** Languages that have a locking shift table (Spanish has only a single shift table, Annex A). */
export function hasLockingTable(lang: NationalLanguage): lang is LockingLanguage {
  return lang !== 'spanish';
}

export interface TableSet {
  readonly locking: SeptetTable;
  readonly shift: SeptetTable;
}

/** The tables selected by the national language shift IEs (absent → default tables). */
export function tables(locking?: NationalLanguage, single?: NationalLanguage): TableSet {
  return {
    locking: lockingTable(locking !== undefined && hasLockingTable(locking) ? locking : 'default'),
    shift: shiftTable(single ?? 'default'),
  };
}

export const DEFAULT_TABLES: TableSet = tables();

/**
 * Septets → text. An escape followed by a code the single shift table does not define shows the
 * locking-table character for that code (3GPP 23.038 §6.2.1.1, note on unknown extension codes);
 * a trailing lone escape shows as a space.
 */
export function septetsToText(septets: Uint8Array, t: TableSet = DEFAULT_TABLES): string {
  let out = '';
  for (let i = 0; i < septets.length; i++) {
    const s = (septets[i] as number) & 0x7f;
    if (s === ESC) {
      const next = septets[i + 1];
      if (next === undefined) {
        out += ' ';
        break;
      }
      i++;
      const n = next & 0x7f;
      out += t.shift.toChar[n] ?? t.locking.toChar[n] ?? ' ';
      continue;
    }
    out += t.locking.toChar[s] ?? ' ';
  }
  return out;
}

/**
 * Septet sequence for one character (1 septet, or ESC + code for the single shift table), or
 * undefined when the tables cannot carry it.
 */
export function charToSeptets(ch: string, t: TableSet = DEFAULT_TABLES): readonly number[] | undefined {
  const direct = t.locking.toSeptet.get(ch);
  if (direct !== undefined) return [direct];
  const shifted = t.shift.toSeptet.get(ch);
  if (shifted !== undefined) return [ESC, shifted];
  return undefined;
}

/** Pack septets into octets, LSB first, after `fillBits` zero bits (3GPP 23.038 §6.1.2.1.1, 23.040 §9.2.3.24). */
export function packSeptets(septets: ArrayLike<number>, fillBits = 0): Uint8Array {
  const totalBits = fillBits + septets.length * 7;
  const out = new Uint8Array(Math.ceil(totalBits / 8));
  let bit = fillBits;
  for (let i = 0; i < septets.length; i++) {
    const v = (septets[i] as number) & 0x7f;
    const byte = bit >> 3;
    const shift = bit & 7;
    out[byte] = (out[byte] as number) | ((v << shift) & 0xff);
    if (shift > 1) out[byte + 1] = (out[byte + 1] as number) | (v >> (8 - shift));
    bit += 7;
  }
  return out;
}

/** Unpack `count` septets from `octets`, skipping `fillBits` leading bits. */
export function unpackSeptets(octets: Uint8Array, count: number, fillBits = 0): Uint8Array {
  const out = new Uint8Array(count);
  let bit = fillBits;
  for (let i = 0; i < count; i++) {
    const byte = bit >> 3;
    const shift = bit & 7;
    let v = (octets[byte] ?? 0) >> shift;
    if (shift > 1) v |= (octets[byte + 1] ?? 0) << (8 - shift);
    out[i] = v & 0x7f;
    bit += 7;
  }
  return out;
}
