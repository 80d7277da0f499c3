import type Database from 'better-sqlite3';
import { MmsgwError } from '../util/errors.js';
import { BlobStore } from './blobs.js';
import { sanitizeFilename } from './filename.js';
import type { BlobRef, NewPart, NewRawPdu, PartRow, RawPduRow } from './types.js';

/**
 * Bodies up to this size live in the row (text parts, SMIL, every SMS and WAP Push PDU);
 * larger ones (pictures, video, whole m-retrieve-conf PDUs) are blob files. See docs/STORAGE.md.
 */
export const INLINE_MAX_BYTES = 8192;

export function isBlobRef(body: Uint8Array | BlobRef): body is BlobRef {
  return !(body instanceof Uint8Array);
}

interface PartRecord {
  id: number;
  msg_id: number;
  seq: number;
  content_type: string;
  params: string;
  name: string | null;
  filename: string;
  content_id: string | null;
  content_location: string | null;
  charset: string | null;
  size: number;
  sha256: string;
  blob_path: string | null;
}

interface RawPduRecord {
  id: number;
  kind: RawPduRow['kind'];
  msg_id: number | null;
  size: number;
  sha256: string;
  blob_path: string | null;
  source: string | null;
  received_at: number;
}

function partRow(r: PartRecord): PartRow {
  return {
    id: r.id,
    msgId: r.msg_id,
    seq: r.seq,
    contentType: r.content_type,
    params: JSON.parse(r.params) as Record<string, string>,
    name: r.name,
    filename: r.filename,
    contentId: r.content_id,
    contentLocation: r.content_location,
    charset: r.charset,
    size: r.size,
    sha256: r.sha256,
    storage: r.blob_path === null ? 'inline' : 'file',
    blobPath: r.blob_path,
  };
}

function rawRow(r: RawPduRecord): RawPduRow {
  return {
    id: r.id,
    kind: r.kind,
    msgId: r.msg_id,
    size: r.size,
    sha256: r.sha256,
    storage: r.blob_path === null ? 'inline' : 'file',
    blobPath: r.blob_path,
    source: r.source,
    receivedAt: r.received_at,
  };
}

/** Splits a body into the columns that hold it. Large bodies must already be blobs. */
function bodyColumns(body: Uint8Array | BlobRef, what: string): { inline: Buffer | null; blobPath: string | null; size: number; sha256: string } {
  if (isBlobRef(body)) return { inline: null, blobPath: body.path, size: body.size, sha256: body.sha256 };
  if (body.byteLength > INLINE_MAX_BYTES) {
    throw new MmsgwError('STORE_BAD_INPUT', `${what} of ${body.byteLength} bytes must be written as a blob first (store.putBlob or the async save method)`);
  }
  return { inline: Buffer.from(body.buffer, body.byteOffset, body.byteLength), blobPath: null, size: body.byteLength, sha256: BlobStore.sha256(body) };
}

/** Decoded parts of messages and the raw PDUs they came from. */
export class ContentRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly blobs: BlobStore,
  ) {}

  /**
   * Replaces the parts of message `msgId` with `parts` (seq 1…n) in one transaction, so a
   * retried retrieval leaves exactly one set. Bodies over INLINE_MAX_BYTES must be BlobRefs;
   * `ContentRepo.prepareBodies` (or `Store.saveParts`) writes them first.
   */
  replaceParts(msgId: number, parts: readonly NewPart[]): PartRow[] {
    const insert = this.db.prepare(`INSERT INTO parts
      (msg_id, seq, content_type, params, name, filename, content_id, content_location, charset, size, sha256, inline_body, blob_path)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM parts WHERE msg_id = ?').run(msgId);
      parts.forEach((p, i) => {
        const b = bodyColumns(p.body, `part ${i + 1}`);
        const fallback = `part-${i + 1}${extensionFor(p.contentType)}`;
        insert.run(
          msgId,
          i + 1,
          p.contentType,
          JSON.stringify(p.params ?? {}),
          p.name ?? null,
          sanitizeFilename(p.filename ?? p.name ?? null, fallback),
          p.contentId ?? null,
          p.contentLocation ?? null,
          p.charset ?? null,
          b.size,
          b.sha256,
          b.inline,
          b.blobPath,
        );
      });
    })();
    return this.parts(msgId);
  }

  /** Writes every body larger than INLINE_MAX_BYTES to a blob file (durably) and returns the parts with BlobRefs. */
  async prepareBodies<T extends { body: Uint8Array | BlobRef }>(items: readonly T[]): Promise<T[]> {
    // The large bodies of the batch are written together (BlobStore.putMany): one round of fsyncs.
    const large = items.filter((item) => !isBlobRef(item.body) && item.body.byteLength > INLINE_MAX_BYTES);
    if (large.length === 0) return [...items];
    const refs = await this.blobs.putMany(large.map((item) => item.body as Uint8Array));
    const byItem = new Map(large.map((item, i) => [item, refs[i]]));
    return items.map((item) => {
      const ref = byItem.get(item);
      return ref ? { ...item, body: ref } : item;
    });
  }

  parts(msgId: number): PartRow[] {
    return (this.db.prepare('SELECT * FROM parts WHERE msg_id = ? ORDER BY seq').all(msgId) as PartRecord[]).map(partRow);
  }

  part(id: number): PartRow | undefined {
    const r = this.db.prepare('SELECT * FROM parts WHERE id = ?').get(id) as PartRecord | undefined;
    return r && partRow(r);
  }

  /** The bytes of a part, from the row or its blob file (checked against its sha256). */
  async partBody(part: PartRow): Promise<Uint8Array> {
    if (part.blobPath !== null) return this.blobs.read({ sha256: part.sha256, path: part.blobPath });
    return this.inline('parts', part.id);
  }

  /**
   * Absolute path of a file-backed part, for streaming it (e.g. as a nodemailer attachment
   * `{ path }`) without holding it in memory; undefined for inline parts. Not hash-checked.
   */
  partFile(part: PartRow): string | undefined {
    return part.blobPath === null ? undefined : this.blobs.absPath(part.blobPath);
  }

  /** Records a raw PDU. Bodies over INLINE_MAX_BYTES must be BlobRefs (see `Store.saveRawPdu`). */
  addRawPdu(p: NewRawPdu): RawPduRow {
    const b = bodyColumns(p.body, `raw ${p.kind}`);
    const info = this.db
      .prepare(`INSERT INTO raw_pdus (kind, msg_id, size, sha256, inline_body, blob_path, source, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(p.kind, p.msgId ?? null, b.size, b.sha256, b.inline, b.blobPath, p.source ?? null, p.receivedAt ?? Date.now());
    return this.rawPdu(Number(info.lastInsertRowid)) as RawPduRow;
  }

  /** Links a raw PDU recorded before its message existed (a WAP Push, an SMS segment). */
  linkRawPdu(rawPduId: number, msgId: number): void {
    this.db.prepare('UPDATE raw_pdus SET msg_id = ? WHERE id = ?').run(msgId, rawPduId);
  }

  rawPdu(id: number): RawPduRow | undefined {
    const r = this.db.prepare('SELECT * FROM raw_pdus WHERE id = ?').get(id) as RawPduRecord | undefined;
    return r && rawRow(r);
  }

  rawPdusOf(msgId: number): RawPduRow[] {
    return (this.db.prepare('SELECT * FROM raw_pdus WHERE msg_id = ? ORDER BY id').all(msgId) as RawPduRecord[]).map(rawRow);
  }

  /** The newest raw PDU of `kind` with this content hash, if any. */
  findRawPdu(kind: RawPduRow['kind'], sha256: string): RawPduRow | undefined {
    const r = this.db.prepare('SELECT * FROM raw_pdus WHERE sha256 = ? AND kind = ? ORDER BY id DESC LIMIT 1').get(sha256, kind) as
      | RawPduRecord
      | undefined;
    return r && rawRow(r);
  }

  async rawPduBody(pdu: RawPduRow): Promise<Uint8Array> {
    if (pdu.blobPath !== null) return this.blobs.read({ sha256: pdu.sha256, path: pdu.blobPath });
    return this.inline('raw_pdus', pdu.id);
  }

  /** File names (sha256) of every blob a row references, for BlobStore.gc. */
  referencedBlobs(): Set<string> {
    const rows = this.db
      .prepare('SELECT sha256 FROM parts WHERE blob_path IS NOT NULL UNION SELECT sha256 FROM raw_pdus WHERE blob_path IS NOT NULL')
      .pluck()
      .all() as string[];
    return new Set(rows);
  }

  private inline(table: 'parts' | 'raw_pdus', id: number): Uint8Array {
    const body = this.db.prepare(`SELECT inline_body FROM ${table} WHERE id = ?`).pluck().get(id) as Buffer | undefined;
    if (!body) throw new MmsgwError('STORE_NOT_FOUND', `${table} row ${id} has no body`, { details: { id } });
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  }
}

const EXTENSIONS: Record<string, string> = {
  'text/plain': '.txt',
  'application/smil': '.smil',
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'image/heic': '.heic',
  'video/3gpp': '.3gp',
  'video/mp4': '.mp4',
  'audio/amr': '.amr',
  'audio/mpeg': '.mp3',
  'audio/mp4': '.m4a',
  'text/x-vcard': '.vcf',
  'text/vcard': '.vcf',
  'text/x-vcalendar': '.vcs',
};

function extensionFor(contentType: string): string {
  return EXTENSIONS[contentType.toLowerCase().split(';')[0]?.trim() ?? ''] ?? '.bin';
}
