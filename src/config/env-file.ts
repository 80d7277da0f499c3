import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from '../util/errors.js';

/**
 * A secrets file in the format systemd's EnvironmentFile= reads (KEY=VALUE lines, `#`
 * comments, values optionally in single or double quotes) — the file `mmsgw setup` writes
 * beside the configuration with mode 0600, and the unit loads.
 */
export function parseEnvFile(text: string, file = 'secrets file'): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new ConfigError(`${file}:${i + 1}`, 'expected KEY=VALUE');
    let v = m[2] ?? '';
    if (/^".*"$/.test(v)) v = v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    else if (/^'.*'$/.test(v)) v = v.slice(1, -1);
    out[m[1] as string] = v;
  });
  return out;
}

/** One value written so that parseEnvFile and systemd read it back unchanged. */
export function envLine(name: string, value: string): string {
  return `${name}="${value.replace(/(["\\$`])/g, '\\$1')}"`;
}

export interface SecretsFile {
  readonly values: Record<string, string>;
  /** Set when the file can be read by its group or others. */
  readonly tooOpen: boolean;
}

export function readEnvFile(file: string): SecretsFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, `cannot read secrets file: ${(e as Error).message}`);
  }
  return { values: parseEnvFile(text, file), tooOpen: (statSync(file).mode & 0o077) !== 0 };
}
