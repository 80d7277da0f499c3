import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The secrets file `mmsgw setup` writes beside the configuration (and the unit's EnvironmentFile=). */
export function defaultSecretsPath(configFile: string): string {
  return join(dirname(configFile), 'secrets.env');
}

export function secretsBeside(configFile: string): string | undefined {
  const p = defaultSecretsPath(configFile);
  return existsSync(p) ? p : undefined;
}
