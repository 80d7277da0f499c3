/**
 * Large part bodies go to the mail as files (src/mail/out `BodyFile`), streamed from their blob
 * instead of loaded: a 5 MB picture is read in 64 KiB chunks while it is sent. Before that, the
 * file is checked against the sha256 its row records, reading it in chunks too, so a blob the
 * SD card damaged fails the relay (STORE_BLOB_CORRUPT) instead of mailing wrong bytes.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { BodyFile } from '../mail/out/types.js';
import type { PartRow, RawPduRow, Store } from '../store/index.js';
import { MmsgwError } from '../util/errors.js';

/** Parts the renderer reads (message text, the SMIL layout) are loaded; media stays in its file. */
function renderedFromMemory(contentType: string): boolean {
  const t = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return t === 'text/plain' || t === 'application/smil';
}

async function verified(path: string, size: number, sha256: string, what: string): Promise<BodyFile> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).byteLength;
    }
  } catch (e) {
    throw new MmsgwError('STORE_BLOB_CORRUPT', `${what}: blob ${path} cannot be read: ${(e as Error).message}`, { cause: e, details: { path } });
  }
  if (bytes !== size || hash.digest('hex') !== sha256) {
    throw new MmsgwError('STORE_BLOB_CORRUPT', `${what}: blob ${path} does not match its sha256`, { details: { path } });
  }
  return { path, size, sha256 };
}

/** A part's body for the relay: bytes for text, SMIL and small parts; a checked file for media in a blob. */
export async function relayPartBody(store: Store, part: PartRow): Promise<Uint8Array | BodyFile> {
  const path = store.content.partFile(part);
  if (path === undefined || renderedFromMemory(part.contentType)) return store.content.partBody(part);
  return verified(path, part.size, part.sha256, `part ${part.id}`);
}

/** The raw PDU for `attachRawMms`: a checked file when it is a blob. */
export async function relayRawBody(store: Store, raw: RawPduRow): Promise<Uint8Array | BodyFile> {
  if (raw.blobPath === null) return store.content.rawPduBody(raw);
  return verified(store.blobs.absPath(raw.blobPath), raw.size, raw.sha256, `raw PDU ${raw.id}`);
}
