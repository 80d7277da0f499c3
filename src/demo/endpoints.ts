import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `<state-dir>/endpoints.json`: every address the running demo serves, for scripts and other
 * tools. Keys: `web` (URL), `simulators` (control addresses); `api` and `mm7` join them when
 * those interfaces run. Written atomically once the demo is ready.
 */
export function writeEndpoints(stateDir: string, endpoints: Readonly<Record<string, unknown>>): string {
  const path = join(stateDir, 'endpoints.json');
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
  return path;
}
