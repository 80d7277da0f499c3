import type Database from 'better-sqlite3';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MmsgwError } from '../util/errors.js';
import { clean, hexdump, table, time, truncate } from './text.js';

export interface QuarantineSummary {
  readonly id: number;
  readonly source: string;
  readonly errorCode: string;
  readonly errorField: string | null;
  readonly errorOffset: number | null;
  readonly message: string;
  readonly size: number;
  readonly createdAt: number;
}

export interface QuarantineEntry extends QuarantineSummary {
  readonly bytes: Uint8Array;
}

const COLUMNS = `id, source, error_code AS errorCode, error_field AS errorField, error_offset AS errorOffset, message,
  length(bytes) AS size, created_at AS createdAt`;

/** Newest first, without the bytes. */
export function listQuarantine(db: Database.Database, limit: number): QuarantineSummary[] {
  return db.prepare(`SELECT ${COLUMNS} FROM quarantine ORDER BY id DESC LIMIT ?`).all(limit) as QuarantineSummary[];
}

export function quarantineEntry(db: Database.Database, id: number): QuarantineEntry {
  const r = db.prepare(`SELECT ${COLUMNS}, bytes FROM quarantine WHERE id = ?`).get(id) as (QuarantineSummary & { bytes: Buffer }) | undefined;
  if (!r) throw new MmsgwError('OPS_NOT_FOUND', `no such quarantine entry ${id}`, { details: { id } });
  return { ...r, bytes: new Uint8Array(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength) };
}

export function allQuarantine(db: Database.Database): QuarantineEntry[] {
  return listQuarantine(db, Number.MAX_SAFE_INTEGER).map((q) => quarantineEntry(db, q.id));
}

/**
 * The file an entry is exported to: `q<id>-<source>.<ext>`, built only from the id and a
 * closed alphabet (the source names come from the gateway, but nothing stored reaches a file
 * name unfiltered). An SMS is written as one line of hex, the form `mmsgw decode` reads SMS
 * PDUs in; everything else as the raw bytes.
 */
export function exportName(q: Pick<QuarantineSummary, 'id' | 'source'>): string {
  const source = q.source.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 24) || 'input';
  const ext = source === 'sms' ? 'hex' : source === 'email' ? 'eml' : source === 'mms' ? 'mms' : 'bin';
  return `q${q.id}-${source}.${ext}`;
}

function exportBody(q: QuarantineEntry): Uint8Array {
  return exportName(q).endsWith('.hex') ? Buffer.from(`${Buffer.from(q.bytes).toString('hex').toUpperCase()}\n`, 'latin1') : q.bytes;
}

/** Writes each entry to DIR (created if needed, files mode 0600: the content is a stranger's). Returns the paths. */
export function exportQuarantine(entries: readonly QuarantineEntry[], dir: string): string[] {
  const target = resolve(dir);
  mkdirSync(target, { recursive: true, mode: 0o700 });
  return entries.map((q) => {
    const path = join(target, exportName(q));
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, exportBody(q), { mode: 0o600 });
    renameSync(tmp, path);
    return path;
  });
}

export function renderQuarantineList(list: readonly QuarantineSummary[]): string {
  if (list.length === 0) return 'quarantine is empty';
  return table(
    ['id', 'time', 'source', 'error', 'field', 'offset', 'size', 'message'],
    list.map((q) => [
      String(q.id),
      time(q.createdAt),
      truncate(q.source, 12),
      truncate(q.errorCode, 28),
      truncate(q.errorField, 24),
      q.errorOffset === null ? '-' : String(q.errorOffset),
      String(q.size),
      truncate(q.message, 60),
    ]),
  );
}

/** One entry: what refused it, then the bytes as a hex dump (at most `limit` bytes). */
export function renderQuarantineEntry(q: QuarantineEntry, limit: number): string {
  return [
    `quarantine ${q.id}: ${clean(q.source)}, ${q.size} bytes, ${time(q.createdAt)}`,
    `  error   ${clean(q.errorCode)}`,
    `  field   ${clean(q.errorField)}${q.errorOffset === null ? '' : ` at offset ${q.errorOffset} (0x${q.errorOffset.toString(16)})`}`,
    `  message ${clean(q.message)}`,
    '',
    hexdump(q.bytes, limit),
  ].join('\n');
}

/** The JSON form of an entry: bytes as hex. */
export function quarantineJson(q: QuarantineEntry): Record<string, unknown> {
  const { bytes, ...rest } = q;
  return { ...rest, hex: Buffer.from(bytes).toString('hex') };
}

/** Deletes an entry (after its bytes were exported or downloaded); false when there was none. */
export function deleteQuarantine(db: Database.Database, id: number): boolean {
  return db.prepare('DELETE FROM quarantine WHERE id = ?').run(id).changes > 0;
}
