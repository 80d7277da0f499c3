import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Env } from './env.js';
import { readEnvFile } from './env-file.js';

/** The secrets file `mmsgw setup` writes beside the configuration (and the unit's EnvironmentFile=). */
export function defaultSecretsPath(configFile: string): string {
  return join(dirname(configFile), 'secrets.env');
}

function readable(p: string): boolean {
  try {
    accessSync(p, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The environment with the secrets file's values under it: the one named, else secrets.env
 * beside the configuration when this user can read it (under systemd the service user cannot;
 * the unit's EnvironmentFile= gives the same values). The process environment wins.
 */
export function envWithSecrets(configFile: string, env: Env, explicit?: string): { env: Env; file?: string; warnings: string[] } {
  const file = explicit ?? defaultSecretsPath(configFile);
  if (explicit === undefined && (!existsSync(file) || !readable(file))) return { env, warnings: [] };
  const s = readEnvFile(file);
  return { env: { ...s.values, ...env }, file, warnings: s.tooOpen ? [`${file} is readable by group or others: chmod 600 it`] : [] };
}
