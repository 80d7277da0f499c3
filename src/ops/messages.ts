import type Database from 'better-sqlite3';
import {
  EventsRepo,
  JobsRepo,
  MessagesRepo,
  RelaysRepo,
  ReportsRepo,
  type AddressRow,
  type Direction,
  type EventRow,
  type JobRow,
  type MessageRow,
  type MessageState,
  type RawPduKind,
  type RelayRow,
  type ReportRow,
} from '../store/index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeText } from '../mail/out/charset.js';
import { MmsgwError } from '../util/errors.js';

export interface MessageLine {
  readonly id: number;
  readonly at: number;
  readonly direction: Direction;
  readonly kind: MessageRow['kind'];
  readonly state: MessageState;
  readonly from: string | null;
  readonly to: readonly string[];
  readonly subject: string | null;
  /** The start of the first text part (an SMS's text), at most 200 characters. */
  readonly text: string | null;
  readonly incomplete: boolean;
}

export interface ListQuery {
  readonly direction?: Direction;
  readonly state?: string;
  readonly limit?: number;
}

/** Newest first: the columns of `mmsgw messages`. */
export function listMessages(db: Database.Database, q: ListQuery): MessageLine[] {
  const messages = new MessagesRepo(db);
  const toOf = db.prepare("SELECT normalized FROM addresses WHERE msg_id = ? AND role = 'to' ORDER BY id").pluck();
  const textOf = db.prepare("SELECT inline_body AS body, charset FROM parts WHERE msg_id = ? AND content_type LIKE 'text/plain%' AND inline_body IS NOT NULL ORDER BY seq LIMIT 1");
  return db.transaction(() =>
    messages
      .list({
        ...(q.direction ? { direction: q.direction } : {}),
        ...(q.state ? { state: q.state as MessageState } : {}),
        limit: q.limit ?? 50,
      })
      .map((m) => ({
        id: m.id,
        at: m.createdAt,
        direction: m.direction,
        kind: m.kind,
        state: m.state,
        from: m.from,
        to: toOf.all(m.id) as string[],
        subject: m.subject,
        text: firstText(textOf.get(m.id) as { body: Buffer; charset: string | null } | undefined),
        incomplete: m.incomplete,
      })),
  )();
}

function firstText(row: { body: Buffer; charset: string | null } | undefined, max = 200): string | null {
  if (row === undefined) return null;
  const t = decodeText(row.body.subarray(0, max * 4), row.charset ?? undefined).replace(/\s+/g, ' ').trim();
  return t === '' ? null : [...t].slice(0, max).join('');
}

/** The text parts of a message, decoded (inline bodies; a text over 8 KiB is read from its file). */
export function messageTexts(db: Database.Database, id: number, stateDir: string): string[] {
  const rows = db
    .prepare("SELECT inline_body AS body, blob_path AS path, charset FROM parts WHERE msg_id = ? AND content_type LIKE 'text/plain%' ORDER BY seq")
    .all(id) as { body: Buffer | null; path: string | null; charset: string | null }[];
  return rows.map((r) => {
    let body = r.body;
    if (body === null && r.path !== null && /^blobs\/[0-9a-f/]+$/.test(r.path)) {
      try {
        body = readFileSync(join(stateDir, r.path));
      } catch {
        return '(text file missing)';
      }
    }
    return body === null ? '' : decodeText(body, r.charset ?? undefined);
  });
}

export interface PartSummary {
  readonly seq: number;
  readonly contentType: string;
  readonly name: string | null;
  readonly filename: string;
  readonly contentId: string | null;
  readonly size: number;
  readonly sha256: string;
  readonly storage: 'inline' | 'file';
}

export interface RawPduSummary {
  readonly id: number;
  readonly kind: RawPduKind;
  readonly size: number;
  readonly sha256: string;
  readonly source: string | null;
  readonly receivedAt: number;
}

export interface MessageDetail {
  readonly message: MessageRow;
  readonly addresses: readonly AddressRow[];
  readonly parts: readonly PartSummary[];
  readonly rawPdus: readonly RawPduSummary[];
  readonly relays: readonly RelayRow[];
  readonly reports: readonly ReportRow[];
  readonly events: readonly EventRow[];
  /** Jobs whose payload names this message, directly or through one of its raw PDUs. */
  readonly jobs: readonly JobRow[];
  /** The modem (configured id) that received or sent it, and the own number a sender asked for (schema 9; several modems). */
  readonly modem: string | null;
  readonly via: string | null;
}

/** Everything about one message, read in one snapshot. */
export function messageDetail(db: Database.Database, id: number): MessageDetail {
  const read = db.transaction((): MessageDetail => {
    const message = new MessagesRepo(db).get(id);
    if (!message) throw new MmsgwError('OPS_NOT_FOUND', `no such message ${id}`, { details: { id } });
    const parts = db
      .prepare(`SELECT seq, content_type AS contentType, name, filename, content_id AS contentId, size, sha256,
                CASE WHEN blob_path IS NULL THEN 'inline' ELSE 'file' END AS storage FROM parts WHERE msg_id = ? ORDER BY seq`)
      .all(id) as PartSummary[];
    const rawPdus = db
      .prepare('SELECT id, kind, size, sha256, source, received_at AS receivedAt FROM raw_pdus WHERE msg_id = ? ORDER BY id')
      .all(id) as RawPduSummary[];
    const jobIds = db
      .prepare(`SELECT id FROM jobs WHERE json_extract(payload, '$.msgId') = @id
                OR json_extract(payload, '$.rawPduId') IN (SELECT id FROM raw_pdus WHERE msg_id = @id) ORDER BY id`)
      .pluck()
      .all({ id }) as number[];
    const jobsRepo = new JobsRepo(db);
    const links = (db.pragma('user_version', { simple: true }) as number) >= 9 ? (db.prepare('SELECT modem, via FROM messages WHERE id = ?').get(id) as { modem: string | null; via: string | null }) : { modem: null, via: null };
    return {
      message,
      modem: links.modem,
      via: links.via,
      addresses: new MessagesRepo(db).addresses(id),
      parts,
      rawPdus,
      relays: new RelaysRepo(db).ofMessage(id),
      reports: new ReportsRepo(db).ofMessage(id),
      events: new EventsRepo(db).ofMessage(id),
      jobs: jobIds.map((j) => jobsRepo.get(j)).filter((j): j is JobRow => j !== undefined),
    };
  });
  return read();
}
