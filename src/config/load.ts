import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError } from '../util/errors.js';
import { demoConfigInput } from './demo.js';
import { applyEnvOverrides, substituteEnv, type Env } from './env.js';
import { ConfigInvalidError, fallbackMessage, leafType, problemsFrom, type ConfigProblem } from './issues.js';
import { deepFreeze } from './plain.js';
import { readConfigText } from './read-file.js';
import { configSchema, type Config } from './schema.js';

export interface LoadedConfig {
  readonly config: Config;
  /** The file read, or undefined for the embedded demo configuration. */
  readonly file: string | undefined;
  /** Environment variables that overrode a setting. */
  readonly envApplied: readonly string[];
  /** What the file (after `${NAME}` substitution and environment overrides) set, before defaults. */
  readonly input: Readonly<Record<string, unknown>>;
}

/**
 * Reads, validates and returns the configuration. With no `path`, the embedded demo
 * configuration (src/config/demo.ts) is used. Environment overrides (ENV_OVERRIDES) and
 * `${NAME}` references are applied before validation, so their values are checked too.
 * Relative paths in the file (stateDir, addressBook, TLS files) are relative to the file.
 * Throws ConfigError (ConfigInvalidError for validation) naming the dotted key.
 */
export function loadConfig(path: string | undefined, env: Env = process.env): Config {
  return loadConfigDetailed(path, env).config;
}

/** `text`: the file's content when the caller has read it already (./isolated.ts). */
export function loadConfigDetailed(path: string | undefined, env: Env = process.env, text?: string): LoadedConfig {
  const file = path === undefined ? undefined : resolve(path);
  const yaml = file === undefined ? undefined : readYaml(file, text ?? readConfigText(file));
  const raw = yaml === undefined ? (demoConfigInput() as Record<string, unknown>) : yaml.value;
  const withLines = (problems: ConfigProblem[]): ConfigProblem[] => (yaml ? problems.map((p) => withLine(p, yaml.doc, yaml.lines)) : problems);
  const substituted = substituteEnv(raw, env, (p) => leafType(configSchema, p));
  if (substituted.problems.length > 0) throw new ConfigInvalidError(substituted.problems, file);
  const input = substituted.value as Record<string, unknown>;
  const envApplied = applyEnvOverrides(input, env);
  const parsed = configSchema.safeParse(input, { error: (iss) => fallbackMessage(iss) });
  if (!parsed.success) throw new ConfigInvalidError(withLines(problemsFrom(parsed.error.issues, configSchema)), file);
  const config = file === undefined ? parsed.data : resolvePaths(parsed.data, dirname(file));
  return { config: deepFreeze(config), file, envApplied, input };
}

/** The line of the deepest part of the problem's key that the file has. */
function withLine(p: ConfigProblem, doc: Document, lines: LineCounter): ConfigProblem {
  if (!p.path) return p;
  for (let n = p.path.length; n > 0; n--) {
    const path = p.path.slice(0, n);
    const parent = n > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
    // The key's own line for a map entry (the value may start on the next line).
    const pair = (parent as { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] } | null)?.items?.find((i) => i.key?.value === path[path.length - 1]);
    const range = pair?.key?.range ?? (doc.getIn(path, true) as { range?: [number, number, number] } | undefined)?.range;
    if (range) return { ...p, line: lines.linePos(range[0]).line };
  }
  return p;
}

/** Validates an in-memory configuration object (tests, the web UI's config check). */
export function parseConfig(input: unknown): Config {
  const parsed = configSchema.safeParse(input, { error: (iss) => fallbackMessage(iss) });
  if (!parsed.success) throw new ConfigInvalidError(problemsFrom(parsed.error.issues, configSchema));
  return deepFreeze(parsed.data);
}

function readYaml(file: string, text: string): { value: Record<string, unknown>; doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: lines });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    throw new ConfigError(where, `YAML syntax error: ${first.message.split('\n')[0] ?? first.code}`);
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined) return { value: {}, doc, lines };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(file, 'expected the file to be a YAML mapping of sections (stateDir:, modem:, mail: …)');
  }
  return { value: value as Record<string, unknown>, doc, lines };
}

function resolvePaths(c: Config, base: string): Config {
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  const book = c.mail.out.addressBook;
  const tls = c.mail.in.smtpListener.starttls;
  return {
    ...c,
    stateDir: abs(c.stateDir),
    mail: {
      ...c.mail,
      out: { ...c.mail.out, addressBook: typeof book === 'string' ? abs(book) : book },
      in: { ...c.mail.in, smtpListener: { ...c.mail.in.smtpListener, starttls: tls ? { cert: abs(tls.cert), key: abs(tls.key) } : null } },
    },
  };
}

