import type Database from 'better-sqlite3';
import { MmsgwError } from '../util/errors.js';
import { MESSAGE_ID_KEY_SQL, messageIdKey } from './address.js';
import type { EventRow, NewReport, RelayRow, RelayState, ReportRow } from './types.js';

interface RelayRecord {
  id: number;
  msg_id: number;
  mailbox: string;
  email_message_id: string;
  state: RelayState;
  attempts: number;
  last_error: string | null;
  smtp_response: string | null;
  created_at: number;
  updated_at: number;
}

function relayRow(r: RelayRecord): RelayRow {
  return {
    id: r.id,
    msgId: r.msg_id,
    mailbox: r.mailbox,
    emailMessageId: r.email_message_id,
    state: r.state,
    attempts: r.attempts,
    lastError: r.last_error,
    smtpResponse: r.smtp_response,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/**
 * Email relays of received messages: one row per (message, mailbox). The email's
 * Message-ID is fixed when the row is created, so a relay retried after a crash carries the
 * same Message-ID and the receiving side can drop the duplicate. A relay is `sent` only
 * after the SMTP server accepted it.
 */
export class RelaysRepo {
  constructor(private readonly db: Database.Database) {}

  /** Creates the relay row unless it exists; returns it either way. */
  ensure(msgId: number, mailbox: string, emailMessageId: string, now: number = Date.now()): { relay: RelayRow; created: boolean } {
    const info = this.db
      .prepare(`INSERT INTO relays (msg_id, mailbox, email_message_id, state, attempts, created_at, updated_at)
                VALUES (?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT(msg_id, mailbox) DO NOTHING`)
      .run(msgId, mailbox, emailMessageId, now, now);
    const relay = this.find(msgId, mailbox);
    if (!relay) throw new MmsgwError('STORE_NOT_FOUND', `relay of message ${msgId} to ${mailbox} vanished after insert`);
    return { relay, created: info.changes > 0 };
  }

  /** The relay of a message to a mailbox, if one was recorded. */
  find(msgId: number, mailbox: string): RelayRow | undefined {
    const r = this.db.prepare('SELECT * FROM relays WHERE msg_id = ? AND mailbox = ?').get(msgId, mailbox) as RelayRecord | undefined;
    return r && relayRow(r);
  }

  markSent(id: number, smtpResponse: string, now: number = Date.now()): RelayRow {
    return this.set(id, "state = 'sent', attempts = attempts + 1, smtp_response = @resp, last_error = NULL", now, { resp: smtpResponse });
  }

  /** A transient failure (the job retries). */
  markFailed(id: number, error: string, smtpResponse: string | null = null, now: number = Date.now()): RelayRow {
    return this.set(id, "state = 'failed', attempts = attempts + 1, last_error = @error, smtp_response = @resp", now, { error, resp: smtpResponse });
  }

  /** Permanent: the SMTP server refused with 5xx, or retries are exhausted. */
  markDead(id: number, error: string, smtpResponse: string | null = null, now: number = Date.now()): RelayRow {
    return this.set(id, "state = 'dead', last_error = @error, smtp_response = @resp", now, { error, resp: smtpResponse });
  }

  get(id: number): RelayRow | undefined {
    const r = this.db.prepare('SELECT * FROM relays WHERE id = ?').get(id) as RelayRecord | undefined;
    return r && relayRow(r);
  }

  ofMessage(msgId: number): RelayRow[] {
    return (this.db.prepare('SELECT * FROM relays WHERE msg_id = ? ORDER BY id').all(msgId) as RelayRecord[]).map(relayRow);
  }

  /** Relays not yet `sent` nor `dead`. */
  unfinished(limit = 100): RelayRow[] {
    return (this.db.prepare("SELECT * FROM relays WHERE state IN ('pending','failed') ORDER BY id LIMIT ?").all(limit) as RelayRecord[]).map(
      relayRow,
    );
  }

  private set(id: number, set: string, now: number, params: Record<string, unknown>): RelayRow {
    const info = this.db.prepare(`UPDATE relays SET ${set}, updated_at = @now WHERE id = @id`).run({ id, now, ...params });
    if (info.changes === 0) throw new MmsgwError('STORE_NOT_FOUND', `relay ${id} does not exist`, { details: { id } });
    return this.get(id) as RelayRow;
  }
}

interface ReportRecord {
  id: number;
  kind: ReportRow['kind'];
  msg_id: number | null;
  message_id: string | null;
  recipient: string | null;
  status: string;
  at: number;
  raw_pdu_id: number | null;
}

function reportRow(r: ReportRecord): ReportRow {
  return {
    id: r.id,
    kind: r.kind,
    msgId: r.msg_id,
    messageId: r.message_id,
    recipient: r.recipient,
    status: r.status,
    at: r.at,
    rawPduId: r.raw_pdu_id,
  };
}

/** Delivery and read reports about messages this box sent. */
export class ReportsRepo {
  constructor(private readonly db: Database.Database) {}

  /**
   * Records a report. When `msgId` is not given, it is linked to the outbound message whose
   * Message-ID matches (OMA-TS-MMS_ENC §7.3.29: m-delivery-ind carries the sent Message-ID);
   * a report nothing matches is kept unlinked.
   */
  add(r: NewReport): ReportRow {
    let msgId = r.msgId ?? null;
    if (msgId === null && r.messageId) {
      msgId =
        (this.db
          .prepare(`SELECT id FROM messages WHERE message_id IS NOT NULL AND ${MESSAGE_ID_KEY_SQL('message_id')} = ? AND direction = 'out' ORDER BY id DESC LIMIT 1`)
          .pluck()
          .get(messageIdKey(r.messageId)) as number | undefined) ?? null;
    }
    const info = this.db
      .prepare('INSERT INTO reports (kind, msg_id, message_id, recipient, status, at, raw_pdu_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(r.kind, msgId, r.messageId ?? null, r.recipient ?? null, r.status, r.at ?? Date.now(), r.rawPduId ?? null);
    return reportRow(this.db.prepare('SELECT * FROM reports WHERE id = ?').get(Number(info.lastInsertRowid)) as ReportRecord);
  }

  ofMessage(msgId: number): ReportRow[] {
    return (this.db.prepare('SELECT * FROM reports WHERE msg_id = ? ORDER BY at, id').all(msgId) as ReportRecord[]).map(reportRow);
  }

  /** Reports about a Message-ID, whatever its angle brackets or case. */
  byMessageId(messageId: string): ReportRow[] {
    return (
      this.db
        .prepare(`SELECT * FROM reports WHERE message_id IS NOT NULL AND ${MESSAGE_ID_KEY_SQL('message_id')} = ? ORDER BY at, id`)
        .all(messageIdKey(messageId)) as ReportRecord[]
    ).map(reportRow);
  }
}

/** The timeline of a message: what happened to it, when. */
export class EventsRepo {
  constructor(private readonly db: Database.Database) {}

  add(msgId: number, kind: string, detail: unknown = null, at: number = Date.now()): EventRow {
    const info = this.db.prepare('INSERT INTO events (msg_id, at, kind, detail) VALUES (?, ?, ?, ?)').run(msgId, at, kind, JSON.stringify(detail ?? null));
    return { id: Number(info.lastInsertRowid), msgId, at, kind, detail: detail ?? null };
  }

  ofMessage(msgId: number): EventRow[] {
    const rows = this.db.prepare('SELECT * FROM events WHERE msg_id = ? ORDER BY at, id').all(msgId) as {
      id: number;
      msg_id: number;
      at: number;
      kind: string;
      detail: string;
    }[];
    return rows.map((r) => ({ id: r.id, msgId: r.msg_id, at: r.at, kind: r.kind, detail: JSON.parse(r.detail) as unknown }));
  }
}
