import type Database from 'better-sqlite3';
import { MmsgwError } from '../util/errors.js';
import { BlobStore } from './blobs.js';
import type { ContentRepo } from './content.js';
import type { NewQuarantine, QuarantineRow, ReceivedSms, RecordedSms, SegmentRow } from './types.js';

/** How far back a byte-identical PDU counts as the modem presenting the same SMS again. */
export const SMS_DUPLICATE_WINDOW_MS = 7 * 24 * 3600 * 1000;

interface SegmentRecord {
  id: number;
  raw_pdu_id: number;
  originator: string;
  ref: number;
  total: number;
  seq: number;
  received_at: number;
  consumed_by: number | null;
}

function segmentRow(r: SegmentRecord): SegmentRow {
  return {
    id: r.id,
    rawPduId: r.raw_pdu_id,
    originator: r.originator,
    ref: r.ref,
    total: r.total,
    seq: r.seq,
    receivedAt: r.received_at,
    consumedBy: r.consumed_by,
  };
}

function hexToBytes(hex: string): Uint8Array {
  const clean = hex.trim();
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new MmsgwError('STORE_BAD_INPUT', 'SMS PDU is not an even-length hex string');
  }
  return Buffer.from(clean, 'hex');
}

/** What arrives from the modem before it is decoded into messages: SMS, segments, quarantine. */
export class IntakeRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly content: ContentRepo,
  ) {}

  /**
   * Records a received SMS (raw PDU, plus its segment row when it is part of a concatenated
   * SMS) in ONE transaction. When it returns, the SMS is durable and the modem may delete it.
   * A byte-identical PDU recorded within SMS_DUPLICATE_WINDOW_MS (the modem listing a message
   * again after a crash between commit and delete) is not recorded twice: `duplicate` is true
   * and the first record's ids are returned. SMS-DELIVER PDUs carry the service centre time
   * stamp, so two genuinely separate messages are never byte-identical. A segment header the
   * codec found invalid (seq 0, seq > total) must not be passed as `segment`: 23.040 says to
   * treat such a message as not concatenated.
   */
  recordSms(sms: ReceivedSms): RecordedSms {
    const bytes = hexToBytes(sms.pdu);
    if (sms.segment) validateSegment(sms.segment);
    return this.db.transaction((): RecordedSms => {
      const existing = this.content.findRawPdu(sms.kind, BlobStore.sha256(bytes));
      // Another modem's copy is another SIM's message (the same text sent to two of the box's numbers).
      const sameModem = existing === undefined || sms.modem === undefined || this.db.prepare('SELECT modem FROM raw_pdus WHERE id = ?').pluck().get(existing.id) === sms.modem;
      if (existing && sameModem && sms.receivedAt - existing.receivedAt < SMS_DUPLICATE_WINDOW_MS) {
        const seg = this.db.prepare('SELECT id FROM sms_segments WHERE raw_pdu_id = ?').pluck().get(existing.id) as number | undefined;
        return { rawPduId: existing.id, segmentId: seg ?? null, duplicate: true };
      }
      const source = sms.storage !== undefined ? `modem:${sms.storage}${sms.index !== undefined ? `/${sms.index}` : ''}` : 'modem';
      const raw = this.content.addRawPdu({ kind: sms.kind, body: bytes, receivedAt: sms.receivedAt, source });
      if (sms.modem !== undefined) this.db.prepare('UPDATE raw_pdus SET modem = ? WHERE id = ?').run(sms.modem, raw.id);
      let segmentId: number | null = null;
      if (sms.segment) {
        const s = sms.segment;
        const info = this.db
          .prepare('INSERT INTO sms_segments (raw_pdu_id, originator, ref, total, seq, received_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(raw.id, s.originator, s.ref, s.total, s.seq, sms.receivedAt);
        segmentId = Number(info.lastInsertRowid);
      }
      return { rawPduId: raw.id, segmentId, duplicate: false };
    }).immediate();
  }

  /** Unconsumed segments of one concatenated SMS, in sequence order (duplicates included). */
  openSegments(originator: string, ref: number, total: number): SegmentRow[] {
    return (
      this.db
        .prepare('SELECT * FROM sms_segments WHERE originator = ? AND ref = ? AND total = ? AND consumed_by IS NULL ORDER BY seq, id')
        .all(originator, ref, total) as SegmentRecord[]
    ).map(segmentRow);
  }

  /** Every unconsumed segment, oldest first (for the concatenation timeout sweep and restart). */
  allOpenSegments(): SegmentRow[] {
    return (this.db.prepare('SELECT * FROM sms_segments WHERE consumed_by IS NULL ORDER BY received_at, id').all() as SegmentRecord[]).map(
      segmentRow,
    );
  }

  /** The hex PDU of a segment's raw PDU (inline: SMS PDUs are always small). */
  segmentPdu(segment: SegmentRow): string {
    const body = this.db.prepare('SELECT inline_body FROM raw_pdus WHERE id = ?').pluck().get(segment.rawPduId) as Buffer | undefined;
    if (!body) throw new MmsgwError('STORE_NOT_FOUND', `raw PDU ${segment.rawPduId} of segment ${segment.id} is missing`);
    return body.toString('hex').toUpperCase();
  }

  /**
   * True while none of these segments is consumed and none of these raw PDUs belongs to a
   * message yet: what a step that turns them into a message checks in the transaction that
   * writes it, so that two steps which read them before either wrote make one message, not two.
   */
  unclaimed(segmentIds: readonly number[], rawPduIds: readonly number[]): boolean {
    const segment = this.db.prepare('SELECT consumed_by FROM sms_segments WHERE id = ?').pluck();
    const raw = this.db.prepare('SELECT msg_id FROM raw_pdus WHERE id = ?').pluck();
    return segmentIds.every((id) => segment.get(id) == null) && rawPduIds.every((id) => raw.get(id) == null);
  }

  /**
   * Marks segments as joined into message `msgId` and links their raw PDUs to it. Run it in
   * the same transaction as the message insert (`store.tx`).
   */
  consumeSegments(segmentIds: readonly number[], msgId: number): void {
    const mark = this.db.prepare('UPDATE sms_segments SET consumed_by = ? WHERE id = ?');
    const link = this.db.prepare('UPDATE raw_pdus SET msg_id = ? WHERE id = (SELECT raw_pdu_id FROM sms_segments WHERE id = ?)');
    this.db.transaction(() => {
      for (const id of segmentIds) {
        mark.run(msgId, id);
        link.run(msgId, id);
      }
    })();
  }

  /** Keeps undecodable input with the error that refused it. */
  quarantine(q: NewQuarantine): QuarantineRow {
    const info = this.db
      .prepare(`INSERT INTO quarantine (source, bytes, error_code, error_field, error_offset, message, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(q.source, Buffer.from(q.bytes), q.errorCode, q.errorField ?? null, q.errorOffset ?? null, q.message, q.at ?? Date.now());
    return this.quarantined(Number(info.lastInsertRowid)) as QuarantineRow;
  }

  quarantined(id: number): QuarantineRow | undefined {
    const r = this.db.prepare('SELECT * FROM quarantine WHERE id = ?').get(id) as QuarantineRecord | undefined;
    return r && quarantineRow(r);
  }

  /** Newest first. */
  listQuarantine(limit = 100): QuarantineRow[] {
    return (this.db.prepare('SELECT * FROM quarantine ORDER BY id DESC LIMIT ?').all(Math.min(limit, 1000)) as QuarantineRecord[]).map(quarantineRow);
  }
}

interface QuarantineRecord {
  id: number;
  source: string;
  bytes: Buffer;
  error_code: string;
  error_field: string | null;
  error_offset: number | null;
  message: string;
  created_at: number;
}

function quarantineRow(r: QuarantineRecord): QuarantineRow {
  return {
    id: r.id,
    source: r.source,
    bytes: new Uint8Array(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength),
    errorCode: r.error_code,
    errorField: r.error_field,
    errorOffset: r.error_offset,
    message: r.message,
    createdAt: r.created_at,
  };
}

function validateSegment(s: { total: number; seq: number; ref: number }): void {
  if (!Number.isInteger(s.total) || s.total < 1 || s.total > 255 || !Number.isInteger(s.seq) || s.seq < 1 || s.seq > 255) {
    throw new MmsgwError('STORE_BAD_INPUT', `SMS segment ${s.seq}/${s.total} is out of range (3GPP 23.040 §9.2.3.24.1)`);
  }
}
