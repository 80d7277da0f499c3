import { MmsgwError } from '../../util/errors.js';

/**
 * Splits the value of an information line into its comma-separated parameters, keeping commas
 * inside double quotes (27.007 §4.1 string constants). Quotes are removed; an empty parameter
 * (",,") is ''.
 */
export function splitParams(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** The parameters of the first line starting with `prefix`; throws when there is none. */
export function paramsOf(lines: readonly string[], prefix: string): string[] {
  const line = lines.find((l) => l.startsWith(prefix));
  if (line === undefined) throw new MmsgwError('AT_PARSE', `no ${prefix} line in the answer`);
  return splitParams(line.slice(prefix.length));
}

/** An integer parameter, or undefined when empty/absent. Throws on a non-number. */
export function intParam(params: readonly string[], i: number, radix = 10): number | undefined {
  const v = params[i];
  if (v === undefined || v === '') return undefined;
  const n = radix === 16 ? Number.parseInt(v, 16) : Number(v);
  if (!Number.isInteger(n) || (radix === 10 && !/^-?\d+$/.test(v)) || (radix === 16 && !/^[0-9A-Fa-f]+$/.test(v))) {
    throw new MmsgwError('AT_PARSE', `parameter ${i + 1} is not a number: ${JSON.stringify(v)}`);
  }
  return n;
}

/** The single text answer of an identity command; strips an optional echo of the prefix. */
export function textAnswer(lines: readonly string[], prefixes: readonly string[]): string {
  const line = lines.find((l) => l.trim() !== '');
  if (line === undefined) throw new MmsgwError('AT_PARSE', 'empty answer');
  for (const p of prefixes) if (line.startsWith(p)) return line.slice(p.length).trim().replace(/^"|"$/g, '');
  return line.trim();
}

/** Quotes a string parameter (27.007 §4.1); rejects characters that would break the line. */
export function quote(value: string): string {
  if (/["\r\n\x1a\x1b]/.test(value)) throw new MmsgwError('AT_PARSE', `cannot send ${JSON.stringify(value)} as an AT string`);
  return `"${value}"`;
}
