/**
 * The modem side of a command line (ITU-T V.250 §5.2–5.4): after the 'AT' prefix come basic
 * commands (a letter, or '&' and a letter, with an optional number; 'S' registers; 'D' takes
 * the rest of the line) and extended commands ('+', '^', '$', '%', '*' names) which end at ';'
 * outside quotes. Returns undefined when the line cannot be parsed (the modem answers ERROR).
 */
import type { AtCommand, AtParam, CommandKind } from './types.js';

const EXT_PREFIX = /[+^$%*#!]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** Splits a set command's argument text into parameters at commas outside quotes. */
export function splitParams(args: string): AtParam[] {
  if (args === '') return [];
  const out: AtParam[] = [];
  let raw = '';
  let inQuote = false;
  for (const ch of args) {
    if (ch === '"') inQuote = !inQuote;
    if (ch === ',' && !inQuote) {
      out.push(param(raw));
      raw = '';
    } else {
      raw += ch;
    }
  }
  out.push(param(raw));
  return out;
}

function param(raw: string): AtParam {
  const t = raw.trim();
  const quoted = t.length >= 2 && t.startsWith('"') && t.endsWith('"');
  return { raw: t, value: quoted ? t.slice(1, -1) : t, quoted };
}

/** Parses the text after 'AT'. An empty string is the bare 'AT' (no commands). */
export function parseCommandLine(body: string): AtCommand[] | undefined {
  const out: AtCommand[] = [];
  let i = 0;
  while (i < body.length) {
    const ch = body[i] ?? '';
    if (ch === ' ' || ch === ';') {
      i++;
      continue;
    }
    if (EXT_PREFIX.test(ch)) {
      let j = i + 1;
      while (j < body.length && NAME_CHAR.test(body[j] ?? '')) j++;
      if (j === i + 1) return undefined;
      const name = body.slice(i, j).toUpperCase();
      let end = j;
      let inQuote = false;
      while (end < body.length && (inQuote || body[end] !== ';')) {
        if (body[end] === '"') inQuote = !inQuote;
        end++;
      }
      if (inQuote) return undefined;
      const rest = body.slice(j, end);
      const text = body.slice(i, end);
      const parsed = extended(name, rest, text);
      if (!parsed) return undefined;
      out.push(parsed);
      i = end;
      continue;
    }
    if (/[A-Za-z&]/.test(ch)) {
      const parsed = basic(body, i);
      if (!parsed) return undefined;
      out.push(parsed.cmd);
      i = parsed.next;
      continue;
    }
    return undefined;
  }
  return out;
}

function extended(name: string, rest: string, text: string): AtCommand | undefined {
  let kind: CommandKind;
  let args = '';
  if (rest === '') kind = 'exec';
  else if (rest === '?') kind = 'read';
  else if (rest === '=?') kind = 'test';
  else if (rest.startsWith('=')) {
    kind = 'set';
    args = rest.slice(1);
  } else return undefined;
  return { name, kind, args, params: kind === 'set' ? splitParams(args) : [], text };
}

function basic(body: string, start: number): { cmd: AtCommand; next: number } | undefined {
  let i = start;
  let name = '';
  if (body[i] === '&') {
    name = '&';
    i++;
  }
  const letter = (body[i] ?? '').toUpperCase();
  if (!/[A-Z]/.test(letter)) return undefined;
  i++;
  if (name === '' && letter === 'D') {
    // V.250 §6.3.1: the dial string runs to the end of the line.
    const args = body.slice(i);
    return { cmd: { name: 'D', kind: 'set', args, params: [], text: body.slice(start) }, next: body.length };
  }
  if (name === '' && letter === 'S') {
    // V.250 §6.2: S-parameters, 'Sn?' and 'Sn=v'.
    let j = i;
    while (j < body.length && /[0-9]/.test(body[j] ?? '')) j++;
    if (j === i) return undefined;
    const reg = `S${body.slice(i, j)}`;
    if (body[j] === '?') return { cmd: { name: reg, kind: 'read', args: '', params: [], text: body.slice(start, j + 1) }, next: j + 1 };
    if (body[j] === '=') {
      let k = j + 1;
      while (k < body.length && /[0-9]/.test(body[k] ?? '')) k++;
      const args = body.slice(j + 1, k);
      return { cmd: { name: reg, kind: 'set', args, params: splitParams(args), text: body.slice(start, k) }, next: k };
    }
    return undefined;
  }
  name += letter;
  let j = i;
  while (j < body.length && /[0-9]/.test(body[j] ?? '')) j++;
  const args = body.slice(i, j);
  return { cmd: { name, kind: 'exec', args, params: args === '' ? [] : splitParams(args), text: body.slice(start, j) }, next: j };
}

/**
 * Reads parameter i as an integer. Returns `fallback` when it is absent or empty, and NaN when
 * it is present but not a decimal number (the caller answers with an error).
 */
export function intParam(params: readonly AtParam[], i: number, fallback?: number): number {
  const p = params[i];
  if (p === undefined || p.raw === '') return fallback ?? Number.NaN;
  if (p.quoted || !/^\d+$/.test(p.value)) return Number.NaN;
  return Number(p.value);
}

/** Parameter i as a string (quotes removed), or undefined when absent or empty. */
export function strParam(params: readonly AtParam[], i: number): string | undefined {
  const p = params[i];
  if (p === undefined || p.raw === '') return undefined;
  return p.value;
}
