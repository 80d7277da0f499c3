import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instanceId } from '../../src/app/instance.js';
import { openStore } from '../../src/store/index.js';

/**
 * The state directory holds messages, numbers and mail: database, WAL, SHM and directories are
 * created 0600 / 0700 whatever the umask (here 000, the worst), blob files 0600.
 */
const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8);

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [join(dir, e.name), ...walk(join(dir, e.name))] : [join(dir, e.name)]));
}

test('umask 000: state directory 0700, database, WAL, SHM, blobs and instance id 0600', async () => {
  const old = process.umask(0o000);
  const root = mkdtempSync(join(tmpdir(), 'mmsgw-perm-'));
  try {
    const stateDir = join(root, 'state');
    const store = openStore({ stateDir });
    const msg = store.messages.insert({ direction: 'in', kind: 'mms', state: 'retrieved' });
    await store.saveParts(msg.id, [{ contentType: 'image/jpeg', body: new Uint8Array(20_000).fill(7) }]);
    instanceId(stateDir);
    const db = join(stateDir, 'mmsgw.db');
    assert.equal(mode(stateDir), '700');
    for (const f of [db, `${db}-wal`, `${db}-shm`]) assert.equal(mode(f), '600', f);
    const entries = walk(stateDir);
    assert.ok(entries.some((p) => p.includes('blobs')), 'a blob was written');
    for (const p of entries) assert.equal(mode(p), statSync(p).isDirectory() ? '700' : '600', p);
    store.close();
  } finally {
    process.umask(old);
    rmSync(root, { recursive: true, force: true });
  }
});

test('an existing database file that is world-readable is narrowed to 0600 when opened', () => {
  const root = mkdtempSync(join(tmpdir(), 'mmsgw-perm-'));
  try {
    openStore({ stateDir: root }).close();
    const db = join(root, 'mmsgw.db');
    chmodSync(db, 0o644);
    writeFileSync(`${db}-wal`, '');
    chmodSync(`${db}-wal`, 0o666);
    const store = openStore({ stateDir: root });
    assert.equal(mode(db), '600');
    assert.equal(mode(`${db}-wal`), '600');
    store.close();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
