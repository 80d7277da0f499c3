/**
 * The configuration's secrets, for the logger to mask (src/util/log.ts `registerSecrets`).
 * Found by key name anywhere in the validated configuration, so a credential added to the
 * schema later is covered without a list to keep in step: passwords, the SIM PIN, OAuth
 * client secrets and tokens, webhook secrets, password hashes.
 */
import type { Config } from '../config/index.js';
import { registerSecrets } from '../util/log.js';

const SECRET_KEY = /(password|passwd|secret|token|^pin$|^puk$|^pass$|passwordHash)/i;

export function configSecrets(config: Config): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key: string, depth: number): void => {
    if (depth > 12 || v === null || v === undefined) return;
    if (typeof v === 'string') {
      if (SECRET_KEY.test(key)) out.push(v);
      return;
    }
    if (Array.isArray(v)) {
      for (const x of v) walk(x, key, depth + 1);
      return;
    }
    if (typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k, depth + 1);
  };
  walk(config, '', 0);
  return out;
}

/** Masks every secret of `config` in every log line from now on. */
export function maskConfigSecrets(config: Config): void {
  registerSecrets(configSecrets(config));
}
