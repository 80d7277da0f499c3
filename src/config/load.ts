import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from '../util/errors.js';
import { demoConfigInput } from './demo.js';
import { applyEnvOverrides, substituteEnv, type Env } from './env.js';
import { ConfigInvalidError, fallbackMessage, leafType, problemsFrom } from './issues.js';
import { configSchema, type Config } from './schema.js';

export interface LoadedConfig {
  readonly config: Config;
  /** The file read, or undefined for the embedded demo configuration. */
  readonly file: string | undefined;
  /** Environment variables that overrode a setting. */
  readonly envApplied: readonly string[];
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

export function loadConfigDetailed(path: string | undefined, env: Env = process.env): LoadedConfig {
  const file = path === undefined ? undefined : resolve(path);
  const raw = file === undefined ? (demoConfigInput() as Record<string, unknown>) : readYaml(file);
  const substituted = substituteEnv(raw, env, (p) => leafType(configSchema, p));
  if (substituted.problems.length > 0) throw new ConfigInvalidError(substituted.problems, file);
  const input = substituted.value as Record<string, unknown>;
  const envApplied = applyEnvOverrides(input, env);
  const parsed = configSchema.safeParse(input, { error: (iss) => fallbackMessage(iss) });
  if (!parsed.success) throw new ConfigInvalidError(problemsFrom(parsed.error.issues, configSchema), file);
  const config = file === undefined ? parsed.data : resolvePaths(parsed.data, dirname(file));
  return { config: deepFreeze(config), file, envApplied };
}

/** Validates an in-memory configuration object (tests, the web UI's config check). */
export function parseConfig(input: unknown): Config {
  const parsed = configSchema.safeParse(input, { error: (iss) => fallbackMessage(iss) });
  if (!parsed.success) throw new ConfigInvalidError(problemsFrom(parsed.error.issues, configSchema));
  return deepFreeze(parsed.data);
}

function readYaml(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(file, code === 'ENOENT' ? 'configuration file not found' : `cannot read configuration file: ${(e as Error).message}`);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    throw new ConfigError(where, `YAML syntax error: ${first.message.split('\n')[0] ?? first.code}`);
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(file, 'expected the file to be a YAML mapping of sections (stateDir:, modem:, mail: …)');
  }
  return value as Record<string, unknown>;
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

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
