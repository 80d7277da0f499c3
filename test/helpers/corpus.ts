import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The public sample corpus lives beside the repository (../shared/corpus), not in it. Tests
 * that use it call `corpusDir()` and skip with this message where it is absent (a user's clone).
 */
const root = resolve(new URL('../..', import.meta.url).pathname);

export function corpusDir(sub = 'mms'): string | undefined {
  const dir = process.env.MMSGW_CORPUS ? join(process.env.MMSGW_CORPUS, sub) : join(root, '..', 'shared', 'corpus', sub);
  return existsSync(dir) ? dir : undefined;
}

export const CORPUS_ABSENT = 'skipped: ../shared/corpus is not present beside this clone (set MMSGW_CORPUS to point at it)';

/** Every `*.mms` file of the corpus with its bytes, recursively. */
export function corpusFiles(sub = 'mms'): { name: string; path: string; bytes: Uint8Array }[] {
  const dir = corpusDir(sub);
  if (!dir) return [];
  const out: { name: string; path: string; bytes: Uint8Array }[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.mms')) out.push({ name: e.name, path: p, bytes: new Uint8Array(readFileSync(p)) });
    }
  };
  walk(dir);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
