/**
 * Turning stored values into terminal text. Senders, subjects, file names and error texts
 * are attacker-controlled (anyone can send the box an SMS); printed raw, an ESC sequence
 * could recolour, move the cursor, set the window title or hide lines of the output. Every
 * string from the database goes through `clean` before it reaches a terminal.
 */

import { formatPhoneNumber } from '../util/phone.js';
import { formatLocalTime } from '../util/time.js';

/** C0/C1 controls (ESC, CSI, BEL, CR, LF, …), DEL, line/paragraph separators, bidi controls, zero-width and BOM. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** Replaces every control or invisible formatting character by `·`, visibly. */
export function clean(s: string | null | undefined): string {
  if (s === null || s === undefined) return '-';
  return s.replace(UNSAFE, '\u00b7');
}

/** `clean`, then cut to `max` code points with an ellipsis. */
export function truncate(s: string | null | undefined, max: number): string {
  const c = clean(s);
  const chars = [...c];
  return chars.length <= max ? c : `${chars.slice(0, Math.max(0, max - 1)).join('')}\u2026`;
}

/** How times and numbers are shown: the box's time zone and country (from its configuration). */
const display: { timeZone?: string | undefined; countryCode?: string | undefined } = {};

export function setDisplay(d: { timeZone?: string | undefined; countryCode?: string | undefined }): void {
  display.timeZone = d.timeZone;
  display.countryCode = d.countryCode;
}

/** `2026-03-01 11:20:30 +01:00` in the box's time zone (the system's unless box.timeZone says), or `-`. */
export function time(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  return formatLocalTime(new Date(ms), display.timeZone);
}

/** A number as read in the box's country: `0151 12345678` at home, `+44 7700 900123` abroad; cleaned. */
export function phone(n: string | null | undefined): string {
  if (n === null || n === undefined) return '-';
  return clean(formatPhoneNumber(n, { countryCode: display.countryCode, style: 'national' }));
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i] ?? ''}`;
}

/** Left-aligned columns; every cell must already be clean. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - [...c].length))))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** `hexdump -C` style: offset, 16 bytes in hex, printable ASCII (everything else `.`). */
export function hexdump(data: Uint8Array, limit = Number.POSITIVE_INFINITY): string {
  const out: string[] = [];
  const end = Math.min(data.length, limit);
  for (let off = 0; off < end; off += 16) {
    const row = data.subarray(off, Math.min(off + 16, end));
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    out.push(`${off.toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`);
  }
  if (end < data.length) out.push(`… ${data.length - end} more bytes`);
  out.push(end.toString(16).padStart(8, '0'));
  return out.join('\n');
}

/** A JSON value on one line, cleaned for the terminal. */
export function inlineJson(v: unknown): string {
  return v === null || v === undefined ? '' : clean(JSON.stringify(v));
}

/** Characters JSON.stringify leaves raw that a terminal still interprets (C1 controls, bidi, separators). */
const JSON_UNSAFE = /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * JSON for `--json`: standard JSON, with every control or bidi character escaped as
 * `\uXXXX`, so even JSON printed straight to a terminal cannot drive it.
 */
export function toJson(v: unknown): string {
  return JSON.stringify(v, null, 2).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Indents every line of a block by two spaces. */
export function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
