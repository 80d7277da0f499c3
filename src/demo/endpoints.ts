import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `<state-dir>/endpoints.json`: every address the running demo serves, for scripts and other
 * tools. Keys: `web` (URL), `simulators` (control addresses), `api` (URL and demo token), `mm7`
 * (URL, VASP id and credentials); each part of the demo merges its own. The given keys replace
 * the file's, other keys are kept; the file is replaced atomically and readable by its owner
 * only (it holds credentials).
 */
export function mergeEndpoints(stateDir: string, endpoints: Readonly<Record<string, unknown>>): string {
  const path = join(stateDir, 'endpoints.json');
  let current: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) current = parsed as Record<string, unknown>;
  } catch {
    // absent or unreadable: a new file
  }
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ ...current, ...endpoints }, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
  return path;
}
