import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { mkdir, open, readFile, rename, unlink, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { crashPoint } from '../util/crash-point.js';
import { MmsgwError } from '../util/errors.js';
import { mkdirPrivate, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private.js';
import type { BlobRef } from './types.js';

/**
 * Content-addressed files under `<stateDir>/blobs/<aa>/<bb>/<sha256>`. A blob is published
 * atomically: written to `blobs/tmp/`, fsynced, renamed into place, and the directory fsynced,
 * so after a power cut a blob path either names the complete file or does not exist. The
 * database row that references a blob is committed only after `put` resolved. Identical
 * bodies (the same picture forwarded twice) are stored once.
 */
export class BlobStore {
  readonly root: string;
  private readonly tmpDir: string;

  constructor(
    readonly stateDir: string,
    options: { readonly?: boolean } = {},
  ) {
    this.root = join(stateDir, 'blobs');
    this.tmpDir = join(this.root, 'tmp');
    if (!options.readonly) mkdirPrivate(this.tmpDir);
  }

  static sha256(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  static relPath(sha256: string): string {
    return join('blobs', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  absPath(ref: BlobRef | string): string {
    return join(this.stateDir, typeof ref === 'string' ? ref : ref.path);
  }

  /**
   * Writes `bytes` durably (see class comment) and returns its reference. When the blob
   * already exists and its content checks out, it is only touched (so `gc` treats it as
   * young until the row that references it is committed); a damaged copy is replaced.
   */
  async put(bytes: Uint8Array): Promise<BlobRef> {
    const [ref] = await this.putMany([bytes]);
    if (!ref) throw new MmsgwError('STORE_BLOB_WRITE', 'no blob written');
    return ref;
  }

  /**
   * `put` for several bodies at once (the parts of one message): the files are written and
   * fsynced concurrently, then renamed, then each directory that gained an entry is fsynced
   * once. Resolves when every blob is durable; a failure removes what it left in `tmp/`.
   */
  async putMany(bodies: readonly Uint8Array[]): Promise<BlobRef[]> {
    const refs = bodies.map((bytes): BlobRef => {
      const sha256 = BlobStore.sha256(bytes);
      return { sha256, size: bytes.byteLength, path: BlobStore.relPath(sha256) };
    });
    const fresh = new Map<string, Uint8Array>();
    await Promise.all(
      refs.map(async (ref, i) => {
        const final = join(this.stateDir, ref.path);
        if (fresh.has(ref.sha256)) return;
        if (await this.intact(final, ref.sha256)) {
          const now = new Date();
          await utimes(final, now, now);
          return;
        }
        fresh.set(ref.sha256, bodies[i] as Uint8Array);
      }),
    );
    if (fresh.size === 0) return refs;
    const written: { tmp: string; final: string; rel: string }[] = [];
    try {
      const dirs = new Set<string>();
      await Promise.all(
        [...fresh].map(async ([sha256, bytes]) => {
          const rel = BlobStore.relPath(sha256);
          const final = join(this.stateDir, rel);
          const dir = dirname(final);
          const tmp = join(this.tmpDir, `${sha256}.${randomBytes(4).toString('hex')}.tmp`);
          const created = await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
          // New fan-out directories must be durable too: their entries live in the parents.
          if (created !== undefined) dirs.add(dirname(dir)).add(this.root);
          dirs.add(dir);
          const fh = await open(tmp, 'wx', PRIVATE_FILE_MODE);
          written.push({ tmp, final, rel });
          try {
            await fh.writeFile(bytes);
            await fh.sync();
          } finally {
            await fh.close();
          }
        }),
      );
      for (const w of written) await rename(w.tmp, w.final);
      await Promise.all([...dirs].map((d) => fsyncDir(d)));
      crashPoint('blobs-written');
    } catch (e) {
      await Promise.all(written.map((w) => unlink(w.tmp).catch(() => undefined)));
      const rel = written[0]?.rel ?? refs[0]?.path ?? '?';
      throw new MmsgwError('STORE_BLOB_WRITE', `cannot write blob ${rel}: ${(e as Error).message}`, { cause: e });
    }
    return refs;
  }

  private async intact(path: string, sha256: string): Promise<boolean> {
    try {
      return BlobStore.sha256(await readFile(path)) === sha256;
    } catch {
      return false;
    }
  }

  /** Reads a blob and checks it against its address; a mismatch means the SD card lied. */
  async read(ref: BlobRef | { sha256: string; path: string }): Promise<Uint8Array> {
    const bytes = await readFile(this.absPath(ref.path));
    if (BlobStore.sha256(bytes) !== ref.sha256) {
      throw new MmsgwError('STORE_BLOB_CORRUPT', `blob ${ref.path} does not match its sha256`, { details: { path: ref.path } });
    }
    return bytes;
  }

  readSync(ref: { sha256: string; path: string }): Uint8Array {
    const bytes = readFileSync(this.absPath(ref.path));
    if (BlobStore.sha256(bytes) !== ref.sha256) {
      throw new MmsgwError('STORE_BLOB_CORRUPT', `blob ${ref.path} does not match its sha256`, { details: { path: ref.path } });
    }
    return bytes;
  }

  /**
   * Deletes blob files no row references, and temp files left by a crash. Only files older
   * than `minAgeMs` are touched, so a blob written for a row not yet committed survives.
   * Returns the number of files removed.
   */
  gc(referenced: ReadonlySet<string>, now: number, minAgeMs: number): number {
    let removed = 0;
    const visit = (dir: string, depth: number): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (depth < 2 && entry.name !== 'tmp') visit(p, depth + 1);
          continue;
        }
        const isTmp = dir === this.tmpDir;
        if (!isTmp && (depth !== 2 || referenced.has(entry.name))) continue;
        if (now - statSync(p).mtimeMs < minAgeMs) continue;
        unlinkSync(p);
        removed++;
      }
    };
    visit(this.tmpDir, 2);
    visit(this.root, 0);
    return removed;
  }
}

/** Makes a rename durable: fsync of the directory holding the new entry (POSIX). */
async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch (e) {
    // Some filesystems (and all of Windows) refuse fsync on a directory; the rename stands.
    if ((e as NodeJS.ErrnoException).code !== 'EINVAL' && (e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
  } finally {
    await fh.close();
  }
}
