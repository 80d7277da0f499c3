import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `<state-dir>/endpoints.json`: where a person finds the running demo's interfaces and their
 * credentials (`web`, `api`, `mm7`), to paste the examples of the docs against them. Each part
 * of the demo merges its own key; the file is replaced atomically and readable by its owner
 * only (it holds passwords).
 */
export function mergeEndpoint(stateDir: string, key: string, value: unknown): void {
  const path = join(stateDir, 'endpoints.json');
  let current: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) current = parsed as Record<string, unknown>;
  } catch {
    // absent or unreadable: start a new file
  }
  current[key] = value;
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(current, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}
