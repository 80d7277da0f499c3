import type { z } from 'zod';
import { ConfigError } from '../util/errors.js';
import { show } from './plain.js';

/** One problem in a configuration: the dotted key and what is wrong with it. */
export interface ConfigProblem {
  readonly key: string;
  readonly message: string;
  /** The key as a path (for finding its line in the file). */
  readonly path?: readonly PropertyKey[];
  /** 1-based line in the file where the problem is, when known. */
  readonly line?: number;
}

/** Keys whose values are secrets: never echoed in an error, a log line or `config check`. */
const SECRET_KEY = /(password|secret|token|^pin$)/i;

export function isSecretKey(path: readonly PropertyKey[]): boolean {
  const last = [...path].reverse().find((p) => typeof p === 'string');
  return typeof last === 'string' && SECRET_KEY.test(last);
}

/** "…, got 'hunter2'" → "…, got <redacted>", keeping a YAML hint that says nothing of the value. */
export function redactMessage(message: string): string {
  return message.replace(/, got [\s\S]*$/, (m) => `, got <redacted>${m.includes('(YAML read it as a number') ? ' (YAML read it as a number: put it in quotes)' : ''}`);
}

/**
 * A configuration that failed validation. `key` and the first line of the message name the
 * first problem; `problems` lists them all, and the message shows every one of them so the
 * user can fix the file in one go.
 */
export class ConfigInvalidError extends ConfigError {
  readonly problems: readonly ConfigProblem[];
  /** The configuration file, when the problems are in one. */
  readonly file: string | undefined;

  constructor(problems: readonly ConfigProblem[], file?: string) {
    const first = problems[0] ?? { key: '(config)', message: 'invalid' };
    const at = (p: ConfigProblem): string => (file && p.line !== undefined ? ` (${file}:${p.line})` : '');
    const rest = problems.slice(1).map((p) => `\n  ${p.key}: ${p.message}${at(p)}`).join('');
    const where = file ? ` (in ${file}${first.line !== undefined ? `:${first.line}` : ''})` : '';
    super(first.key, `${first.message}${where}${rest}`);
    this.problems = problems;
    this.file = file;
  }
}

/** `mail.out.routes[0].mailboxes` from a zod path. */
export function dottedKey(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out === '' ? '(config)' : out;
}

/** Levenshtein distance, for did-you-mean hints on unknown keys. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[y.length] ?? Math.max(x.length, y.length);
}

export function didYouMean(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(key, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  const limit = Math.max(2, Math.floor(key.length / 3));
  return best !== undefined && bestD <= limit ? best : undefined;
}

interface ZodInternals {
  _zod: { def: { type: string; shape?: Record<string, unknown>; innerType?: unknown; in?: unknown; element?: unknown; options?: unknown[]; entries?: Record<string, unknown> } };
}

/** The keys an object schema accepts at `path`, looking through defaults, optionals and pipes. */
export function knownKeys(schema: unknown, path: readonly PropertyKey[]): string[] {
  return [...new Set(walkSchema(schema, path, (def) => (def.type === 'object' ? Object.keys(def.shape ?? {}) : [])))];
}

/** The scalar type (`number`, `boolean`, `string`, …) the schema expects at `path`, if it is one. */
export function leafType(schema: unknown, path: readonly PropertyKey[]): string | undefined {
  return walkSchema(schema, path, (def) => (def.type === 'object' || def.type === 'record' ? [] : [def.type]))[0];
}

export type ZodDef = ZodInternals['_zod']['def'];

/**
 * The schemas a wrapper stands for — the inner type of optional, nullable, default, prefault,
 * readonly and catch; a pipe's input; a union's options — or undefined for a schema that is
 * not a wrapper. Every walk over the configuration schema looks through wrappers this way.
 */
export function wrapped(def: ZodDef): readonly unknown[] | undefined {
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return [def.innerType];
    case 'pipe':
      return [def.in];
    case 'union':
      return def.options ?? [];
    default:
      return undefined;
  }
}

function walkSchema(schema: unknown, path: readonly PropertyKey[], at: (def: ZodDef) => string[]): string[] {
  const found: string[] = [];
  const visit = (s: unknown, rest: readonly PropertyKey[]): void => {
    const def = (s as ZodInternals | undefined)?._zod?.def;
    if (!def) return;
    const inner = wrapped(def);
    if (inner !== undefined) {
      for (const i of inner) visit(i, rest);
      return;
    }
    switch (def.type) {
      case 'array':
        if (typeof rest[0] === 'number') visit(def.element, rest.slice(1));
        return;
      case 'object': {
        const shape = def.shape ?? {};
        if (rest.length === 0) found.push(...at(def));
        else if (typeof rest[0] === 'string' && rest[0] in shape) visit(shape[rest[0]], rest.slice(1));
        return;
      }
      default:
        if (rest.length === 0) found.push(...at(def));
        return;
    }
  };
  visit(schema, path);
  return found;
}

/** Turns zod issues into problems with dotted keys and readable messages. */
export function problemsFrom(issues: readonly z.core.$ZodIssue[], schema: unknown): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const iss of issues) {
    if (iss.code === 'unrecognized_keys') {
      const known = knownKeys(schema, iss.path);
      for (const k of iss.keys) {
        const hint = didYouMean(k, known);
        const tail = hint ? ` (did you mean '${hint}'?)` : known.length ? ` (known keys: ${known.join(', ')})` : '';
        out.push({ key: dottedKey([...iss.path, k]), message: `unknown key${tail}`, path: [...iss.path, k] });
      }
      continue;
    }
    out.push({ key: dottedKey(iss.path), message: isSecretKey(iss.path) ? redactMessage(iss.message) : iss.message, path: iss.path });
  }
  return out;
}

/**
 * zod's fallback wording for issues our field helpers did not word themselves (types of
 * whole sections, array lengths, unions).
 */
export function fallbackMessage(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return `required (expected ${article(iss.expected)})`;
      return `expected ${article(iss.expected)}, got ${show(iss.input)}`;
    case 'too_small':
      return iss.origin === 'array' ? `needs at least ${String(iss.minimum)} entries` : `must be at least ${String(iss.minimum)}`;
    case 'too_big':
      return iss.origin === 'array' ? `allows at most ${String(iss.maximum)} entries` : `must be at most ${String(iss.maximum)}`;
    case 'invalid_value':
      return `expected one of ${iss.values.map((v) => String(v)).join(', ')}, got ${show(iss.input)}`;
    default:
      return undefined;
  }
}

function article(expected: string): string {
  if (expected === 'object') return 'a section (key: value lines)';
  if (expected === 'array') return 'a list';
  if (expected === 'record') return 'a map';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
