import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadConfig, type Env } from '../config/index.js';
import { MmsgwError } from '../util/errors.js';

/** Where the gateway keeps its state, as the operator named it. */
export interface Location {
  readonly stateDir: string;
  readonly dbPath: string;
  /** How the location was found, for error messages: `--state-dir`, `--config FILE`, … */
  readonly via: string;
}

export interface LocateOptions {
  readonly config?: string | undefined;
  readonly stateDir?: string | undefined;
  readonly env?: Env;
}

/** The stateDir default of the configuration schema (src/config/schema.ts). */
const DEFAULT_STATE_DIR = '/var/lib/mmsgw';

/**
 * Finds the database the running gateway writes: `--state-dir DIR` wins, then `--config
 * FILE` (or MMSGW_CONFIG), then MMSGW_STATE_DIR. The database is `<stateDir>/mmsgw.db`.
 *
 * The configuration is validated as `mmsgw run` would; when that fails only because of
 * something the service's environment provides (a `${SECRET}` reference unset in the
 * operator's shell), the `stateDir` key is read from the file as written, so an operator can
 * inspect the box without its secrets.
 */
export function locate(o: LocateOptions): Location {
  const env = o.env ?? process.env;
  if (o.stateDir !== undefined) return at(resolve(o.stateDir), '--state-dir');
  const file = o.config ?? env.MMSGW_CONFIG;
  if (file !== undefined && file !== '') return at(stateDirFromConfig(resolve(file), env), `--config ${file}`);
  const fromEnv = env.MMSGW_STATE_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return at(resolve(fromEnv), 'MMSGW_STATE_DIR');
  throw new MmsgwError('OPS_USAGE', 'name the gateway\'s configuration (--config FILE) or its state directory (--state-dir DIR)');
}

function at(stateDir: string, via: string): Location {
  return { stateDir, dbPath: join(stateDir, 'mmsgw.db'), via };
}

function stateDirFromConfig(file: string, env: Env): string {
  if (!existsSync(file)) throw new MmsgwError('OPS_NO_CONFIG', `configuration file not found: ${file}`);
  try {
    return loadConfig(file, env).stateDir;
  } catch (e) {
    const lenient = rawStateDir(file, env);
    if (lenient === undefined) throw e;
    return lenient;
  }
}

/** `stateDir` as written in the file (MMSGW_STATE_DIR overriding it), relative to the file. */
function rawStateDir(file: string, env: Env): string | undefined {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const fromEnv = env.MMSGW_STATE_DIR;
  const written = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>).stateDir : undefined;
  const value = fromEnv !== undefined && fromEnv !== '' ? fromEnv : (written ?? DEFAULT_STATE_DIR);
  if (typeof value !== 'string' || value.includes('${')) return undefined;
  return isAbsolute(value) ? value : resolve(dirname(file), value);
}
