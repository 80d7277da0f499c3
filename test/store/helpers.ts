import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store, type StoreOptions } from '../../src/store/index.js';

/** A fresh state directory; removed by `cleanup`. */
export function tempDir(prefix = 'mmsgw-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A store on a real SQLite file in a temp directory. */
export function tempStore(options: Partial<StoreOptions> = {}): { store: Store; dir: string; cleanup: () => void } {
  const t = tempDir();
  const store = openStore({ stateDir: t.dir, ...options });
  return {
    store,
    dir: t.dir,
    cleanup: () => {
      store.close();
      t.cleanup();
    },
  };
}
