/**
 * How many SMS a text needs, and in which alphabet. 3GPP 23.038 §6.2.1 (GSM 7-bit default
 * alphabet and its extension table, where each extension character costs an escape septet
 * too) and §6.2.3 (UCS2); 3GPP 23.040 §9.2.3.24.1 concatenation, whose user data header
 * leaves 153 septets / 67 UCS2 characters per part. A part never splits an escape sequence or
 * a UTF-16 surrogate pair, so the count matches what codec/sms `encodeSubmit` produces.
 */
import type { SmsPlanAlphabet } from './types.js';

/** 3GPP 23.038 §6.2.1 default alphabet (0x1B, the escape, is left out). */
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ' + 'ÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** 3GPP 23.038 §6.2.1.1 default extension table. */
const GSM7_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

export const SINGLE_GSM7_SEPTETS = 160;
export const CONCAT_GSM7_SEPTETS = 153;
export const SINGLE_UCS2_UNITS = 70;
export const CONCAT_UCS2_UNITS = 67;

export interface SmsLength {
  readonly alphabet: SmsPlanAlphabet;
  readonly segments: number;
  /** Septets (gsm7) or UTF-16 code units (ucs2) in total. */
  readonly units: number;
}

/** Septets one character costs in GSM 7-bit: 1, 2 (extension) or undefined (not representable). */
export function gsm7Cost(ch: string): 1 | 2 | undefined {
  if (BASIC.has(ch)) return 1;
  if (EXTENSION.has(ch)) return 2;
  return undefined;
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (gsm7Cost(ch) === undefined) return false;
  return true;
}

/** Splits costs into parts of `size` units without breaking an item; returns the part count. */
function countParts(costs: readonly number[], total: number, single: number, size: number): number {
  if (total <= single) return 1;
  let parts = 1;
  let used = 0;
  for (const c of costs) {
    if (used + c > size) {
      parts++;
      used = 0;
    }
    used += c;
  }
  return parts;
}

export function measureSms(text: string): SmsLength {
  if (isGsm7(text)) {
    const costs = [...text].map((ch) => gsm7Cost(ch) as number);
    const units = costs.reduce((a, b) => a + b, 0);
    return { alphabet: 'gsm7', units, segments: countParts(costs, units, SINGLE_GSM7_SEPTETS, CONCAT_GSM7_SEPTETS) };
  }
  const costs = [...text].map((ch) => ch.length);
  const units = text.length;
  return { alphabet: 'ucs2', units, segments: countParts(costs, units, SINGLE_UCS2_UNITS, CONCAT_UCS2_UNITS) };
}

/** Typographic characters mail clients insert on their own, and their GSM 7-bit stand-ins. */
const FOLDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\u2018\u2019\u201a\u201b\u2032]/g, "'"],
  [/[\u201c\u201d\u201e\u201f\u2033]/g, '"'],
  [/[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g, '-'],
  [/\u2026/g, '...'],
  [/[\u00a0\u2007\u202f\u2009\u200a]/g, ' '],
  [/[\u200b\u200c\u200d\u2060\ufeff]/g, ''],
];

/**
 * Replaces typographic quotes, dashes, ellipses and special spaces by their plain forms when
 * that alone makes the text fit GSM 7-bit (halving the SMS count compared with UCS2). Text that
 * needs UCS2 anyway is returned unchanged, so nothing the sender wrote is altered for nothing.
 */
export function foldForGsm7(text: string): string {
  if (isGsm7(text)) return text;
  let folded = text;
  for (const [re, rep] of FOLDS) folded = folded.replace(re, rep);
  return isGsm7(folded) ? folded : text;
}
