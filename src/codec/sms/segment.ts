/**
 * Splitting a message into TPDU-sized parts with exact accounting, 3GPP 23.040 §9.2.3.16 and
 * §9.2.3.24 (140 octets of TP-UD; a header costs its octets, rounded up to whole septets for
 * the 7-bit alphabet; 23.038 §6.2.1.1: an escape sequence is two septets and is never split).
 *
 * Own code rather than node-pdu's Data.prepareParts: node-pdu splits 7-bit text into fixed
 * runs of characters (too early, and escape characters overflow TP-UDL: 130 × '[' gives odd
 * length hex), treats every code point above U+00C0 as "unicode" and everything between U+0080
 * and U+00C0 as 7-bit (sent as spaces), and cuts UCS2 text between the halves of a surrogate pair.
 */
import { MmsgwError } from '../../util/errors.js';
import { charToSeptets, hasLockingTable, tables, type TableSet } from './gsm7.js';
import { SMS_ENCODE } from './reader.js';
import { udhSize, type HeaderSpec } from './udh.js';
import type { AlphabetChoice, LanguageChoice, NationalLanguage } from './types.js';
import { MAX_UD_OCTETS, MAX_UD_SEPTETS } from './userdata.js';

/** §9.2.3.24.1: the sequence number is one octet. */
export const MAX_PARTS = 255;

export type TextPlan =
  | { readonly alphabet: 'gsm7'; readonly locking?: NationalLanguage; readonly single?: NationalLanguage; readonly parts: readonly (readonly number[])[] }
  | { readonly alphabet: 'ucs2'; readonly parts: readonly (readonly number[])[] };

export interface PlanOptions {
  readonly alphabet?: AlphabetChoice;
  readonly nationalLanguage?: LanguageChoice;
  /** Header elements every part carries besides concatenation (application ports). */
  readonly port?: { readonly dst: number; readonly src: number };
  readonly refBits?: 8 | 16;
}

/** Septets of TP-UD left after a header of `headerOctets` octets (UDHL included). */
function septetCapacity(headerOctets: number): number {
  return MAX_UD_SEPTETS - Math.ceil((headerOctets * 8) / 7);
}

function headerFor(base: HeaderSpec, concat: boolean, refBits: 8 | 16): number {
  return udhSize(concat ? { ...base, concat: { ref: 0, refBits, total: 1, seq: 1 } } : base);
}

/** Split units (each an indivisible group of code values) into parts of at most `cap` values. */
function split(units: readonly (readonly number[])[], cap: number): number[][] {
  const parts: number[][] = [];
  let cur: number[] = [];
  for (const u of units) {
    if (cur.length + u.length > cap) {
      parts.push(cur);
      cur = [];
    }
    cur.push(...u);
  }
  parts.push(cur);
  return parts;
}

function countUnits(units: readonly (readonly number[])[]): number {
  let n = 0;
  for (const u of units) n += u.length;
  return n;
}

function packParts(units: readonly (readonly number[])[], base: HeaderSpec, refBits: 8 | 16, capacity: (header: number) => number): number[][] {
  if (countUnits(units) <= capacity(headerFor(base, false, refBits))) return [units.flat()];
  const parts = split(units, capacity(headerFor(base, true, refBits)));
  if (parts.length > MAX_PARTS) throw new MmsgwError(SMS_ENCODE, `message needs ${parts.length} parts; at most ${MAX_PARTS} can be concatenated`);
  return parts;
}

/** 7-bit units of the text under a table set, or undefined when a character is not in it. */
function gsmUnits(text: string, t: TableSet): number[][] | undefined {
  const units: number[][] = [];
  for (const ch of text) {
    const s = charToSeptets(ch, t);
    if (!s) return undefined;
    units.push([...s]);
  }
  return units;
}

/** UCS2 units: one code unit, or a surrogate pair kept together. */
function ucs2Units(text: string): number[][] {
  const units: number[][] = [];
  for (const ch of text) {
    const a = ch.charCodeAt(0);
    units.push(ch.length === 2 ? [a, ch.charCodeAt(1)] : [a]);
  }
  return units;
}

function languageCandidates(choice: LanguageChoice | undefined): Array<{ locking?: NationalLanguage; single?: NationalLanguage }> {
  const out: Array<{ locking?: NationalLanguage; single?: NationalLanguage }> = [{}];
  if (choice === undefined) return out;
  if (typeof choice === 'string') {
    out.push({ single: choice });
    if (hasLockingTable(choice)) out.push({ locking: choice }, { locking: choice, single: choice });
    return out;
  }
  if (choice.single) out.push({ single: choice.single });
  if (choice.locking && hasLockingTable(choice.locking)) out.push({ locking: choice.locking });
  if (choice.single && choice.locking && hasLockingTable(choice.locking)) out.push({ locking: choice.locking, single: choice.single });
  return out;
}

/**
 * Decides alphabet and language tables and splits the text. 'auto' takes GSM 7-bit when the
 * default tables (or a configured language's) carry every character — the table set giving the
 * fewest parts wins, default first on a tie — and UCS2 otherwise.
 */
export function planText(text: string, opts: PlanOptions = {}): TextPlan {
  const refBits = opts.refBits ?? 8;
  const port: HeaderSpec = opts.port ? { port: opts.port } : {};
  const alphabet = opts.alphabet ?? 'auto';
  if (alphabet !== 'ucs2') {
    let best: TextPlan | undefined;
    for (const lang of languageCandidates(opts.nationalLanguage)) {
      const units = gsmUnits(text, tables(lang.locking, lang.single));
      if (!units) continue;
      const base: HeaderSpec = { ...port, ...lang };
      const parts = packParts(units, base, refBits, septetCapacity);
      if (!best || parts.length < best.parts.length) best = { alphabet: 'gsm7', ...lang, parts };
    }
    if (best) return best;
    if (alphabet === 'gsm7') throw new MmsgwError(SMS_ENCODE, 'text has characters outside the GSM 7-bit alphabet and the configured language tables');
  }
  const parts = packParts(ucs2Units(text), port, refBits, (h) => Math.floor((MAX_UD_OCTETS - h) / 2));
  return { alphabet: 'ucs2', parts };
}

/** Splits binary data into 8-bit parts. */
export function planData(data: Uint8Array, opts: PlanOptions = {}): number[][] {
  const refBits = opts.refBits ?? 8;
  const base: HeaderSpec = opts.port ? { port: opts.port } : {};
  return packParts(Array.from(data, (b) => [b]), base, refBits, (h) => MAX_UD_OCTETS - h);
}
