import { readFileSync } from 'node:fs';
import { ConfigError } from '../util/errors.js';

/**
 * The text of a configuration file, or a ConfigError naming it. Zod- and yaml-free, so that
 * `mmsgw run` reads its file in its own thread, at the call, before the validation worker
 * (./isolated.ts) starts: a file changed or removed meanwhile cannot give another answer.
 */
export function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(file, code === 'ENOENT' ? 'configuration file not found' : `cannot read configuration file: ${(e as Error).message}`);
  }
}
