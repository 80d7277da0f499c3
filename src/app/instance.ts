import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A random id for this installation, kept in the state directory. Message-IDs of relayed mail
 * carry it, so a fresh database (ids starting at 1 again) never produces a Message-ID that a
 * mailbox already holds and would drop as a duplicate.
 */
export function instanceId(stateDir: string): string {
  const path = join(stateDir, 'instance-id');
  try {
    const id = readFileSync(path, 'utf8').trim();
    if (/^[a-z0-9]{8,32}$/.test(id)) return id;
  } catch {
    // first start
  }
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const id = randomBytes(6).toString('hex');
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${id}\n`, { mode: 0o600 });
  renameSync(tmp, path);
  return id;
}
